import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import { inTransaction, queryRows, type Db } from '../db/client.js';
import { jobs } from './schema.js';

/** A job as its handler sees it. */
export interface Job {
  id: number;
  kind: string;
  key: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

/** Runs one kind of job inside the transaction that marks it done, so its effects and "done" commit together. */
export type JobHandler = (tx: Db, job: Job, now: Date) => Promise<void>;

/** Looks at the state of things at a time and enqueues the jobs that are due (idempotent by key). */
export type Planner = (db: Db, now: Date) => Promise<void>;

/** Puts a job in the queue unless one with the same key was ever queued; returns whether it was new. */
export async function enqueue(
  db: Db,
  job: { kind: string; key: string; runAt: Date; payload?: Record<string, unknown> },
): Promise<boolean> {
  const rows = await db
    .insert(jobs)
    .values({ kind: job.kind, key: job.key, runAt: job.runAt, payload: job.payload ?? {} })
    .onConflictDoNothing({ target: jobs.key })
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** What one run of the scheduler did. */
export interface RunReport {
  done: number;
  failed: number;
}

/**
 * The scheduler: planners decide what is due, handlers do it. Each job is claimed with FOR UPDATE SKIP LOCKED and
 * marked done in the same transaction as its effects, so with two processes, or a crash at any point, it runs once.
 */
export class Scheduler {
  private handlers = new Map<string, JobHandler>();
  private planners: Array<{ name: string; plan: Planner }> = [];

  constructor(private readonly db: Db) {}

  /** Registers the handler for a kind of job. */
  handle(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  /** Registers a planner, run before the due jobs each time. */
  plan(name: string, planner: Planner): this {
    this.planners.push({ name, plan: planner });
    return this;
  }

  /** Plans, then runs every job due at `now`, one transaction each. */
  async runDue(now = new Date(), onError?: (what: string, err: unknown) => void): Promise<RunReport> {
    for (const p of this.planners) {
      try {
        await p.plan(this.db, now);
      } catch (err) {
        onError?.(`planner ${p.name}`, err);
      }
    }
    const report: RunReport = { done: 0, failed: 0 };
    for (;;) {
      const outcome = await this.runOne(now, onError);
      if (outcome === 'none') return report;
      report[outcome]++;
    }
  }

  private async runOne(now: Date, onError?: (what: string, err: unknown) => void): Promise<'done' | 'failed' | 'none'> {
    try {
      return await inTransaction(this.db, async (tx) => {
        const [row] = await queryRows<{ id: number; kind: string; key: string; run_at: Date; payload: Record<string, unknown> }>(
          tx,
          sql`SELECT id, kind, key, run_at, payload FROM jobs WHERE status = 'pending' AND run_at <= ${now}
              ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        if (!row) return 'none' as const;
        const handler = this.handlers.get(row.kind);
        await tx.execute(sql`SAVEPOINT job`);
        try {
          if (!handler) throw new Error(`No handler for job kind ${row.kind}`);
          await handler(tx, { id: Number(row.id), kind: row.kind, key: row.key, runAt: new Date(row.run_at), payload: row.payload }, now);
        } catch (err) {
          // The job's own effects roll back; the failure is recorded and it is tried again later, up to five times.
          await tx.execute(sql`ROLLBACK TO SAVEPOINT job`);
          onError?.(`job ${row.key}`, err);
          await tx
            .update(jobs)
            .set({
              attempts: sql`${jobs.attempts} + 1`,
              lastError: String((err as Error).message).slice(0, 500),
              status: sql`CASE WHEN ${jobs.attempts} + 1 >= 5 THEN 'failed' ELSE 'pending' END`,
              runAt: new Date(now.getTime() + 5 * 60_000),
            })
            .where(eq(jobs.id, Number(row.id)));
          return 'failed' as const;
        }
        await tx
          .update(jobs)
          .set({ status: 'done', doneAt: new Date(), attempts: sql`${jobs.attempts} + 1` })
          .where(eq(jobs.id, Number(row.id)));
        return 'done' as const;
      });
    } catch (err) {
      onError?.('scheduler', err);
      return 'none';
    }
  }
}

/** Recent jobs, newest first, for the admin page. */
export function recentJobs(db: Db, limit = 100) {
  return db.select().from(jobs).orderBy(desc(jobs.runAt), desc(jobs.id)).limit(limit);
}

/** Jobs still waiting, soonest first. */
export function pendingJobs(db: Db, before?: Date) {
  return db
    .select()
    .from(jobs)
    .where(before ? and(eq(jobs.status, 'pending'), lte(jobs.runAt, before)) : eq(jobs.status, 'pending'))
    .orderBy(asc(jobs.runAt));
}
