/** How a group commit writes and how long it gathers. */
export interface GroupCommitOptions<T> {
  /** Writes a group of items durably (one transaction); a failure is retried with backoff, items kept. */
  write(items: T[]): Promise<void>;
  /** Longest an item waits for others before its group is written (default 10 ms); {@link GroupCommit.hurry} cuts it short. */
  delayMs?: number;
  onError?: (err: unknown) => void;
}

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Gathers small facts ("this message was accepted") arriving from many concurrent tasks and writes them in groups,
 * one write every few milliseconds at most, so each is durable soon after it happened without a transaction each.
 * {@link GroupCommit.add} resolves once its item is written.
 */
export class GroupCommit<T> {
  private queue: Array<Waiting<T>> = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private closed = false;
  /** Groups written and items in them, for benchmarks and logs. */
  readonly stats = { groups: 0, items: 0 };

  constructor(private readonly opts: GroupCommitOptions<T>) {}

  /** Queues an item; resolves when it is written, rejects only if the commit is closed with the write still failing. */
  async add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.timer && !this.writing) {
        this.timer = setTimeout(() => this.hurry(), this.opts.delayMs ?? 10);
      }
    });
  }

  /** Writes what is queued now rather than after the delay (someone is waiting for it). */
  hurry(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || !this.queue.length) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      // Items that arrived during the write go in the next group at once: they have waited at least one write.
      if (this.queue.length) this.hurry();
    });
  }

  private async drain(): Promise<void> {
    for (let failures = 0; this.queue.length;) {
      const group = this.queue;
      this.queue = [];
      try {
        await this.opts.write(group.map((w) => w.item));
        this.stats.groups++;
        this.stats.items += group.length;
        for (const w of group) w.resolve();
        return;
      } catch (err) {
        this.queue = [...group, ...this.queue];
        this.opts.onError?.(err);
        failures++;
        if (this.closed && failures >= 3) {
          const lost = this.queue;
          this.queue = [];
          for (const w of lost) w.reject(err);
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, 50 * 2 ** Math.min(failures, 7))));
      }
    }
  }

  /** Writes everything queued and waits for it; after close, a write that keeps failing gives its items up. */
  async flush(close = false): Promise<void> {
    this.closed ||= close;
    while (this.writing || this.queue.length) {
      this.hurry();
      await this.writing;
    }
  }
}

/**
 * A counting semaphore: at most `size` tasks hold a slot. `onWait` runs when a task has to wait (the sender uses it to
 * write accepted messages at once, since their slots are freed only when they are recorded).
 */
export class Slots {
  private free: number;
  private waiting: Array<() => void> = [];

  constructor(
    size: number,
    private readonly onWait?: () => void,
  ) {
    this.free = size;
  }

  /** Takes a slot, waiting for one if none is free. */
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    const got = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.onWait?.();
    await got;
  }

  /** Gives a slot back, to the longest waiter first. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
