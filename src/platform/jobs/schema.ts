import { bigint, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Where a job is: waiting (pending), held by a live worker (running), finished (done), or given up on (dead). */
export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

/** The one durable work queue: work to do at a time, once; the unique key makes a second enqueue of the same work a no-op. */
export const jobs = pgTable('jobs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').notNull(),
  key: text('key').notNull(),
  runAt: timestamp('run_at', { withTimezone: true }).notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  status: text('status').$type<JobStatus>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  doneAt: timestamp('done_at', { withTimezone: true }),
  /** The worker (see lease.ts) holding a running job; once its row is gone the job is taken again. */
  claimedBy: uuid('claimed_by'),
  claimedAt: timestamp('claimed_at', { withTimezone: true }),
  /** When the last attempt failed (its error is lastError). */
  failedAt: timestamp('failed_at', { withTimezone: true }),
});

/** A live Baton process, renewed by its heartbeat; claims on work carry its id (see lease.ts). */
export const workers = pgTable('workers', {
  id: uuid('id').primaryKey(),
  pid: integer('pid').notNull(),
  host: text('host').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});
