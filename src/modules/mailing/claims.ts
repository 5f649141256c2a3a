// The send worker's queries: claiming deliveries under a worker lease, recording outcomes, retaking orphans, counters.
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/client.js';
import { orphanedClaim, workerRegistered } from '../../platform/jobs/lease.js';
import { backoffMs } from '../../platform/jobs/retry.js';
import { sends } from './schema.js';

/** A delivery claimed by this process, to send now. */
export interface ClaimedDelivery {
  id: number;
  subscriber_id: number;
  email: string;
  name: string | null;
  attempts: number;
}

/** Outcome of a message the SMTP server refused, recorded when its batch ends. */
export type Refusal =
  { kind: 'retry'; id: number; error: string; attempts: number } | { kind: 'bounced'; id: number; subscriberId: number; error: string };

const ids = (list: number[]) => `{${list.join(',')}}`;

/**
 * Claims up to `limit` due deliveries of a send for worker `workerId`, with SKIP LOCKED so two processes never take the
 * same row; a worker whose lease row is gone (fenced) claims nothing.
 */
export async function claimDeliveries(db: Db, sendId: number, workerId: string, limit: number): Promise<ClaimedDelivery[]> {
  return queryRows<ClaimedDelivery>(
    db,
    sql`UPDATE deliveries SET status = 'sending', claimed_at = now(), claimed_by = ${workerId}, attempts = attempts + 1
        WHERE id IN (SELECT id FROM deliveries WHERE send_id = ${sendId} AND status = 'pending' AND next_attempt_at <= now()
                     ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          AND ${workerRegistered(workerId)}
        RETURNING id, subscriber_id, email, name, attempts`,
  );
}

/**
 * Puts back to pending a send's deliveries claimed by a worker that is no longer registered (it died, or on PGlite it
 * was any process before this one). Claims from before worker leases (no worker id) keep the old five-minute rule,
 * unless this process is the only one (`exclusive`), when they are a dead process's too.
 */
export async function reclaimOrphans(db: Db, sendId: number, exclusive = false): Promise<number> {
  const legacy = exclusive ? sql`true` : sql`claimed_at < now() - interval '5 minutes'`;
  const rows = await queryRows(
    db,
    sql`UPDATE deliveries SET status = 'pending', claimed_by = NULL
        WHERE send_id = ${sendId} AND status = 'sending'
          AND (CASE WHEN claimed_by IS NULL THEN ${legacy} ELSE ${orphanedClaim(sql`deliveries.claimed_by`)} END)
        RETURNING id`,
  );
  return rows.length;
}

/** Records deliveries as sent (the SMTP server accepted them): one statement for a group. */
export async function markSent(db: Db, sent: number[]): Promise<void> {
  if (!sent.length) return;
  await db.execute(sql`UPDATE deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY(${ids(sent)}::bigint[])`);
}

/** Gives back claimed deliveries never handed to SMTP (the send paused, the worker stopped), not counting the attempt. */
export async function unclaim(db: Db, workerId: string, unsent: number[]): Promise<void> {
  if (!unsent.length) return;
  await db.execute(
    sql`UPDATE deliveries SET status = 'pending', claimed_by = NULL, attempts = greatest(0, attempts - 1)
        WHERE id = ANY(${ids(unsent)}::bigint[]) AND status = 'sending' AND claimed_by = ${workerId}`,
  );
}

/** Gives back every delivery a worker still claims (it is stopping cleanly), so another process can take them at once. */
export async function releaseWorker(db: Db, workerId: string): Promise<void> {
  await db.execute(sql`UPDATE deliveries SET status = 'pending', claimed_by = NULL WHERE status = 'sending' AND claimed_by = ${workerId}`);
}

/**
 * Records refusals: a temporary one is retried with exponential backoff until `maxAttempts`, a permanent one marks the
 * delivery bounced and its subscriber bouncing. Only rows this worker still claims are changed.
 */
export async function recordRefusals(db: Db, workerId: string, refusals: Refusal[], maxAttempts: number): Promise<void> {
  for (const r of refusals) {
    if (r.kind === 'retry') {
      const gaveUp = r.attempts >= maxAttempts;
      const delay = backoffMs(r.attempts);
      await db.execute(
        sql`UPDATE deliveries SET status = ${gaveUp ? 'failed' : 'pending'}, claimed_by = NULL, last_error = ${r.error},
              next_attempt_at = ${new Date(Date.now() + delay)}
            WHERE id = ${r.id} AND status = 'sending' AND claimed_by = ${workerId}`,
      );
    } else {
      const rows = await queryRows(
        db,
        sql`UPDATE deliveries SET status = 'bounced', last_error = ${r.error}
            WHERE id = ${r.id} AND status = 'sending' AND claimed_by = ${workerId} RETURNING id`,
      );
      if (rows.length) await db.execute(sql`UPDATE subscribers SET bouncing = true WHERE id = ${r.subscriberId}`);
    }
  }
}

/** Sets a send's recipient total or its count of errors in a row. */
export async function setSendCounters(db: Db, sendId: number, values: { total?: number; consecutiveErrors?: number }): Promise<void> {
  await db.update(sends).set(values).where(eq(sends.id, sendId));
}

/** When the first of a send's waiting messages may be tried again (undefined when none is waiting). */
export async function nextAttemptAt(db: Db, sendId: number): Promise<Date | undefined> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`SELECT min(next_attempt_at) AS at FROM deliveries WHERE send_id = ${sendId} AND status = 'pending'`,
  );
  return row?.at ? new Date(row.at) : undefined;
}
