// Event times are instants in the database, entered and shown as Europe/London wall-clock time.
const ZONE = 'Europe/London';

// Formatters are built once: making one costs about a millisecond, and emails and pages format many times each.
const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: ZONE });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: ZONE });

function offsetMinutes(instant: Date): number {
  const parts = PARTS.formatToParts(instant);
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/** The instant of a London wall-clock time "YYYY-MM-DDTHH:MM" (an hour skipped in spring is read as the hour after). */
export function londonToInstant(local: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(local.trim());
  if (!m) return null;
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  if (Number.isNaN(guess)) return null;
  // Two passes settle on the offset in force at that wall-clock time (GMT or BST).
  let instant = guess - offsetMinutes(new Date(guess)) * 60_000;
  instant = guess - offsetMinutes(new Date(instant)) * 60_000;
  return new Date(instant);
}

/** An instant as London wall-clock "YYYY-MM-DDTHH:MM", for a form's datetime-local field. */
export function instantToLondon(instant: Date): string {
  const shifted = new Date(instant.getTime() + offsetMinutes(instant) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** An instant as people read it: "Thursday 30 June 2022, 9:30am" in London time. */
export function londonLabel(instant: Date): string {
  // en-GB writes "Thursday, 30 June 2022"; people (and the bulletins) write it without the comma.
  const day = DAY.format(instant).replace(',', '');
  const time = TIME.format(instant).replace(' ', '');
  return `${day}, ${time}`;
}

/** The time of day only, London time ("4:30pm"). */
export function londonTime(instant: Date): string {
  return TIME.format(instant).replace(' ', '');
}
