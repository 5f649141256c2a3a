import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { WorkerLease } from './lease.js';
import { JobQueue } from './queue.js';
import { enqueue } from './repo.js';
import { backoffMs } from './retry.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(() => database.reset());

const queues: JobQueue[] = [];
const queue = (opts: ConstructorParameters<typeof JobQueue>[1] = {}) => {
  const q = new JobQueue(database.db, { leaseMs: 5000, ...opts });
  queues.push(q);
  return q;
};
afterAll(async () => {
  for (const q of queues) await q.stop();
});
const job = async (key: string) =>
  (
    await database.query<{ status: string; attempts: number; last_error: string | null; run_at: Date; claimed_by: string | null }>(
      sql`SELECT status, attempts, last_error, run_at, claimed_by FROM jobs WHERE key = ${key}`,
    )
  )[0]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the job queue', () => {
  it('gives each job to one worker when two claim at once, and marks every one done', async () => {
    const now = new Date();
    for (let i = 0; i < 40; i++) await enqueue(database.db, { kind: 'test.count', key: `count:${i}`, runAt: now });
    const seen: string[] = [];
    const handler = async (tx: typeof database.db, j: { key: string }) => {
      seen.push(j.key);
      await tx.execute(sql`SELECT pg_sleep(0.002)`); // long enough for the other worker to try the same row
    };
    const [a, b] = await Promise.all([
      queue().handle('test.count', handler).runDue(now),
      queue().handle('test.count', handler).runDue(now),
    ]);
    expect(a.done + b.done).toBe(40);
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
    const [{ n }] = await database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM jobs WHERE status = 'done'`);
    expect(n).toBe(40);
  });

  it('retries a handler that throws after a growing wait, rolling back its effects, and dead-letters it after N attempts', async () => {
    const start = new Date();
    await enqueue(database.db, { kind: 'test.fail', key: 'fail', runAt: start });
    const errors: string[] = [];
    const q = queue({ onError: (_what, err) => errors.push((err as Error).message) }).handle(
      'test.fail',
      async (tx) => {
        await enqueue(tx, { kind: 'test.effect', key: `effect:${crypto.randomUUID()}`, runAt: start });
        throw new Error('SMTP on fire');
      },
      { maxAttempts: 3 },
    );
    let at = start;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const report = await q.runDue(at);
      expect(report).toEqual({ done: 0, failed: 1 });
      // Run again at once: the job is not due until its backoff has passed.
      expect(await q.runDue(at)).toEqual({ done: 0, failed: 0 });
      const row = await job('fail');
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toBe('SMTP on fire');
      if (attempt < 3) {
        expect(row.status).toBe('pending');
        const wait = new Date(row.run_at).getTime() - Math.max(at.getTime(), Date.now());
        expect(wait).toBeGreaterThan(backoffMs(attempt) - 5000);
        expect(wait).toBeLessThanOrEqual(backoffMs(attempt));
        at = new Date(new Date(row.run_at).getTime() + 1000);
      } else expect(row.status).toBe('dead');
    }
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    expect(backoffMs(50)).toBe(60 * 60_000); // capped
    expect(await q.runDue(new Date(at.getTime() + 86_400_000))).toEqual({ done: 0, failed: 0 }); // dead stays dead
    expect(errors).toEqual(['SMTP on fire', 'SMTP on fire', 'SMTP on fire']);
    const [{ n }] = await database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM jobs WHERE kind = 'test.effect'`);
    expect(n).toBe(0);
  });

  it('takes again a job held by a process that died (its lease expired), and leaves one held by a live process', async () => {
    const now = new Date();
    const alive = new WorkerLease({ db: database.db, leaseMs: 5000, heartbeatMs: 100 });
    const liveId = await alive.id();
    const deadId = crypto.randomUUID();
    await database.db.execute(sql`INSERT INTO workers (id, pid, host, heartbeat_at) VALUES (${deadId}, 1, 'gone', now() - interval '1 minute')`);
    for (const [key, owner] of [
      ['orphan', deadId],
      ['held', liveId],
    ]) {
      await enqueue(database.db, { kind: 'test.leased', key: key!, runAt: now });
      await database.db.execute(sql`UPDATE jobs SET status = 'running', claimed_by = ${owner}, attempts = 1 WHERE key = ${key}`);
    }
    const ran: string[] = [];
    const report = await queue()
      .handle('test.leased', async (_tx, j) => void ran.push(j.key))
      .runDue(now);
    expect(report.done).toBe(1);
    expect(ran).toEqual(['orphan']);
    expect(await job('orphan')).toMatchObject({ status: 'done', attempts: 2, claimed_by: null });
    expect((await job('held')).status).toBe('running');
    await alive.stop();
  });

  it('runs leased work outside a transaction: `again` gives the job back uncounted, `finish` commits with "done"', async () => {
    const now = new Date();
    await enqueue(database.db, { kind: 'test.work', key: 'work', runAt: now });
    let calls = 0;
    const q = queue().work('test.work', async () => {
      calls++;
      if (calls === 1) return { again: new Date(Date.now() + 60_000) };
      return { finish: async (tx) => void (await enqueue(tx, { kind: 'test.effect', key: 'finished', runAt: now })) };
    });
    expect(await q.runDue(now)).toEqual({ done: 0, failed: 0 });
    expect(await job('work')).toMatchObject({ status: 'pending', attempts: 0 });
    await database.db.execute(sql`UPDATE jobs SET run_at = now() WHERE key = 'work'`);
    expect(await q.runDue(new Date())).toEqual({ done: 1, failed: 0 });
    expect(await job('work')).toMatchObject({ status: 'done', attempts: 1 });
    expect((await job('finished')).status).toBe('pending');
  });

  it('when started, runs jobs as they come due and stops cleanly', async () => {
    const ran: string[] = [];
    const q = queue().handle('test.live', async (_tx, j) => void ran.push(j.key));
    q.start({ pollMs: 50, planEveryMs: 60_000 });
    await enqueue(database.db, { kind: 'test.live', key: 'live', runAt: new Date() });
    for (let i = 0; i < 100 && !ran.length; i++) await sleep(50);
    await q.stop();
    expect(ran).toEqual(['live']);
    expect((await job('live')).status).toBe('done');
  });
});
