import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Where a submission stands in the editors' queue. */
export const SHARE_STATUSES = ['new', 'in_progress', 'used', 'declined'] as const;
/** A submission's status. */
export type ShareStatus = (typeof SHARE_STATUSES)[number];

/** "Anything to Share": practice a member offers for the bulletin. */
export const shares = pgTable('shares', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  difference: text('difference').notNull().default(''),
  contact: text('contact'),
  link: text('link'),
  organisationId: integer('organisation_id'),
  submittedByPersonId: integer('submitted_by_person_id'),
  submittedBy: text('submitted_by').notNull(),
  status: text('status').$type<ShareStatus>().notNull().default('new'),
  declineReason: text('decline_reason'),
  itemId: integer('item_id'),
  editionId: integer('edition_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
