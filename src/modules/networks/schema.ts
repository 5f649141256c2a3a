import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** A network or community of practice of the region, with its chair. */
export const networks = pgTable('networks', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  chairPersonId: integer('chair_person_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The people of a network, from the directory. */
export const networkMembers = pgTable(
  'network_members',
  {
    networkId: integer('network_id').notNull(),
    personId: integer('person_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.networkId, t.personId] })],
);

/** A document circulated to a network for comment by a deadline. */
export const networkDocuments = pgTable('network_documents', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  networkId: integer('network_id').notNull(),
  title: text('title').notNull(),
  summary: text('summary').notNull().default(''),
  link: text('link'),
  deadline: timestamp('deadline', { withTimezone: true }).notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A comment on a circulated document, with its author and organisation as they were when it was made. */
export const networkComments = pgTable('network_comments', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  documentId: integer('document_id').notNull(),
  personId: integer('person_id'),
  authorName: text('author_name').notNull(),
  organisationName: text('organisation_name'),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
