import ical, { ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { BookingRow, EventRow } from './repo.js';

/** Where the event happens, as one line: the full address, or the joining link, or both. */
export function locationLine(event: EventRow, withLink: boolean): string {
  const place = [event.venueName, event.venueRoom, event.venueAddress, event.venuePostcode].filter(Boolean).join(', ');
  const link = withLink && event.onlineUrl ? event.onlineUrl : '';
  return [place, link].filter(Boolean).join(' / ') || 'Online';
}

/** The UID of a booking's meeting, the same for the invitation, every update and the cancellation. */
export function bookingUid(booking: BookingRow, baseUrl: string): string {
  return `event-booking-${booking.id}@${new URL(baseUrl).hostname}`;
}

/** A calendar invitation (REQUEST) or cancellation (CANCEL) for one booking, with the booking's current SEQUENCE. */
export function bookingCalendar(o: {
  event: EventRow;
  booking: BookingRow;
  method: 'REQUEST' | 'CANCEL';
  baseUrl: string;
  networkName: string;
  organizerEmail: string;
}): string {
  const cal = ical({
    name: o.networkName,
    method: o.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
    prodId: { company: 'Baton', product: 'events' },
  });
  cal.createEvent({
    id: bookingUid(o.booking, o.baseUrl),
    sequence: o.booking.sequence,
    start: o.event.startsAt,
    end: o.event.endsAt,
    stamp: new Date(),
    summary: o.event.title,
    description: o.event.summary,
    location: locationLine(o.event, true),
    status: o.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: { name: o.networkName, email: o.organizerEmail },
    attendees: [{ name: o.booking.name, email: o.booking.email, rsvp: false, status: ICalAttendeeStatus.ACCEPTED }],
  });
  return cal.toString();
}

/** Published events as a public calendar (a feed or one event's "Add to calendar" file): no joining links, a link to each event's page. */
export function publicCalendar(o: { events: EventRow[]; baseUrl: string; networkName: string; eventUrl: (e: EventRow) => string }): string {
  const cal = ical({ name: `${o.networkName} events`, prodId: { company: 'Baton', product: 'events' } });
  for (const e of o.events) {
    cal.createEvent({
      id: `event-${e.id}@${new URL(o.baseUrl).hostname}`,
      start: e.startsAt,
      end: e.endsAt,
      stamp: e.updatedAt,
      summary: e.title,
      description: e.summary,
      location: locationLine(e, false),
      url: o.eventUrl(e),
      status: e.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}

/** A person's own calendar feed: the events they have a confirmed place at, with the joining link, under each booking's UID. */
export function personalCalendar(o: {
  places: Array<{ booking: BookingRow; event: EventRow }>;
  baseUrl: string;
  networkName: string;
  eventUrl: (e: EventRow) => string;
}): string {
  const cal = ical({ name: `Your ${o.networkName} events`, prodId: { company: 'Baton', product: 'events' } });
  for (const { booking, event } of o.places) {
    cal.createEvent({
      id: bookingUid(booking, o.baseUrl),
      sequence: booking.sequence,
      start: event.startsAt,
      end: event.endsAt,
      stamp: booking.updatedAt,
      summary: event.title,
      description: event.summary,
      location: locationLine(event, true),
      url: o.eventUrl(event),
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
