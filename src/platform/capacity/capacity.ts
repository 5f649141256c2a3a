import { sql } from 'drizzle-orm';
import { ident, queryRows, type Db } from '../db/client.js';
import { BusyError, ConflictError } from '../errors.js';

/** A row that holds a pool of places: the table, its integer id, and the column with the number of places. */
export interface PoolRef {
  table: string;
  id: number;
  /** Column holding the number of places (default `capacity`); NULL there means unlimited. */
  capacityColumn?: string;
}

/** How the adapter behaves: locking is switched off only for the control test that shows overbooking. */
export interface CapacityOptions {
  /** Row locks on (the default and the only safe setting); `false` comes from CAPACITY_LOCKING=off. */
  locking?: boolean;
  /** Milliseconds to wait for a pool's lock before answering "busy, please try again" (default 3000). */
  lockTimeoutMs?: number;
}

/** What the caller does once the pool is locked: count, then write a place or a waiting-list entry. */
export interface ClaimSpec<P, W> {
  /** The pool to take a place from. */
  pool: PoolRef;
  /** Places taken now, counted inside the lock (confirmed places and live holds). */
  taken(tx: Db): Promise<number>;
  /** Optional check before anything is written (e.g. already booked); throw a domain error to refuse. */
  check?(tx: Db, pool: { capacity: number | null }): Promise<void>;
  /** Writes the place; runs only when a place is free. */
  place(tx: Db): Promise<P>;
  /** Writes the waiting-list entry; runs when the pool is full. Omit to refuse with a ConflictError instead. */
  wait?(tx: Db): Promise<W>;
}

/** The outcome of a claim: a place, or a waiting-list entry. */
export type ClaimResult<P, W> = { outcome: 'placed'; value: P } | { outcome: 'waiting'; value: W };

/** Places under locks: every claim on a limited pool goes through one of these. */
export interface Capacity {
  /** Whether row locks are taken (false only in the control test). */
  readonly locking: boolean;
  /** Runs work in one READ COMMITTED transaction holding row locks on the pools, taken in a fixed order (table, id). */
  withPools<T>(db: Db, pools: PoolRef[], work: (tx: Db, capacities: Map<string, number | null>) => Promise<T>): Promise<T>;
  /** Takes one of the pool's places, or joins its waiting list when it is full, decided under the pool's lock. */
  claim<P, W>(db: Db, spec: ClaimSpec<P, W>): Promise<ClaimResult<P, W>>;
}

/** Key of a pool in the capacities map given to `withPools` work. */
export function poolKey(pool: PoolRef): string {
  return `${pool.table}:${pool.id}`;
}

const LOCK_NOT_AVAILABLE = '55P03';

function isLockTimeout(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === LOCK_NOT_AVAILABLE) return true;
  }
  return false;
}

/** Builds the capacity adapter with its settings (the server passes `config.capacityLocking`). */
export function createCapacity(opts: CapacityOptions = {}): Capacity {
  const locking = opts.locking ?? true;
  const timeout = Math.max(1, Math.round(opts.lockTimeoutMs ?? 3000));

  async function withPools<T>(db: Db, pools: PoolRef[], work: (tx: Db, caps: Map<string, number | null>) => Promise<T>): Promise<T> {
    // One fixed order for every caller, so two claims on the same pools can never wait on each other in a circle.
    const ordered = [...pools].sort((a, b) => (a.table === b.table ? a.id - b.id : a.table < b.table ? -1 : 1));
    try {
      return await db.transaction(
        async (tx) => {
          if (locking) await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${timeout}ms'`));
          const caps = new Map<string, number | null>();
          for (const pool of ordered) {
            const column = ident(pool.capacityColumn ?? 'capacity');
            const lock = locking ? sql` FOR UPDATE` : sql``;
            const rows = await queryRows<{ capacity: number | null }>(
              tx,
              sql`SELECT ${column} AS capacity FROM ${ident(pool.table)} WHERE id = ${pool.id}${lock}`,
            );
            if (rows[0]) caps.set(poolKey(pool), rows[0].capacity === null ? null : Number(rows[0].capacity));
          }
          return work(tx, caps);
        },
        { isolationLevel: 'read committed' },
      );
    } catch (err) {
      if (isLockTimeout(err)) throw new BusyError();
      throw err;
    }
  }

  return {
    locking,
    withPools,
    claim: <P, W>(db: Db, spec: ClaimSpec<P, W>) =>
      withPools(db, [spec.pool], async (tx, caps): Promise<ClaimResult<P, W>> => {
        const key = poolKey(spec.pool);
        if (!caps.has(key)) throw new Error(`capacity: no ${key}`);
        const capacity = caps.get(key) ?? null;
        await spec.check?.(tx, { capacity });
        // Re-checked inside the lock: what was free when the page was drawn may have gone since.
        const taken = await spec.taken(tx);
        if (capacity === null || taken < capacity) return { outcome: 'placed', value: await spec.place(tx) };
        if (!spec.wait) throw new ConflictError('There are no places left');
        return { outcome: 'waiting', value: await spec.wait(tx) };
      }),
  };
}
