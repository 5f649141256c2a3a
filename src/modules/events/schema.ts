import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** An event's state: drafts are seen by editors only; a cancelled event keeps its bookings for the record. */
export type EventStatus = 'draft' | 'published' | 'cancelled';

/** A booking's state: waitlisted people wait in order; an offer is a hold that expires. */
export type BookingStatus = 'confirmed' | 'waitlisted' | 'offered' | 'cancelled' | 'declined' | 'expired';

/** Who may book an event. */
export type WhoMayBook = 'signed-in' | 'lists' | 'organisations' | 'invitation';

/** The ways of choosing who may book, in the order the form offers them. */
export const WHO_MAY_BOOK = ['signed-in', 'lists', 'organisations', 'invitation'] as const satisfies readonly WhoMayBook[];

/** Events with limited places: learning days, online briefings, the networking day. */
export const events = pgTable('events', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  body: text('body').notNull().default(''),
  audience: text('audience').notNull().default(''),
  venueName: text('venue_name'),
  venueRoom: text('venue_room'),
  venueAddress: text('venue_address'),
  venuePostcode: text('venue_postcode'),
  travelNotes: text('travel_notes'),
  accessibility: text('accessibility'),
  onlineUrl: text('online_url'),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
  capacity: integer('capacity'),
  bookingOpens: timestamp('booking_opens', { withTimezone: true }),
  bookingCloses: timestamp('booking_closes', { withTimezone: true }),
  whoMayBook: text('who_may_book').$type<WhoMayBook>().notNull().default('signed-in'),
  /** The mailing lists whose active members may book, when whoMayBook is 'lists'. */
  bookingLists: jsonb('booking_lists').$type<number[]>().notNull().default([]),
  /** The organisations whose people may book, when whoMayBook is 'organisations'. */
  bookingOrganisations: jsonb('booking_organisations').$type<number[]>().notNull().default([]),
  offerHours: integer('offer_hours').notNull().default(48),
  /** Questions asked at booking, in order (their answers are kept on each booking under the question). */
  questions: jsonb('questions').$type<string[]>().notNull().default([]),
  contactEmail: text('contact_email'),
  status: text('status').$type<EventStatus>().notNull().default('draft'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A place (or a place on the waiting list) for one person at one event. */
export const eventBookings = pgTable('event_bookings', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  eventId: integer('event_id').notNull(),
  personId: integer('person_id'),
  email: text('email').notNull(),
  name: text('name').notNull(),
  organisationName: text('organisation_name'),
  /** The person's job role in the directory when they booked (for the numbers per job role). */
  jobRole: text('job_role'),
  status: text('status').$type<BookingStatus>().notNull(),
  offerExpiresAt: timestamp('offer_expires_at', { withTimezone: true }),
  bookedBy: text('booked_by').notNull(),
  token: text('token').notNull(),
  sequence: integer('sequence').notNull().default(0),
  answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
  reason: text('reason'),
  checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
  /** When an editor moved this person to the front of the waiting list. */
  movedUpAt: timestamp('moved_up_at', { withTimezone: true }),
  /** Why the editor moved them up. */
  movedUpReason: text('moved_up_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What a person thought of an event they had a place at: one answer per booking. */
export const eventFeedback = pgTable('event_feedback', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  bookingId: integer('booking_id').notNull(),
  eventId: integer('event_id').notNull(),
  rating: integer('rating').notNull(),
  comments: text('comments').notNull().default(''),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A person's private calendar feed (webcal/https with a secret): only the secret's SHA-256 is kept; a new one replaces it. */
export const eventCalendarFeeds = pgTable('event_calendar_feeds', {
  personId: integer('person_id').primaryKey(),
  tokenHash: text('token_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
