import { boolean, customType, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Where an edition is in the editorial workflow. */
export const EDITION_STATUSES = ['draft', 'review', 'scheduled', 'published'] as const;
/** An edition's status. */
export type EditionStatus = (typeof EDITION_STATUSES)[number];

/** Monthly editions of the bulletin, with their guest introduction inline. */
export const editions = pgTable('editions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  month: date('month').notNull(),
  status: text('status').$type<EditionStatus>().notNull().default('draft'),
  publishAt: timestamp('publish_at', { withTimezone: true }),
  publishedAt: timestamp('published_at', { withTimezone: true }),
  introPersonId: integer('intro_person_id'),
  introAuthor: text('intro_author'),
  introOrganisation: text('intro_organisation'),
  introBody: text('intro_body').notNull().default(''),
  introSignOff: text('intro_sign_off'),
  handoffAuthor: text('handoff_author'),
  handoffOrganisation: text('handoff_organisation'),
  sourceHash: text('source_hash'),
  search: tsvector('search').notNull(),
  searchText: text('search_text').notNull().default(''),
  viewCount: integer('view_count').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Ordered sections of an edition; standing sections carry over to next month's edition. */
export const sections = pgTable('sections', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  editionId: integer('edition_id').notNull(),
  position: integer('position').notNull(),
  heading: text('heading'),
  standing: boolean('standing').notNull().default(false),
});

/** Ordered items of a section: a heading and a Markdown body. */
export const items = pgTable('items', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  sectionId: integer('section_id').notNull(),
  position: integer('position').notNull(),
  heading: text('heading'),
  body: text('body').notNull().default(''),
});

/** Files attached to items, such as a flyer PDF. */
export const attachments = pgTable('attachments', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  itemId: integer('item_id').notNull(),
  filename: text('filename').notNull(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  data: bytea('data').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Readers' comments, held for an editor's approval. */
export const comments = pgTable('comments', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  editionId: integer('edition_id').notNull(),
  personId: integer('person_id'),
  authorName: text('author_name').notNull(),
  body: text('body').notNull(),
  status: text('status').$type<'pending' | 'approved' | 'rejected'>().notNull().default('pending'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
});
