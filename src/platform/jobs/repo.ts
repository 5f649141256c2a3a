// The queue's queries: enqueue, claim under a worker lease, finish, fail, release, and what the status page reads.
import { desc, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
import { orphanedClaim, workerRegistered } from './lease.js';
import { jobs, type JobStatus } from './schema.js';

/** A job as its handler sees it. */
export interface Job {
  id: number;
  kind: string;
  key: string;
  runAt: Date;
  payload: Record<string, unknown>;
  /** Which attempt this is, counting this one (1 the first time). */
  attempt?: number;
}

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

type JobRow = { id: string | number; kind: string; key: string; run_at: Date | string; payload: Record<string, unknown>; attempts: number };
const toJob = (r: JobRow): Job => ({
  id: Number(r.id),
  kind: r.kind,
  key: r.key,
  runAt: new Date(r.run_at),
  payload: r.payload ?? {},
  attempt: r.attempts,
});

/**
 * Claims up to `limit` jobs of the given kinds due at `now` (or by the database's clock, whichever is later) for worker
 * `workerId`, with SKIP LOCKED so two workers never take the same job; a worker whose lease row is gone claims nothing.
 */
export async function claimJobs(
  db: Db,
  opts: { workerId: string; kinds: string[]; now: Date; limit: number; skip?: number[] },
): Promise<Job[]> {
  if (!opts.kinds.length) return [];
  // Kinds are our own names; the queue claims only those it has handlers for.
  const kinds = sql.join(
    opts.kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  const rows = await queryRows<JobRow>(
    db,
    sql`UPDATE jobs SET status = 'running', claimed_by = ${opts.workerId}, claimed_at = now(), attempts = attempts + 1
        WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND kind IN (${kinds})
                       AND run_at <= greatest(${opts.now.toISOString()}::timestamptz, now())
                       AND NOT (id = ANY(${`{${(opts.skip ?? []).join(',')}}`}::bigint[]))
                     ORDER BY run_at, id LIMIT ${opts.limit} FOR UPDATE SKIP LOCKED)
          AND ${workerRegistered(opts.workerId)}
        RETURNING id, kind, key, run_at, payload, attempts`,
  );
  return rows.map(toJob);
}

/** Locks a claimed job inside a transaction; false when this worker no longer holds it (fenced, or retried by hand). */
export async function lockClaimed(tx: Db, id: number, workerId: string): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`SELECT id FROM jobs WHERE id = ${id} AND status = 'running' AND claimed_by = ${workerId} FOR UPDATE`,
  );
  return rows.length > 0;
}

/** Marks a job this worker holds as done; false when it no longer held it. */
export async function completeJob(tx: Db, id: number, workerId: string): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`UPDATE jobs SET status = 'done', done_at = now(), claimed_by = NULL
        WHERE id = ${id} AND status = 'running' AND claimed_by = ${workerId} RETURNING id`,
  );
  return rows.length > 0;
}

/** Records a failed attempt: back to pending at `retryAt`, or dead (with its error kept) when `dead`. */
export async function failJob(tx: Db, f: { id: number; workerId: string; error: string; dead: boolean; retryAt: Date }): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`UPDATE jobs SET status = ${f.dead ? 'dead' : 'pending'}, last_error = ${f.error}, failed_at = now(), claimed_by = NULL,
          run_at = ${f.dead ? sql`run_at` : sql`${f.retryAt.toISOString()}::timestamptz`}
        WHERE id = ${f.id} AND status = 'running' AND claimed_by = ${f.workerId} RETURNING id`,
  );
  return rows.length > 0;
}

/** Gives a held job back to the queue, due at `runAt`, without counting the attempt (it is waiting, or its worker stops). */
export async function releaseJob(db: Db, id: number, workerId: string, runAt: Date): Promise<void> {
  await db.execute(
    sql`UPDATE jobs SET status = 'pending', claimed_by = NULL, run_at = ${runAt.toISOString()}::timestamptz,
          attempts = greatest(0, attempts - 1)
        WHERE id = ${id} AND status = 'running' AND claimed_by = ${workerId}`,
  );
}

/** Puts back to pending every running job whose worker is gone (it died): they are taken again at once. */
export async function reclaimOrphanedJobs(db: Db): Promise<number> {
  const rows = await queryRows(
    db,
    sql`UPDATE jobs SET status = 'pending', claimed_by = NULL
        WHERE status = 'running' AND (claimed_by IS NULL OR ${orphanedClaim(sql`jobs.claimed_by`)}) RETURNING id`,
  );
  return rows.length;
}

/** How many jobs of each kind are in each status, for the status page. */
export async function jobCounts(db: Db): Promise<Array<{ kind: string; status: JobStatus; count: number }>> {
  return queryRows(db, sql`SELECT kind, status, count(*)::int AS count FROM jobs GROUP BY kind, status ORDER BY kind, status`);
}

/** Jobs that failed and are not done: dead letters first, then those waiting to be retried, latest failure first. */
export function failedJobs(db: Db, limit = 50) {
  return db
    .select()
    .from(jobs)
    .where(sql`${jobs.failedAt} IS NOT NULL AND ${jobs.status} IN ('dead', 'pending')`)
    .orderBy(sql`${jobs.status} = 'dead' DESC`, desc(jobs.failedAt), desc(jobs.id))
    .limit(limit);
}

/** Recent jobs, newest first. */
export function recentJobs(db: Db, limit = 100) {
  return db.select().from(jobs).orderBy(desc(jobs.runAt), desc(jobs.id)).limit(limit);
}

/** Gives a dead job a fresh set of attempts, due now; answers the job, or nothing when it is not dead. */
export async function retryDeadJob(db: Db, id: number): Promise<{ id: number; kind: string; key: string } | undefined> {
  const [row] = await queryRows<{ id: number; kind: string; key: string }>(
    db,
    sql`UPDATE jobs SET status = 'pending', attempts = 0, run_at = now() WHERE id = ${id} AND status = 'dead' RETURNING id, kind, key`,
  );
  return row ? { ...row, id: Number(row.id) } : undefined;
}
