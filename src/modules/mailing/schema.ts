import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Where a subscription stands: waiting for the emailed confirmation, for an editor, active, or ended. */
export type SubscriptionStatus = 'unconfirmed' | 'awaiting_approval' | 'active' | 'unsubscribed';
/** Where a send stands. */
export type SendStatus = 'queued' | 'sending' | 'paused' | 'done' | 'cancelled' | 'failed';
/** A segment of a list: only subscribers with these roles and organisations (empty means all). */
export interface Segment {
  roles?: string[];
  organisations?: string[];
}

/** Mailing lists, e.g. "Regional Update" and "Principal social workers". */
export const mailingLists = pgTable('mailing_lists', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  description: text('description'),
  public: boolean('public').notNull().default(true),
  requiresApproval: boolean('requires_approval').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** People who receive mail; linked to the directory by their address. */
export const subscribers = pgTable('subscribers', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  email: text('email').notNull(),
  name: text('name'),
  role: text('role'),
  organisation: text('organisation'),
  bouncing: boolean('bouncing').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Who is on which list, and where that stands. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    listId: integer('list_id').notNull(),
    subscriberId: integer('subscriber_id').notNull(),
    status: text('status').$type<SubscriptionStatus>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.subscriberId] })],
);

/** The consent record: every subscription change with its time and source. */
export const consentEvents = pgTable('consent_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  subscriberId: integer('subscriber_id').notNull(),
  listId: integer('list_id'),
  action: text('action').notNull(),
  source: text('source').notNull(),
  detail: text('detail'),
});

/** Double opt-in links (hashes only). */
export const confirmTokens = pgTable('confirm_tokens', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  tokenHash: text('token_hash').notNull(),
  listId: integer('list_id').notNull(),
  subscriberId: integer('subscriber_id').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** One edition sent to one list (or a segment of it). */
export const sends = pgTable('sends', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  editionId: integer('edition_id').notNull(),
  listId: integer('list_id').notNull(),
  segment: jsonb('segment').$type<Segment>().notNull().default({}),
  status: text('status').$type<SendStatus>().notNull().default('queued'),
  scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
  total: integer('total').notNull().default(0),
  consecutiveErrors: integer('consecutive_errors').notNull().default(0),
  pauseReason: text('pause_reason'),
  /** Leave out everyone who already has this edition from another send (the editor's default when sending again). */
  onlyNew: boolean('only_new').notNull().default(false),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** One message of a send to one subscriber: written before anything goes to SMTP, marked sent only after it is accepted. */
export const deliveries = pgTable('deliveries', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  sendId: integer('send_id').notNull(),
  subscriberId: integer('subscriber_id').notNull(),
  email: text('email').notNull(),
  name: text('name'),
  status: text('status').$type<'pending' | 'sending' | 'sent' | 'failed' | 'bounced' | 'cancelled'>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  claimedAt: timestamp('claimed_at', { withTimezone: true }),
  /** The worker (src/platform/jobs/lease.ts) whose claim this is, while it is 'sending'. */
  claimedBy: uuid('claimed_by'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});
