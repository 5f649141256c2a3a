import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { GroupCommit, Slots } from './group-commit.js';
import { orphanedClaim, WorkerLease } from './lease.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(() => database.reset());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const workerIds = async () =>
  (await database.query<{ id: string }>(sql`SELECT id FROM workers ORDER BY started_at, id`)).map((r) => r.id).sort();
/** A worker row whose heartbeat stopped `ago` seconds ago: what a process killed then leaves behind. */
async function deadWorker(agoSeconds: number): Promise<string> {
  const id = crypto.randomUUID();
  await database.db.execute(
    sql`INSERT INTO workers (id, pid, host, heartbeat_at) VALUES (${id}, 1, 'gone', now() - ${agoSeconds}::integer * interval '1 second')`,
  );
  return id;
}
const isOrphaned = async (id: string) => (await database.query<{ o: boolean }>(sql`SELECT ${orphanedClaim(sql`${id}::uuid`)} AS o`))[0]!.o;

describe('worker leases', () => {
  it('keeps a live worker, expires one whose heartbeat stopped for longer than the lease, and its claims become orphaned', async () => {
    const live = new WorkerLease({ db: database.db, leaseMs: 2000, heartbeatMs: 100 });
    const other = new WorkerLease({ db: database.db, leaseMs: 2000, heartbeatMs: 100 });
    const me = await live.id();
    await other.id();
    const dead = await deadWorker(5);
    const recent = await deadWorker(0);
    await sleep(2500); // longer than the lease: only the heartbeat keeps `live` and `other`
    expect(await other.expire()).toBe(2); // the one dead for 5 s and the one that stopped at the start
    expect(await isOrphaned(dead)).toBe(true);
    expect(await isOrphaned(recent)).toBe(true);
    expect(await isOrphaned(me)).toBe(false);
    expect(live.holds(me)).toBe(true);
    await live.stop();
    await other.stop();
    expect(await workerIds()).toEqual([]);
  });

  it('fences a worker whose row was expired while it stalled: it no longer holds its claims and registers anew', async () => {
    const slow = new WorkerLease({ db: database.db, leaseMs: 1000, heartbeatMs: 60_000 });
    const sweeper = new WorkerLease({ db: database.db, leaseMs: 1000 });
    const first = await slow.id();
    await database.db.execute(sql`UPDATE workers SET heartbeat_at = now() - interval '2 seconds' WHERE id = ${first}`);
    expect(await sweeper.expire()).toBe(1);
    expect(await slow.confirm(first)).toBe(false);
    expect(slow.holds(first)).toBe(false);
    const second = await slow.id();
    expect(second).not.toBe(first);
    expect(await isOrphaned(first)).toBe(true);
    expect(await isOrphaned(second)).toBe(false);
    await slow.stop();
    await sweeper.stop();
  });

  it('on an exclusive database (PGlite) takes every other worker for dead at once, whatever its heartbeat', async () => {
    const before = new WorkerLease({ db: database.db, leaseMs: 60_000 });
    const old = await before.id();
    const only = new WorkerLease({ db: database.db, leaseMs: 60_000, exclusive: true });
    const me = await only.id();
    expect(await isOrphaned(old)).toBe(true);
    expect(await workerIds()).toEqual([me]);
    await only.stop();
    await before.stop();
  });
});

describe('group commit', () => {
  it('writes items in groups, resolves each once written, and keeps retrying a failing write without losing items', async () => {
    const written: number[][] = [];
    let failures = 2;
    const errors: unknown[] = [];
    const commit = new GroupCommit<number>({
      delayMs: 5,
      onError: (err) => errors.push(err),
      write: async (items) => {
        if (failures-- > 0) throw new Error('database away');
        written.push(items);
      },
    });
    const order: string[] = [];
    await Promise.all([1, 2, 3].map((n) => commit.add(n).then(() => order.push(`resolved ${n}, written ${written.flat().length}`))));
    expect(errors).toHaveLength(2);
    expect(written.flat().sort()).toEqual([1, 2, 3]);
    expect(written[0]).toEqual([1, 2, 3]); // gathered into one group
    expect(order.every((o) => o.endsWith('written 3'))).toBe(true);
    await Promise.all(Array.from({ length: 50 }, (_, i) => commit.add(i + 10)));
    expect(written.flat()).toHaveLength(53);
    expect(written.length).toBeLessThan(10);
  });

  it('lets at most `size` holders in at once and asks for a write when one has to wait', async () => {
    let waits = 0;
    const slots = new Slots(3, () => waits++);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        await slots.acquire();
        inside++;
        most = Math.max(most, inside);
        await sleep(2);
        inside--;
        slots.release();
      }),
    );
    expect(most).toBe(3);
    expect(waits).toBe(17);
  });
});
