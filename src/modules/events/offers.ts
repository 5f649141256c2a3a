// The waiting list: freed places offered in order as holds that expire, accepted, declined or passed on; cancelling.
import type { Actor } from '../../platform/actor.js';
import type { Db } from '../../platform/db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { enqueue } from '../../platform/jobs/scheduler.js';
import { authorise, can } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { sendBookingMail } from './mail.js';
import * as repo from './repo.js';
import type { EventsDeps } from './service.js';

/** The job that ends an offer nobody answered and passes the place on. */
export const OFFER_EXPIRY_JOB = 'events.offer-expiry';

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
  return underEventLock(deps, db, bookingId, async (tx, booking, event) => {
    if (booking.eventId !== eventId) throw new NotFoundError('Booking');
    if (booking.status !== 'waitlisted') throw new ConflictError(`${booking.name} is not on the waiting list`);
    await repo.updateBooking(tx, booking.id, { movedUpAt: now, movedUpReason: reason });
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
