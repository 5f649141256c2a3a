import crypto from 'node:crypto';
import { systemActor, type Actor } from '../../platform/actor.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, parseOrThrow, ValidationError } from '../../platform/errors.js';
import { enqueue } from '../../platform/jobs/scheduler.js';
import { authorise, can } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { createPerson, listAllOrganisations, personByEmailForAuth, personForAuth, searchPeople } from '../directory/service.js';
import { listNamesOf, memberOfAnyList } from '../mailing/subscriptions.js';
import { sendBookingMail } from './mail.js';
import * as repo from './repo.js';
import type { EventsDeps } from './service.js';
import { bookingInput, feedbackInput, type BookingFields, type FeedbackFields } from './validation.js';

/** The job that ends an offer nobody answered and passes the place on. */
export const OFFER_EXPIRY_JOB = 'events.offer-expiry';

/** A booking as the API and pages name its state. */
export type PublicStatus = 'confirmed' | 'waitlisted' | 'offered' | 'cancelled' | 'declined' | 'expired';

/** Who a booking is for, resolved before the pool is locked (a new contact is added outside the lock). */
interface Booker {
  email: string;
  name: string;
  personId: number | null;
  organisationName: string | null;
  jobRole: string | null;
  organisationId: number | null;
  bookedBy: string;
}

async function resolveBooker(db: Db, actor: Actor, input: ReturnType<typeof bookingInput.parse>): Promise<Booker> {
  authorise(actor, 'events.book');
  const self = actor.kind === 'person' && actor.id !== null ? await personForAuth(db, actor.id) : undefined;
  if (self && self.email.toLowerCase() === input.email) {
    return {
      email: self.email,
      name: self.name,
      personId: self.id,
      organisationId: self.organisationId,
      organisationName: self.organisationName ?? null,
      jobRole: self.jobRole,
      bookedBy: 'self',
    };
  }
  const person = await personByEmailForAuth(db, input.email);
  if (person) {
    authorise(actor, 'events.bookFor', { organisationId: person.organisationId });
    return {
      email: person.email,
      name: person.name,
      personId: person.id,
      jobRole: person.jobRole,
      organisationId: person.organisationId,
      organisationName: person.organisationName ?? null,
      bookedBy: actor.label,
    };
  }
  if (!can(actor, 'events.manage')) throw new ForbiddenError('events.bookFor');
  if (!input.name) throw new ValidationError([{ field: 'name', message: 'Enter the name of the person to book' }]);
  // An editor's booking for someone new adds them as a contact with the least access (a subscriber). Choosing an access
  // role is an admin's power in the directory, so the contact is added under the system, in the editor's name.
  const created = await createPerson(db, systemActor(`${actor.label} booking a place`), {
    name: input.name,
    email: input.email,
    role: 'other',
    accessRole: 'subscriber',
  });
  return {
    email: created.email,
    name: created.name,
    organisationId: created.organisationId,
    personId: created.id,
    organisationName: null,
    jobRole: created.jobRole,
    bookedBy: actor.label,
  };
}

/** Keeps the answers to the event's own questions (empty ones left out), so a booking holds nothing else. */
function answersTo(event: repo.EventRow, answers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(event.questions.filter((q) => answers[q]?.trim()).map((q) => [q, answers[q]!.trim()]));
}

/**
 * Why a person may not book an event limited to named mailing lists or organisations, or null when they may; editors
 * book anyone. Invitation-only events are refused earlier, for everyone but editors.
 */
export async function notEligible(
  db: Db,
  actor: Actor,
  event: repo.EventRow,
  who: { email: string; organisationId: number | null },
): Promise<string | null> {
  if (can(actor, 'events.manage')) return null;
  if (event.whoMayBook === 'invitation') return 'This event is by invitation only';
  if (event.whoMayBook === 'lists' && !(await memberOfAnyList(db, who.email, event.bookingLists))) {
    return 'This event is for members of particular mailing lists, and this person is not on them';
  }
  if (event.whoMayBook === 'organisations' && (who.organisationId === null || !event.bookingOrganisations.includes(who.organisationId))) {
    return 'This event is for people of particular organisations, and this person is not one of them';
  }
  return null;
}

/** Who may book an event, in words for its page (null when anyone signed in may). */
export async function whoMayBookText(db: Db, event: repo.EventRow): Promise<string | null> {
  if (event.whoMayBook === 'invitation') return 'By invitation only';
  if (event.whoMayBook === 'lists') return `Members of ${joinNames(await listNamesOf(db, event.bookingLists))}`;
  if (event.whoMayBook === 'organisations') {
    const names = new Map((await listAllOrganisations(db)).map((o) => [o.id, o.name]));
    return `People of ${joinNames(event.bookingOrganisations.flatMap((id) => (names.has(id) ? [names.get(id)!] : [])))}`;
  }
  return null;
}

const joinNames = (names: string[]) =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'the named few');

function bookable(event: repo.EventRow | undefined, actor: Actor, now: Date): repo.EventRow {
  if (!event || (event.status === 'draft' && !can(actor, 'events.manage'))) throw new NotFoundError('Event');
  if (event.status !== 'published') throw new ConflictError('This event is not open for booking');
  if (event.whoMayBook === 'invitation' && !can(actor, 'events.manage')) throw new ConflictError('This event is by invitation only');
  if (now >= event.startsAt) throw new ConflictError('This event has already started');
  if (event.bookingOpens && now < event.bookingOpens) throw new ConflictError('Booking for this event has not opened yet');
  if (event.bookingCloses && now >= event.bookingCloses) throw new ConflictError('Booking for this event has closed');
  return event;
}

/**
 * Books a place (for oneself, a colleague, or anyone when an editor), or a place on the waiting list when the event is
 * full: decided by the capacity adapter under the event's row lock. The same person twice is a ConflictError.
 */
export async function book(
  deps: EventsDeps,
  db: Db,
  actor: Actor,
  eventId: number,
  input: BookingFields,
  now = new Date(),
): Promise<{ booking: repo.BookingRow; status: 'confirmed' | 'waitlisted' }> {
  const v = parseOrThrow(bookingInput, input);
  const before = bookable(await repo.getEvent(db, eventId), actor, now);
  const who = await resolveBooker(db, actor, v);
  const refusal = await notEligible(db, actor, before, who);
  if (refusal) throw new ConflictError(refusal);
  let event!: repo.EventRow;
  const write = (status: 'confirmed' | 'waitlisted') => async (tx: Db) => {
    const booking = await repo.insertBooking(tx, {
      eventId,
      personId: who.personId,
      email: who.email,
      name: who.name,
      organisationName: who.organisationName,
      jobRole: who.jobRole,
      status,
      bookedBy: who.bookedBy,
      token: crypto.randomBytes(24).toString('base64url'),
      answers: answersTo(event, v.answers),
    });
    await sendBookingMail(tx, deps, status === 'confirmed' ? 'confirmed' : 'waitlisted', event, booking);
    await recordAudit(tx, actor, {
      action: `booking.${status}`,
      entityType: 'event_booking',
      entityId: booking.id,
      summary: `${who.name} <${who.email}> ${status === 'confirmed' ? 'booked on' : 'joined the waiting list of'} ${event.title}`,
    });
    return booking;
  };
  const result = await deps.capacity.claim(db, {
    pool: { table: 'events', id: eventId },
    check: async (tx) => {
      event = bookable(await repo.getEvent(tx, eventId), actor, now);
      const existing = await repo.liveBookingFor(tx, eventId, who.email);
      if (existing) {
        throw new ConflictError(`${who.email} already has a booking for this event`, {
          booking: { id: existing.id, status: existing.status, email: existing.email, name: existing.name },
        });
      }
    },
    taken: (tx) => repo.placesTaken(tx, eventId),
    place: write('confirmed'),
    wait: write('waitlisted'),
  });
  return { booking: result.value, status: result.outcome === 'placed' ? 'confirmed' : 'waitlisted' };
}

/** Offers free places to the waiting list in order, as holds that expire; none once booking has closed or the event begun. */
export async function offerFreedPlaces(tx: Db, deps: EventsDeps, event: repo.EventRow, now: Date): Promise<number> {
  if (event.status !== 'published' || now >= event.startsAt) return 0;
  if (event.bookingCloses && now >= event.bookingCloses) return 0;
  let offered = 0;
  for (;;) {
    if (event.capacity !== null && (await repo.placesTaken(tx, event.id)) >= event.capacity) break;
    const next = await repo.nextWaiting(tx, event.id);
    if (!next) break;
    const expires = new Date(now.getTime() + event.offerHours * 3_600_000);
    const booking = await repo.updateBooking(tx, next.id, { status: 'offered', offerExpiresAt: expires });
    await sendBookingMail(tx, deps, 'offer', event, booking);
    await enqueue(tx, {
      kind: OFFER_EXPIRY_JOB,
      key: `${OFFER_EXPIRY_JOB}:${booking.id}:${expires.getTime()}`,
      runAt: expires,
      payload: { bookingId: booking.id },
    });
    offered++;
  }
  return offered;
}

async function underEventLock<T>(
  deps: EventsDeps,
  db: Db,
  bookingId: number,
  work: (tx: Db, booking: repo.BookingRow, event: repo.EventRow) => Promise<T>,
): Promise<T> {
  const first = await repo.getBooking(db, bookingId);
  if (!first) throw new NotFoundError('Booking');
  return deps.capacity.withPools(db, [{ table: 'events', id: first.eventId }], async (tx) => {
    const booking = (await repo.getBooking(tx, bookingId))!;
    const event = (await repo.getEvent(tx, booking.eventId))!;
    return work(tx, booking, event);
  });
}

/** Cancels a place (or leaves the waiting list) and offers the freed place on; by the person (their link) or an editor. */
export async function cancelBooking(
  deps: EventsDeps,
  db: Db,
  by: { actor: Actor } | { token: string },
  bookingId: number,
  reason: string | null = null,
  now = new Date(),
): Promise<repo.BookingRow> {
  return underEventLock(deps, db, bookingId, async (tx, booking, event) => {
    if ('token' in by) {
      if (booking.token !== by.token) throw new NotFoundError('Booking');
    } else if (!can(by.actor, 'events.manage')) {
      const self = by.actor.kind === 'person' && by.actor.id !== null && by.actor.id === booking.personId;
      if (!self) throw new ForbiddenError('events.manage');
    }
    if (!repo.LIVE.includes(booking.status)) return booking;
    const after = await repo.updateBooking(tx, booking.id, {
      status: 'cancelled',
      sequence: booking.sequence + 1,
      reason,
      offerExpiresAt: null,
    });
    if (booking.status === 'confirmed') await sendBookingMail(tx, deps, 'cancelled', event, after, reason ?? undefined);
    const actor =
      'actor' in by ? by.actor : { kind: 'public' as const, id: null, label: booking.email, role: 'public' as const, organisationId: null };
    await recordAudit(tx, actor, {
      action: 'booking.cancel',
      entityType: 'event_booking',
      entityId: booking.id,
      summary: `Cancelled the ${booking.status} booking of ${booking.name} on ${event.title}${reason ? `: ${reason}` : ''}`,
    });
    await offerFreedPlaces(tx, deps, event, now);
    return after;
  });
}

/**
 * Moves someone to the front of the waiting list, for editors, with the reason recorded; when a place is free and
 * booking is open it is offered to them at once.
 */
export async function moveUp(
  deps: EventsDeps,
  db: Db,
  actor: Actor,
  eventId: number,
  bookingId: number,
  reason: string | null,
  now = new Date(),
): Promise<repo.BookingRow> {
  authorise(actor, 'events.manage');
  if (!reason) throw new ValidationError([{ field: 'reason', message: 'Say why this person goes first, for the record' }]);
  const first = await repo.getBooking(db, bookingId);
  if (!first || first.eventId !== eventId) throw new NotFoundError('Booking');
  return underEventLock(deps, db, bookingId, async (tx, booking, event) => {
    if (booking.status !== 'waitlisted') throw new ConflictError(`${booking.name} is not on the waiting list`);
    await repo.updateBooking(tx, booking.id, { movedUpAt: now, reason });
    await recordAudit(tx, actor, {
      action: 'booking.move-up',
      entityType: 'event_booking',
      entityId: booking.id,
      summary: `Moved ${booking.name} to the front of the waiting list of ${event.title}: ${reason}`,
      data: { reason },
    });
    await offerFreedPlaces(tx, deps, event, now);
    return (await repo.getBooking(tx, booking.id))!;
  });
}

/** Accepts an offered place before its hold expires: the place is confirmed and the invitation sent. */
export async function acceptOffer(deps: EventsDeps, db: Db, token: string, now = new Date()): Promise<repo.BookingRow> {
  const found = await repo.bookingByToken(db, token);
  if (!found) throw new NotFoundError('Booking');
  return underEventLock(deps, db, found.id, async (tx, booking, event) => {
    if (booking.status === 'confirmed') return booking;
    if (booking.status !== 'offered' || !booking.offerExpiresAt || booking.offerExpiresAt <= now) {
      throw new ConflictError('This offer is no longer open: it was declined, cancelled or has expired');
    }
    const after = await repo.updateBooking(tx, booking.id, { status: 'confirmed', offerExpiresAt: null });
    await sendBookingMail(tx, deps, 'confirmed', event, after);
    return after;
  });
}

/** Declines an offered place, which passes to the next person waiting. */
export async function declineOffer(deps: EventsDeps, db: Db, token: string, now = new Date()): Promise<repo.BookingRow> {
  const found = await repo.bookingByToken(db, token);
  if (!found) throw new NotFoundError('Booking');
  return underEventLock(deps, db, found.id, async (tx, booking, event) => {
    if (booking.status !== 'offered') throw new ConflictError('This offer is no longer open');
    const after = await repo.updateBooking(tx, booking.id, { status: 'declined', offerExpiresAt: null });
    await offerFreedPlaces(tx, deps, event, now);
    return after;
  });
}

/** Ends an offer whose hold has run out and offers the place to the next person (the offer-expiry job). */
export async function expireOffer(deps: EventsDeps, tx: Db, bookingId: number, now: Date): Promise<void> {
  const first = await repo.getBooking(tx, bookingId);
  if (!first || first.status !== 'offered') return;
  await underEventLock(deps, tx, bookingId, async (inner, booking, event) => {
    if (booking.status !== 'offered' || !booking.offerExpiresAt || booking.offerExpiresAt > now) return;
    const after = await repo.updateBooking(inner, booking.id, { status: 'expired' });
    await sendBookingMail(inner, deps, 'expired', event, after);
    await offerFreedPlaces(inner, deps, event, now);
  });
}

/** The booking behind an emailed link, with its event. */
export async function bookingForToken(db: Db, token: string): Promise<{ booking: repo.BookingRow; event: repo.EventRow }> {
  const booking = await repo.bookingByToken(db, token);
  if (!booking) throw new NotFoundError('Booking');
  return { booking, event: (await repo.getEvent(db, booking.eventId))! };
}

/**
 * The people of the actor's own organisation they may book onto an event (a director for their council or trust),
 * with whether each already has a live booking; empty for anyone else.
 */
export async function colleaguesToBook(
  db: Db,
  actor: Actor,
  eventId: number,
): Promise<Array<{ email: string; name: string; booked: boolean }>> {
  if (actor.kind !== 'person' || actor.organisationId === null || can(actor, 'events.manage')) return [];
  if (!can(actor, 'events.bookFor', { organisationId: actor.organisationId })) return [];
  const { rows } = await searchPeople(db, actor, { organisationId: actor.organisationId, limit: 500, offset: 0 });
  const live = new Set((await repo.bookingsOf(db, eventId, repo.LIVE)).map((b) => b.email.toLowerCase()));
  return rows.filter((p) => p.id !== actor.id).map((p) => ({ email: p.email, name: p.name, booked: live.has(p.email.toLowerCase()) }));
}

/** An event's bookings, for editors. */
export async function listBookings(db: Db, actor: Actor, eventId: number): Promise<repo.BookingRow[]> {
  authorise(actor, 'events.manage');
  if (!(await repo.getEvent(db, eventId))) throw new NotFoundError('Event');
  return repo.bookingsOf(db, eventId);
}

/** The signed-in person's own bookings, soonest first. */
export async function myBookings(db: Db, actor: Actor): Promise<Array<{ booking: repo.BookingRow; event: repo.EventRow }>> {
  authorise(actor, 'account.view');
  const self = actor.kind === 'person' && actor.id !== null ? await personForAuth(db, actor.id) : undefined;
  if (!self) return [];
  return repo.bookingsOfEmail(db, self.email);
}

/** A booking by id, for the API (editors). */
export async function getBookingForEditor(db: Db, actor: Actor, id: number): Promise<repo.BookingRow> {
  authorise(actor, 'events.manage');
  const b = await repo.getBooking(db, id);
  if (!b) throw new NotFoundError('Booking');
  return b;
}

/** Marks a confirmed place as arrived on the day (or undoes it), for editors at the door. */
export async function checkIn(
  db: Db,
  actor: Actor,
  eventId: number,
  bookingId: number,
  arrived: boolean,
  now = new Date(),
): Promise<repo.BookingRow> {
  authorise(actor, 'events.manage');
  return inTransaction(db, async (tx) => {
    const booking = await repo.getBooking(tx, bookingId);
    if (!booking || booking.eventId !== eventId) throw new NotFoundError('Booking');
    if (booking.status !== 'confirmed') throw new ConflictError(`${booking.name} has no confirmed place to check in`);
    const after = await repo.updateBooking(tx, bookingId, { checkedInAt: arrived ? now : null });
    await recordAudit(tx, actor, {
      action: arrived ? 'booking.checkin' : 'booking.checkin-undo',
      entityType: 'event_booking',
      entityId: bookingId,
      summary: `${booking.name} ${arrived ? 'arrived' : 'marked as not arrived'}`,
    });
    return after;
  });
}

/** The booking behind a feedback link, refused unless the person had a place and the event has ended. */
export async function feedbackBooking(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ booking: repo.BookingRow; event: repo.EventRow }> {
  const found = await bookingForToken(db, token);
  if (found.booking.status !== 'confirmed') throw new ConflictError('Feedback is for people who had a place');
  if (now < found.event.endsAt) throw new ConflictError('You can give feedback once the event has ended');
  return found;
}

/** Records what the person behind a booking link thought of the event, once it has ended (a second answer replaces the first). */
export async function giveFeedback(db: Db, token: string, input: FeedbackFields, now = new Date()): Promise<void> {
  const { booking, event } = await feedbackBooking(db, token, now);
  const v = parseOrThrow(feedbackInput, input);
  await repo.saveFeedback(db, { bookingId: booking.id, eventId: event.id, rating: v.rating, comments: v.comments });
}

/** An event's feedback, for editors: each answer, and the average rating. */
export async function eventFeedback(db: Db, actor: Actor, eventId: number) {
  authorise(actor, 'events.manage');
  const rows = await repo.feedbackForEvent(db, eventId);
  const average = rows.length ? Math.round((rows.reduce((n, r) => n + r.rating, 0) / rows.length) * 10) / 10 : null;
  return { rows, average };
}
