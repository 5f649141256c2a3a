/** "2023-06" → "2023-06-01", the form months are stored in. */
export function monthStart(month: string): string {
  return `${month.slice(0, 7)}-01`;
}

/** The month after a YYYY-MM month. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The default copy deadline of a month's edition: the 15th of the month before. */
export function defaultDeadline(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return `${prev}-15`;
}

/** A date (YYYY-MM-DD) plus some days, as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 09:00 UTC on a day: when reminders and notices go out. */
export function nineAm(day: string): Date {
  return new Date(`${day}T09:00:00Z`);
}

/** The YYYY-MM of a date. */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** A day (YYYY-MM-DD) written out the GOV.UK way, e.g. "Thursday 15 May 2031". */
export function longDate(day: string, withWeekday = true): string {
  const d = new Date(`${day}T12:00:00Z`);
  const weekday = d.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  const rest = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return withWeekday ? `${weekday} ${rest}` : rest;
}
