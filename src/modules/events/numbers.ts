// An event's numbers for its editors: the bar of places, and who has a place by organisation and by job role.
import { JOB_ROLE_LABELS, type JobRole } from '../directory/schema.js';
import type { BookingRow, EventRow } from './repo.js';

/** One row of a count: a name, its confirmed places, how many arrived, and the no-shows once the event has ended. */
export interface CountRow {
  name: string;
  confirmed: number;
  arrived: number;
  noShows: number | null;
}

/** The places bar and the counts of an event. */
export interface EventNumbers {
  /** Places taken (confirmed), held as offers, and free (null when unlimited), with percentages of the capacity for the bar. */
  bar: {
    confirmed: number;
    offered: number;
    free: number | null;
    waiting: number;
    capacity: number | null;
    confirmedPct: number;
    offeredPct: number;
  };
  /** Whether the event has ended, so people with a place who did not arrive are no-shows. */
  ended: boolean;
  arrived: number;
  noShows: number | null;
  byOrganisation: CountRow[];
  byRole: CountRow[];
}

const pct = (n: number, of: number) => (of > 0 ? Math.round((Math.min(n, of) / of) * 1000) / 10 : 0);

function countBy(confirmed: BookingRow[], ended: boolean, name: (b: BookingRow) => string): CountRow[] {
  const rows = new Map<string, CountRow>();
  for (const b of confirmed) {
    const key = name(b);
    const row = rows.get(key) ?? { name: key, confirmed: 0, arrived: 0, noShows: ended ? 0 : null };
    row.confirmed++;
    if (b.checkedInAt) row.arrived++;
    else if (row.noShows !== null) row.noShows++;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.confirmed - a.confirmed || a.name.localeCompare(b.name));
}

/** Counts an event's bookings for its page: the bar of places, arrivals and no-shows, per organisation and per job role. */
export function eventNumbers(event: EventRow, bookings: BookingRow[], now = new Date()): EventNumbers {
  const confirmed = bookings.filter((b) => b.status === 'confirmed');
  const offered = bookings.filter((b) => b.status === 'offered').length;
  const waiting = bookings.filter((b) => b.status === 'waitlisted').length;
  const ended = now >= event.endsAt;
  const arrived = confirmed.filter((b) => b.checkedInAt).length;
  const capacity = event.capacity;
  return {
    bar: {
      confirmed: confirmed.length,
      offered,
      waiting,
      capacity,
      free: capacity === null ? null : Math.max(0, capacity - confirmed.length - offered),
      confirmedPct: capacity ? pct(confirmed.length, capacity) : 0,
      offeredPct: capacity ? Math.min(pct(offered, capacity), 100 - pct(confirmed.length, capacity)) : 0,
    },
    ended,
    arrived,
    noShows: ended ? confirmed.length - arrived : null,
    byOrganisation: countBy(confirmed, ended, (b) => b.organisationName ?? 'No organisation'),
    byRole: countBy(confirmed, ended, (b) => (b.jobRole ? roleLabel(b.jobRole) : 'Not recorded')),
  };
}

/** A job role as people read it ("Director of Children's Services"), or the stored word when it is not one of ours. */
export function roleLabel(role: string): string {
  return JOB_ROLE_LABELS[role as JobRole] ?? role;
}

/** Whether a confirmed place was used, for the CSV: yes, no-show (after the event), not yet; empty for other bookings. */
export function attendance(b: BookingRow, event: EventRow, now = new Date()): string | null {
  if (b.status !== 'confirmed') return null;
  if (b.checkedInAt) return 'yes';
  return now >= event.endsAt ? 'no-show' : 'not yet';
}
