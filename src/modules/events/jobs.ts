import type { Db } from '../../platform/db/client.js';
import { createCapacity } from '../../platform/capacity/index.js';
import { enqueue, type Job, type JobRegistry } from '../../platform/jobs/scheduler.js';
import { expireOffer, OFFER_EXPIRY_JOB } from './offers.js';
import { sendBookingMail, type EventMailContext } from './mail.js';
import * as repo from './repo.js';
import type { EventsDeps } from './service.js';

/** The job that sends one reminder (7 or 1 days before) for one booking. */
export const REMINDER_JOB = 'events.reminder';

const DAY = 86_400_000;
const REMINDERS = [7, 1] as const;

/** Enqueues the reminders of places on events starting within 8 days, by key so each is sent once however often this runs. */
export async function planEventReminders(db: Db, now: Date): Promise<void> {
  for (const b of await repo.confirmedStartingBetween(db, now, new Date(now.getTime() + 8 * DAY))) {
    for (const days of REMINDERS) {
      const runAt = new Date(b.startsAt.getTime() - days * DAY);
      // A reminder whose day has passed by more than a day (booked late) is skipped: the next one will do.
      if (now.getTime() - runAt.getTime() > DAY) continue;
      await enqueue(db, {
        kind: REMINDER_JOB,
        key: `${REMINDER_JOB}:${b.bookingId}:${days}d`,
        runAt,
        payload: { bookingId: b.bookingId, days },
      });
    }
  }
}

/** The job that thanks one person for coming, with the feedback link, after the event. */
export const THANKS_JOB = 'events.thanks';

/** Enqueues a thank-you for each confirmed place on an event that ended in the last two days, once each by key. */
export async function planEventThanks(db: Db, now: Date): Promise<void> {
  for (const b of await repo.confirmedEndedBetween(db, new Date(now.getTime() - 2 * DAY), now)) {
    await enqueue(db, {
      kind: THANKS_JOB,
      key: `${THANKS_JOB}:${b.bookingId}`,
      runAt: new Date(b.endsAt.getTime() + 3_600_000),
      payload: { bookingId: b.bookingId },
    });
  }
}

/** Sends a reminder if the place is still confirmed and the event still ahead. */
export function reminderHandler(deps: EventMailContext) {
  return async (tx: Db, job: Job, now: Date): Promise<void> => {
    const booking = await repo.getBooking(tx, Number(job.payload.bookingId));
    if (!booking || booking.status !== 'confirmed') return;
    const event = await repo.getEvent(tx, booking.eventId);
    if (!event || event.status !== 'published' || now >= event.startsAt) return;
    await sendBookingMail(tx, deps, 'reminder', event, booking);
  };
}

/** The events module's background work: reminders, thank-yous, and offers that expire and pass the place on. */
export function registerEventsJobs(jobs: JobRegistry, ctx: EventMailContext & { capacityLocking: boolean }): void {
  const deps: EventsDeps = { ...ctx, capacity: createCapacity({ locking: ctx.capacityLocking }) };
  jobs
    .plan('event reminders', planEventReminders)
    .handle(REMINDER_JOB, reminderHandler(deps))
    .plan('event thank-yous', planEventThanks)
    .handle(THANKS_JOB, async (tx, job) => {
      const booking = await repo.getBooking(tx, Number(job.payload.bookingId));
      const event = booking && (await repo.getEvent(tx, booking.eventId));
      if (booking?.status === 'confirmed' && event?.status === 'published') await sendBookingMail(tx, deps, 'thanks', event, booking);
    })
    .handle(OFFER_EXPIRY_JOB, async (tx, job, now) => expireOffer(deps, tx, Number(job.payload.bookingId), now));
}
