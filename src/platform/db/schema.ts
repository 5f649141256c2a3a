import { pgTable, text } from 'drizzle-orm/pg-core';

/** Key-value settings kept in the database, shared by every Baton process. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
