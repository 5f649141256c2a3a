import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { queryRows } from '../db/client.js';
import { BusyError, ConflictError } from '../errors.js';
import { createCapacity, type Capacity } from './capacity.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
  await database.db.execute(sql`CREATE TABLE cap_pool (id serial PRIMARY KEY, capacity integer)`);
  await database.db.execute(sql`CREATE TABLE cap_taken (pool_id integer NOT NULL, who integer NOT NULL, state text NOT NULL)`);
});
afterAll(async () => database.close());

async function newPool(capacity: number | null): Promise<number> {
  const rows = await queryRows<{ id: number }>(database.db, sql`INSERT INTO cap_pool (capacity) VALUES (${capacity}) RETURNING id`);
  return rows[0]!.id;
}

async function book(capacity: Capacity, pool: number, who: number) {
  return capacity.claim(database.db, {
    pool: { table: 'cap_pool', id: pool },
    taken: async (tx) => {
      const n = Number((await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM cap_taken WHERE pool_id = ${pool} AND state = 'placed'`))[0]!.n);
      // A pause between counting and writing, as a busy server has: without the lock, others count the same places meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 10));
      return n;
    },
    place: async (tx) => tx.execute(sql`INSERT INTO cap_taken VALUES (${pool}, ${who}, 'placed')`).then(() => who),
    wait: async (tx) => tx.execute(sql`INSERT INTO cap_taken VALUES (${pool}, ${who}, 'waiting')`).then(() => who),
  });
}

describe('capacity adapter', () => {
  it('places up to the capacity and waitlists the rest, even when claims race', async () => {
    const pool = await newPool(3);
    const capacity = createCapacity();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => book(capacity, pool, i)));
    expect(results.filter((r) => r.outcome === 'placed')).toHaveLength(3);
    expect(results.filter((r) => r.outcome === 'waiting')).toHaveLength(17);
  });

  it('refuses with a ConflictError when full and no waiting list is offered', async () => {
    const pool = await newPool(0);
    const claim = createCapacity().claim(database.db, {
      pool: { table: 'cap_pool', id: pool },
      taken: async () => 0,
      place: async () => 1,
    });
    await expect(claim).rejects.toBeInstanceOf(ConflictError);
  });

  it('treats a NULL capacity as unlimited', async () => {
    const pool = await newPool(null);
    const result = await book(createCapacity(), pool, 1);
    expect(result.outcome).toBe('placed');
  });

  it.runIf(process.env.DATABASE_URL)('answers BusyError when the pool stays locked past the lock timeout', async () => {
    const pool = await newPool(3);
    const capacity = createCapacity({ lockTimeoutMs: 100 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = capacity.withPools(database.db, [{ table: 'cap_pool', id: pool }], async () => {
      locked();
      await held;
    });
    await isLocked;
    await expect(book(capacity, pool, 99)).rejects.toBeInstanceOf(BusyError);
    release();
    await holder;
  });

  it.runIf(process.env.DATABASE_URL)('control: with locking off the same race overbooks', async () => {
    const pool = await newPool(3);
    const capacity = createCapacity({ locking: false });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => book(capacity, pool, i)));
    expect(results.filter((r) => r.outcome === 'placed').length).toBeGreaterThan(3);
  });
});
