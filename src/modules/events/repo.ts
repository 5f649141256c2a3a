// The events module's queries: each takes a Db or a transaction and answers plain rows.
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { eventBookings, eventCalendarFeeds, eventFeedback, events, type BookingStatus } from './schema.js';

/** An event row. */
export type EventRow = typeof events.$inferSelect;
/** A booking row. */
export type BookingRow = typeof eventBookings.$inferSelect;
/** Columns of a new event. */
export type EventValues = typeof events.$inferInsert;

/** Statuses that hold a place or a place in the queue. */
export const LIVE: BookingStatus[] = ['confirmed', 'waitlisted', 'offered'];

/** The event with an id. */
export async function getEvent(db: Db, id: number): Promise<EventRow | undefined> {
  const [row] = await db.select().from(events).where(eq(events.id, id));
  return row;
}

/** The event with a slug. */
export async function getEventBySlug(db: Db, slug: string): Promise<EventRow | undefined> {
  const [row] = await db.select().from(events).where(eq(events.slug, slug));
  return row;
}

/** True when a slug is taken. */
export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return (await db.select({ id: events.id }).from(events).where(eq(events.slug, slug))).length > 0;
}

/** Inserts an event and answers its id. */
export async function insertEvent(db: Db, values: EventValues): Promise<number> {
  const [row] = await db.insert(events).values(values).returning({ id: events.id });
  return row!.id;
}

/** Changes an event. */
export async function updateEvent(db: Db, id: number, values: Partial<EventValues>): Promise<void> {
  await db
    .update(events)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(events.id, id));
}

/** Every event, newest first (for editors). */
export async function listEvents(db: Db): Promise<EventRow[]> {
  return db.select().from(events).orderBy(desc(events.startsAt));
}

/** Published events ending after `now` (upcoming, soonest first) and before it (past, latest first). */
export async function publishedEvents(db: Db, now: Date): Promise<{ upcoming: EventRow[]; past: EventRow[] }> {
  const upcoming = await db
    .select()
    .from(events)
    .where(and(eq(events.status, 'published'), gte(events.endsAt, now)))
    .orderBy(asc(events.startsAt));
  const past = await db
    .select()
    .from(events)
    .where(and(eq(events.status, 'published'), lt(events.endsAt, now)))
    .orderBy(desc(events.startsAt))
    .limit(50);
  return { upcoming, past };
}

/** Counts of an event's bookings by status. */
export async function counts(db: Db, eventId: number): Promise<Record<BookingStatus, number>> {
  const rows = await db
    .select({ status: eventBookings.status, n: sql<number>`count(*)::int` })
    .from(eventBookings)
    .where(eq(eventBookings.eventId, eventId))
    .groupBy(eventBookings.status);
  const out = { confirmed: 0, waitlisted: 0, offered: 0, cancelled: 0, declined: 0, expired: 0 } as Record<BookingStatus, number>;
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** Places held now: confirmed places and live offers. */
export async function placesTaken(db: Db, eventId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(eventBookings)
    .where(and(eq(eventBookings.eventId, eventId), inArray(eventBookings.status, ['confirmed', 'offered'])));
  return Number(row?.n ?? 0);
}

/** A person's live booking on an event, by email. */
export async function liveBookingFor(db: Db, eventId: number, email: string): Promise<BookingRow | undefined> {
  const [row] = await db
    .select()
    .from(eventBookings)
    .where(
      and(eq(eventBookings.eventId, eventId), sql`lower(${eventBookings.email}) = lower(${email})`, inArray(eventBookings.status, LIVE)),
    );
  return row;
}

/** Inserts a booking and answers it. */
export async function insertBooking(db: Db, values: typeof eventBookings.$inferInsert): Promise<BookingRow> {
  const [row] = await db.insert(eventBookings).values(values).returning();
  return row!;
}

/** Changes a booking and answers it. */
export async function updateBooking(db: Db, id: number, values: Partial<typeof eventBookings.$inferInsert>): Promise<BookingRow> {
  const [row] = await db
    .update(eventBookings)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(eventBookings.id, id))
    .returning();
  return row!;
}

/** The booking with an id. */
export async function getBooking(db: Db, id: number): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(eventBookings).where(eq(eventBookings.id, id));
  return row;
}

/** The booking behind an emailed link. */
export async function bookingByToken(db: Db, token: string): Promise<BookingRow | undefined> {
  const [row] = await db.select().from(eventBookings).where(eq(eventBookings.token, token));
  return row;
}

/** The first person on the waiting list: the one an editor moved up last, then others moved up, then the rest in the order they joined. */
export async function nextWaiting(db: Db, eventId: number): Promise<BookingRow | undefined> {
  const [row] = await db
    .select()
    .from(eventBookings)
    .where(and(eq(eventBookings.eventId, eventId), eq(eventBookings.status, 'waitlisted')))
    .orderBy(sql`${eventBookings.movedUpAt} DESC NULLS LAST`, asc(eventBookings.id))
    .limit(1);
  return row;
}

/** An event's bookings in the order they were made. */
export async function bookingsOf(db: Db, eventId: number, statuses?: BookingStatus[]): Promise<BookingRow[]> {
  const where = statuses
    ? and(eq(eventBookings.eventId, eventId), inArray(eventBookings.status, statuses))
    : eq(eventBookings.eventId, eventId);
  return db.select().from(eventBookings).where(where).orderBy(asc(eventBookings.id));
}

/** A person's bookings with their events, soonest event first. */
export async function bookingsOfEmail(db: Db, email: string): Promise<Array<{ booking: BookingRow; event: EventRow }>> {
  return db
    .select({ booking: eventBookings, event: events })
    .from(eventBookings)
    .innerJoin(events, eq(events.id, eventBookings.eventId))
    .where(sql`lower(${eventBookings.email}) = lower(${email})`)
    .orderBy(asc(events.startsAt));
}

/** Confirmed places on published events starting between two instants (for reminders). */
export async function confirmedStartingBetween(db: Db, from: Date, to: Date): Promise<Array<{ bookingId: number; startsAt: Date }>> {
  return db
    .select({ bookingId: eventBookings.id, startsAt: events.startsAt })
    .from(eventBookings)
    .innerJoin(events, eq(events.id, eventBookings.eventId))
    .where(and(eq(events.status, 'published'), eq(eventBookings.status, 'confirmed'), gte(events.startsAt, from), lt(events.startsAt, to)));
}

/** Confirmed places on published events that ended between two instants (for the thank-you). */
export async function confirmedEndedBetween(db: Db, from: Date, to: Date): Promise<Array<{ bookingId: number; endsAt: Date }>> {
  return db
    .select({ bookingId: eventBookings.id, endsAt: events.endsAt })
    .from(eventBookings)
    .innerJoin(events, eq(events.id, eventBookings.eventId))
    .where(and(eq(events.status, 'published'), eq(eventBookings.status, 'confirmed'), gte(events.endsAt, from), lt(events.endsAt, to)));
}

/** A booking's feedback, if given. */
export async function feedbackOf(db: Db, bookingId: number): Promise<typeof eventFeedback.$inferSelect | undefined> {
  const [row] = await db.select().from(eventFeedback).where(eq(eventFeedback.bookingId, bookingId));
  return row;
}

/** Records a booking's feedback; a second answer replaces the first. */
export async function saveFeedback(
  db: Db,
  values: { bookingId: number; eventId: number; rating: number; comments: string },
): Promise<void> {
  await db
    .insert(eventFeedback)
    .values(values)
    .onConflictDoUpdate({
      target: eventFeedback.bookingId,
      set: { rating: values.rating, comments: values.comments, createdAt: new Date() },
    });
}

/** An event's feedback with who gave it, newest first. */
export async function feedbackForEvent(
  db: Db,
  eventId: number,
): Promise<Array<{ name: string; organisationName: string | null; rating: number; comments: string; createdAt: Date }>> {
  return db
    .select({
      name: eventBookings.name,
      organisationName: eventBookings.organisationName,
      rating: eventFeedback.rating,
      comments: eventFeedback.comments,
      createdAt: eventFeedback.createdAt,
    })
    .from(eventFeedback)
    .innerJoin(eventBookings, eq(eventBookings.id, eventFeedback.bookingId))
    .where(eq(eventFeedback.eventId, eventId))
    .orderBy(desc(eventFeedback.id));
}

/** When a person's calendar feed was made, if they have one. */
export async function calendarFeedOf(db: Db, personId: number): Promise<Date | undefined> {
  const [row] = await db
    .select({ createdAt: eventCalendarFeeds.createdAt })
    .from(eventCalendarFeeds)
    .where(eq(eventCalendarFeeds.personId, personId));
  return row?.createdAt;
}

/** Gives a person a calendar feed with this secret's hash, replacing (and so stopping) any earlier one. */
export async function replaceCalendarFeed(db: Db, personId: number, tokenHash: string): Promise<void> {
  await db
    .insert(eventCalendarFeeds)
    .values({ personId, tokenHash })
    .onConflictDoUpdate({ target: eventCalendarFeeds.personId, set: { tokenHash, createdAt: new Date() } });
}

/** Stops a person's calendar feed; answers whether there was one. */
export async function deleteCalendarFeed(db: Db, personId: number): Promise<boolean> {
  return (
    (await db.delete(eventCalendarFeeds).where(eq(eventCalendarFeeds.personId, personId)).returning({ id: eventCalendarFeeds.personId }))
      .length > 0
  );
}

/** The person whose calendar feed has this secret's hash. */
export async function personOfCalendarFeed(db: Db, tokenHash: string): Promise<number | undefined> {
  const [row] = await db
    .select({ personId: eventCalendarFeeds.personId })
    .from(eventCalendarFeeds)
    .where(eq(eventCalendarFeeds.tokenHash, tokenHash));
  return row?.personId;
}
