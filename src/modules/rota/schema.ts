import { date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Who writes the introduction each month; imported months may name someone not in the directory. */
export const rotaSlots = pgTable('rota_slots', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  month: date('month').notNull(),
  personId: integer('person_id'),
  authorName: text('author_name').notNull(),
  organisationName: text('organisation_name'),
  deadline: date('deadline'),
  source: text('source').$type<'rota' | 'import'>().notNull().default('rota'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Personal links to the introduction form, sent in reminders (hashes only). */
export const introLinks = pgTable('intro_links', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  tokenHash: text('token_hash').notNull(),
  month: date('month').notNull(),
  personId: integer('person_id').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Introductions as their authors (or PAs) submitted them, before editors place them in the edition. */
export const introductions = pgTable('introductions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  month: date('month').notNull(),
  personId: integer('person_id'),
  authorName: text('author_name').notNull(),
  organisationName: text('organisation_name'),
  body: text('body').notNull(),
  submittedBy: text('submitted_by').notNull(),
  status: text('status').$type<'submitted' | 'placed'>().notNull().default('submitted'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  placedAt: timestamp('placed_at', { withTimezone: true }),
});
