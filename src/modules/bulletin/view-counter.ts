import crypto from 'node:crypto';
import type { Db } from '../../platform/db/client.js';
import { addViews } from './repo.js';

/**
 * Counts one view per reader per edition per day without cookies or a write per request: readers are a hash of
 * address and browser with a salt that changes daily and never leaves memory; totals are written every few seconds.
 */
export class ViewCounter {
  private day = '';
  private salt = Buffer.alloc(0);
  private seen = new Set<string>();
  private pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly flushMs = 5000,
  ) {}

  /** Notes a view of the edition with this slug. */
  count(slug: string, ip: string, userAgent: string | undefined, now = new Date()): void {
    const day = now.toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.salt = crypto.randomBytes(16);
      this.seen.clear();
    }
    const reader = crypto
      .createHash('sha256')
      .update(this.salt)
      .update(`${slug}\0${ip}\0${userAgent ?? ''}`)
      .digest('base64');
    if (this.seen.has(reader)) return;
    this.seen.add(reader);
    this.pending.set(slug, (this.pending.get(slug) ?? 0) + 1);
  }

  /** Writes counted views to the database. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    for (const [slug, n] of batch) await addViews(this.db, slug, n);
  }

  /** Flushes every few seconds until stopped. */
  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.flushMs);
    this.timer.unref();
  }

  /** Stops and writes what is left. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
