import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Statuses of an outgoing message: queued for SMTP, kept in the dev outbox, or done. */
export type MailStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'outbox';

/** Every email Baton writes, committed with the change that caused it, then delivered by the worker. */
export const mailMessages = pgTable('mail_messages', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  toAddress: text('to_address').notNull(),
  ccAddress: text('cc_address'),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body').notNull(),
  headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
  ical: jsonb('ical').$type<{ method: string; content: string; filename: string } | null>(),
  /** Strings to strip from the stored copy once delivered (null once stripped, or when kept in the dev outbox). */
  secrets: jsonb('secrets').$type<string[] | null>(),
  status: text('status').$type<MailStatus>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});
