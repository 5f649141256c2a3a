import crypto from 'node:crypto';
import { systemActor, type Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, parseOrThrow, ValidationError } from '../../platform/errors.js';
import { authorise, can } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { createPerson, personByEmailForAuth, personForAuth } from '../directory/service.js';
import { notEligible } from './eligibility.js';
import { sendBookingMail } from './mail.js';
import * as repo from './repo.js';
import type { EventsDeps } from './service.js';
import { bookingInput, type BookingFields } from './validation.js';

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
  bookable(await repo.getEvent(db, eventId), actor, now);
  const who = await resolveBooker(db, actor, v);
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
      // Decided under the lock, so an editor limiting who may book meanwhile is seen.
      const refusedNow = await notEligible(tx, actor, event, who);
      if (refusedNow) throw new ConflictError(refusedNow);
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

/** The booking behind an emailed link, with its event. */
export async function bookingForToken(db: Db, token: string): Promise<{ booking: repo.BookingRow; event: repo.EventRow }> {
  const booking = await repo.bookingByToken(db, token);
  if (!booking) throw new NotFoundError('Booking');
  return { booking, event: (await repo.getEvent(db, booking.eventId))! };
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
