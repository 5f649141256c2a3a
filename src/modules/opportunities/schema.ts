import { date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** A research project, pilot, consultation or information event a partner offers to councils. */
export const opportunities = pgTable('opportunities', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  title: text('title').notNull(),
  partnerOrganisationId: integer('partner_organisation_id').notNull(),
  description: text('description').notNull(),
  takingPart: text('taking_part').notNull().default(''),
  contact: text('contact'),
  link: text('link'),
  closesOn: date('closes_on').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** An organisation's sign-up to an opportunity (one per organisation). */
export const opportunitySignups = pgTable('opportunity_signups', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  opportunityId: integer('opportunity_id').notNull(),
  organisationId: integer('organisation_id').notNull(),
  contactEmail: text('contact_email').notNull(),
  note: text('note'),
  recordedBy: text('recorded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
