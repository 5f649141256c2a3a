import type { EventRow } from './repo.js';
import { ACCESS, DIETARY } from './validation.js';
import type { EventView } from './service.js';
import { instantToLondon, londonLabel, londonTime } from './times.js';

/** What a page shows of an event: its times in London, where it is, and its places. */
export interface EventCard {
  id: number;
  slug: string;
  title: string;
  summary: string;
  audience: string;
  status: string;
  when: string;
  startsAt: Date;
  where: string | null;
  online: boolean;
  venue: { name: string | null; room: string | null; address: string | null; postcode: string | null } | null;
  travelNotes: string | null;
  accessibility: string | null;
  contactEmail: string | null;
  capacity: number | null;
  placesLeft: number | null;
  waiting: number;
  bookingCloses: string | null;
  bookingClosed: boolean;
  /** When booking opens, while it has not opened yet. */
  bookingOpensLater: string | null;
  /** Questions asked at booking. */
  questions: string[];
}

/** An event as a card on the pages (numbers only when the event came with them). */
export function eventCard(e: EventRow | EventView, now = new Date()): EventCard {
  const view = e as Partial<EventView>;
  const sameDay = instantToLondon(e.startsAt).slice(0, 10) === instantToLondon(e.endsAt).slice(0, 10);
  const venue = e.venueName ? { name: e.venueName, room: e.venueRoom, address: e.venueAddress, postcode: e.venuePostcode } : null;
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    summary: e.summary,
    audience: e.audience,
    status: e.status,
    when: sameDay ? `${londonLabel(e.startsAt)} to ${londonTime(e.endsAt)}` : `${londonLabel(e.startsAt)} to ${londonLabel(e.endsAt)}`,
    startsAt: e.startsAt,
    where: venue ? [venue.room, venue.name, venue.address, venue.postcode].filter(Boolean).join(', ') : null,
    online: Boolean(e.onlineUrl),
    venue,
    travelNotes: e.travelNotes,
    accessibility: e.accessibility,
    contactEmail: e.contactEmail,
    capacity: e.capacity,
    placesLeft: view.placesLeft ?? null,
    waiting: view.waiting ?? 0,
    bookingCloses: e.bookingCloses ? londonLabel(e.bookingCloses) : null,
    bookingClosed: Boolean((e.bookingCloses && now >= e.bookingCloses) || now >= e.startsAt),
    bookingOpensLater: e.bookingOpens && now < e.bookingOpens ? londonLabel(e.bookingOpens) : null,
    questions: e.questions,
  };
}

/** An event as the editor's form shows it: flat fields, times in London wall-clock. */
export function eventFormValues(e: EventRow): Record<string, string | string[]> {
  const local = (d: Date | null) => (d ? instantToLondon(d) : '');
  return {
    title: e.title,
    summary: e.summary,
    body: e.body,
    audience: e.audience,
    start: local(e.startsAt),
    end: local(e.endsAt),
    venueName: e.venueName ?? '',
    venueRoom: e.venueRoom ?? '',
    venueAddress: e.venueAddress ?? '',
    venuePostcode: e.venuePostcode ?? '',
    travelNotes: e.travelNotes ?? '',
    accessibility: e.accessibility ?? '',
    onlineUrl: e.onlineUrl ?? '',
    capacity: e.capacity === null ? '' : String(e.capacity),
    bookingOpens: local(e.bookingOpens),
    bookingCloses: local(e.bookingCloses),
    offerHours: String(e.offerHours),
    contactEmail: e.contactEmail ?? '',
    ask: [...(e.questions.includes(DIETARY) ? ['dietary'] : []), ...(e.questions.includes(ACCESS) ? ['access'] : [])],
    whoMayBook: e.whoMayBook,
    bookingLists: e.bookingLists.map(String),
    bookingOrganisations: e.bookingOrganisations.map(String),
    extraQuestions: e.questions.filter((q) => q !== DIETARY && q !== ACCESS).join('\n'),
  };
}
