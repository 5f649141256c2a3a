import crypto from 'node:crypto';
import os from 'node:os';
import { sql, type SQL } from 'drizzle-orm';
import { inTransaction, queryRows, type Db } from '../db/client.js';

/** How a process proves it is alive to the others sharing its database. */
export interface LeaseOptions {
  db: Db;
  /** A worker whose heartbeat is older than this is taken as dead, and its claims may be taken by another. */
  leaseMs: number;
  /** How often the heartbeat is written (default a tenth of the lease). */
  heartbeatMs?: number;
  /**
   * The process is the only one on this database (PGlite: the data-dir lock admits one process), so at registration
   * every other worker row is a dead process's and is removed at once, and its claims can be retaken without waiting.
   */
  exclusive?: boolean;
  onError?: (what: string, err: unknown) => void;
}

/**
 * A row in `workers` per live process, kept fresh by a heartbeat. Work claimed by a process carries its worker id;
 * a claim whose worker row is gone (see {@link orphanedClaim}) belongs to nobody and may be retaken. Rows stop being
 * renewed when a process dies, and {@link WorkerLease.expire} deletes them once older than the lease.
 *
 * A process that loses its row (it stalled for longer than the lease and another process expired it) is fenced:
 * {@link WorkerLease.holds} answers false for its old id, so it stops using its claims, and it registers anew.
 */
export class WorkerLease {
  private current?: string;
  private registering?: Promise<string>;
  private beating?: Promise<boolean>;
  /** performance.now() when the last successful heartbeat (or the registration) was sent. */
  private confirmedAt = 0;
  private timer?: NodeJS.Timeout;
  private readonly heartbeatMs: number;

  constructor(private readonly opts: LeaseOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? Math.max(100, Math.floor(opts.leaseMs / 10));
  }

  /** Whether this process is the only one on its database (PGlite), so any claim not its own is a dead process's. */
  get exclusive(): boolean {
    return this.opts.exclusive ?? false;
  }

  /** This process's worker id, registering it (and starting the heartbeat) first if needed. */
  async id(): Promise<string> {
    if (this.current) return this.current;
    this.registering ??= this.register().finally(() => (this.registering = undefined));
    return this.registering;
  }

  private async register(): Promise<string> {
    const id = crypto.randomUUID();
    const sentAt = performance.now();
    await inTransaction(this.opts.db, async (tx) => {
      if (this.opts.exclusive) await tx.execute(sql`DELETE FROM workers`);
      await tx.execute(sql`INSERT INTO workers (id, pid, host) VALUES (${id}, ${process.pid}, ${os.hostname()})`);
    });
    this.current = id;
    this.confirmedAt = sentAt;
    if (!this.timer) {
      this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
      this.timer.unref();
    }
    return id;
  }

  /**
   * Whether claims made under `id` are certainly still this process's: the lease is renewed well within its length
   * (half of it, measured from when the last renewal was sent, so the database's own clock is never ahead of ours).
   */
  holds(id: string): boolean {
    if (this.current !== id) return false;
    return this.opts.exclusive || performance.now() - this.confirmedAt < this.opts.leaseMs / 2;
  }

  /** Renews the lease now and answers whether `id` still holds it (false: fenced, drop its claims). */
  async confirm(id: string): Promise<boolean> {
    await this.beat();
    return this.holds(id);
  }

  /** Writes one heartbeat (or waits for the one under way); false when the row is gone or the database failed. */
  private async beat(): Promise<boolean> {
    const id = this.current;
    if (!id) return Promise.resolve(false);
    this.beating ??= (async () => {
      const sentAt = performance.now();
      try {
        const rows = await queryRows(this.opts.db, sql`UPDATE workers SET heartbeat_at = now() WHERE id = ${id} RETURNING id`);
        if (rows.length) {
          this.confirmedAt = sentAt;
          return true;
        }
        // Another process took this one for dead and removed its row: its claims are no longer ours.
        if (this.current === id) this.current = undefined;
        this.opts.onError?.('worker lease', new Error(`worker ${id} lost its lease; registering again`));
        return false;
      } catch (err) {
        this.opts.onError?.('worker heartbeat', err);
        return false;
      }
    })().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Deletes the rows of workers whose heartbeat is older than the lease, which makes their claims orphaned. */
  async expire(): Promise<number> {
    if (this.opts.exclusive) return 0; // registration already removed every other row
    const rows = await queryRows(
      this.opts.db,
      sql`DELETE FROM workers WHERE heartbeat_at < now() - ${this.opts.leaseMs}::integer * interval '1 millisecond' RETURNING id`,
    );
    return rows.length;
  }

  /** Stops the heartbeat and removes this process's row (call after its claims are released or done). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.registering?.catch(() => undefined);
    await this.beating;
    const id = this.current;
    this.current = undefined;
    try {
      if (id) await this.opts.db.execute(sql`DELETE FROM workers WHERE id = ${id}`);
    } catch (err) {
      this.opts.onError?.('worker lease', err); // the row expires after the lease instead
    }
  }
}

/** SQL condition: the claim held in `column` (a worker id) belongs to no registered worker, so it may be retaken. */
export function orphanedClaim(column: SQL): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM workers WHERE workers.id = ${column})`;
}

/** SQL condition: the worker `id` is registered (a claim statement adds it, so a fenced process claims nothing). */
export function workerRegistered(id: string): SQL {
  return sql`EXISTS (SELECT 1 FROM workers WHERE workers.id = ${id})`;
}
