// The day and after: check-in at the door, and the feedback people give once the event has ended.
import type { Actor } from '../../platform/actor.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { ConflictError, NotFoundError, parseOrThrow } from '../../platform/errors.js';
import { authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { bookingForToken } from './bookings.js';
import * as repo from './repo.js';
import { feedbackInput, type FeedbackFields } from './validation.js';

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
