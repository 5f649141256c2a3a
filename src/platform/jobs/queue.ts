import { inTransaction, type Db } from '../db/client.js';
import { WorkerLease } from './lease.js';
import * as repo from './repo.js';
import type { Job } from './repo.js';
import { backoffMs, RETRY } from './retry.js';

/** Runs one kind of job inside the transaction that marks it done, so its effects and "done" commit together. */
export type JobHandler = (tx: Db, job: Job, now: Date) => Promise<void>;

/** Looks at the state of things at a time and enqueues the jobs that are due (idempotent by key). */
export type Planner = (db: Db, now: Date) => Promise<void>;

/**
 * What leased work answers: nothing (done), a `finish` to run in the transaction that marks the job done, or `again`: give
 * the job back, due at that time, without counting the attempt (it is waiting for something, or its worker stops).
 */
export type WorkOutcome = void | { finish?: (tx: Db) => Promise<void>; again?: Date };

/** What leased work is given besides its job. */
export interface WorkContext {
  db: Db;
  now: Date;
  /** The worker holding the job; claims the work makes on other rows carry it too (see lease.ts). */
  workerId: string;
  lease: WorkerLease;
  /** True once the queue is stopping: give the job back (`again`) at the next safe point. */
  stopping(): boolean;
}

/** Does a job outside any transaction, under this process's lease: for work that must not hold a transaction open (SMTP). */
export type LeasedHandler = (job: Job, ctx: WorkContext) => Promise<WorkOutcome>;

/** How a kind of job fails: attempts before it is dead-lettered, and what to record beside each failure. */
export interface KindOptions {
  maxAttempts?: number;
  /** Runs in the transaction that records a failed attempt (`dead` when it was the last). */
  onFail?: (tx: Db, job: Job, failure: { error: string; dead: boolean }) => Promise<void>;
}

/** Where modules register their jobs (chainable): each module's jobs.ts takes one. */
export interface JobRegistry {
  /** Registers the handler for a kind of job, run in the transaction that marks the job done. */
  handle(kind: string, handler: JobHandler, opts?: KindOptions): JobRegistry;
  /** Registers leased work for a kind of job, run outside a transaction while this process holds its lease. */
  work(kind: string, handler: LeasedHandler, opts?: KindOptions): JobRegistry;
  /** Registers a planner, run before the due jobs. */
  plan(name: string, planner: Planner): JobRegistry;
}

/** What one run of the queue did. */
export interface RunReport {
  done: number;
  failed: number;
}

/** A queue worker's settings. */
export interface QueueOptions {
  /** This process's lease, shared with its other workers; without one the queue makes its own (and ends it on stop). */
  lease?: WorkerLease;
  leaseMs?: number;
  exclusive?: boolean;
  /** Jobs run at once (default 4): a long send does not hold up an email. */
  concurrency?: number;
  onError?: (what: string, err: unknown) => void;
}

type OnError = QueueOptions['onError'];
type Registered = { tx?: JobHandler; leased?: LeasedHandler; opts: KindOptions };
type Outcome = 'done' | 'failed' | 'released' | 'lost';

/**
 * The one durable work queue. Jobs are rows claimed with FOR UPDATE SKIP LOCKED by a worker holding a lease (a live
 * process, see lease.ts); a job whose worker died is taken again. A failed attempt is retried after the backoff in
 * retry.ts and dead-lettered after the kind's attempts. The queue only claims the kinds registered on it.
 */
export class JobQueue implements JobRegistry {
  private kinds = new Map<string, Registered>();
  private planners: Array<{ name: string; plan: Planner }> = [];
  private readonly lease: WorkerLease;
  private active = new Set<Promise<unknown>>();
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private planning?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly opts: QueueOptions = {},
  ) {
    this.lease =
      opts.lease ?? new WorkerLease({ db, leaseMs: opts.leaseMs ?? 10_000, exclusive: opts.exclusive, onError: opts.onError });
  }

  private get concurrency(): number {
    return this.opts.concurrency ?? 4;
  }

  /** Registers the handler for a kind of job, run in the transaction that marks the job done. */
  handle(kind: string, handler: JobHandler, opts: KindOptions = {}): this {
    this.kinds.set(kind, { tx: handler, opts });
    return this;
  }

  /** Registers leased work for a kind of job, run outside a transaction while this process holds its lease. */
  work(kind: string, handler: LeasedHandler, opts: KindOptions = {}): this {
    this.kinds.set(kind, { leased: handler, opts });
    return this;
  }

  /** Registers a planner, run before the due jobs each time. */
  plan(name: string, planner: Planner): this {
    this.planners.push({ name, plan: planner });
    return this;
  }

  /** Plans, then runs every job due at `now` until none is left, jobs the run enqueues included (the CLI, tests). */
  async runDue(now = new Date(), onError: OnError = this.opts.onError, only?: string[]): Promise<RunReport> {
    await this.planAll(now, onError);
    return this.runJobs(now, onError, only);
  }

  /** Runs every job due at `now` (of the kinds in `only`, or all registered), without planning; each job at most once. */
  async runJobs(now = new Date(), onError: OnError = this.opts.onError, only?: string[]): Promise<RunReport> {
    const report: RunReport = { done: 0, failed: 0 };
    const kinds = only ?? [...this.kinds.keys()];
    // A job given back or failed in this run waits for a later run, even when simulated time says it is due again.
    const seen: number[] = [];
    await this.sweep();
    const loop = async () => {
      for (;;) {
        const claimed = await this.claim(kinds, now, seen);
        if (!claimed) return;
        seen.push(claimed.job.id);
        const outcome = await this.run(claimed.job, claimed.workerId, now, onError);
        if (outcome === 'done' || outcome === 'failed') report[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, loop));
    return report;
  }

  /** Runs the queue in this process: due jobs every `pollMs` (and on {@link wake}), planners every `planEveryMs`. */
  start(o: { pollMs?: number; planEveryMs?: number } = {}): void {
    this.stopped = false;
    const plan = () => {
      this.planning ??= this.planAll(new Date(), this.opts.onError).finally(() => {
        this.planning = undefined;
        this.wake();
      });
    };
    this.timers.push(
      setInterval(() => this.wake(), o.pollMs ?? 1000),
      setInterval(plan, o.planEveryMs ?? 30_000),
    );
    for (const t of this.timers) t.unref();
    plan();
  }

  /** Claims and starts due jobs now, in the background, up to the concurrency; safe to call often. */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err) => this.opts.onError?.('job queue', err))
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.wake();
        }
      });
  }

  /** Waits until nothing is being claimed, planned or run (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pumping || this.planning || this.active.size) await Promise.all([this.pumping, this.planning, ...this.active]);
  }

  /** Stops claiming, lets leased work give its jobs back, waits for the jobs running, and ends its own lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.idle();
    if (!this.opts.lease) await this.lease.stop();
  }

  private async pump(): Promise<void> {
    await this.sweep();
    const kinds = [...this.kinds.keys()];
    while (this.active.size < this.concurrency && !this.stopped) {
      const now = new Date();
      const claimed = await this.claim(kinds, now);
      if (!claimed) return;
      const p = this.run(claimed.job, claimed.workerId, now, this.opts.onError).finally(() => {
        this.active.delete(p);
        this.wake();
      });
      this.active.add(p);
    }
  }

  private async planAll(now: Date, onError: OnError): Promise<void> {
    for (const p of this.planners) {
      try {
        await p.plan(this.db, now);
      } catch (err) {
        onError?.(`planner ${p.name}`, err);
      }
    }
  }

  /** Renews this worker's lease (registering anew if it was lost), and forgets dead workers: their jobs go back to the queue. */
  private async sweep(): Promise<void> {
    if (!(await this.lease.confirm(await this.lease.id()))) await this.lease.id();
    await this.lease.expire();
    await repo.reclaimOrphanedJobs(this.db);
  }

  private async claim(kinds: string[], now: Date, skip?: number[]): Promise<{ job: Job; workerId: string } | undefined> {
    const workerId = await this.lease.id();
    const [job] = await repo.claimJobs(this.db, { workerId, kinds, now, limit: 1, skip });
    return job && { job, workerId };
  }

  private async run(job: Job, workerId: string, now: Date, onError: OnError): Promise<Outcome> {
    const reg = this.kinds.get(job.kind)!;
    try {
      let finish: ((tx: Db) => Promise<void>) | undefined;
      if (reg.leased) {
        const ctx: WorkContext = { db: this.db, now, workerId, lease: this.lease, stopping: () => this.stopped };
        const outcome = await reg.leased(job, ctx);
        if (outcome?.again) {
          await repo.releaseJob(this.db, job.id, workerId, outcome.again);
          return 'released';
        }
        finish = outcome?.finish;
      }
      const ok = await inTransaction(this.db, async (tx) => {
        if (!(await repo.lockClaimed(tx, job.id, workerId))) return false;
        if (reg.tx) await reg.tx(tx, job, now);
        else await finish?.(tx);
        return repo.completeJob(tx, job.id, workerId);
      });
      // Lost: another worker took the job while this one stalled past its lease; nothing of this run was committed.
      if (!ok) onError?.(`job ${job.key}`, new Error('the job was taken by another worker; this run is dropped'));
      return ok ? 'done' : 'lost';
    } catch (err) {
      onError?.(`job ${job.key}`, err);
      await this.recordFailure(job, workerId, now, err, reg.opts, onError);
      return 'failed';
    }
  }

  private async recordFailure(job: Job, workerId: string, now: Date, err: unknown, opts: KindOptions, onError: OnError) {
    const attempts = job.attempt ?? 1;
    const dead = attempts >= (opts.maxAttempts ?? RETRY.maxAttempts);
    const error = String((err as Error)?.message ?? err).slice(0, 1000);
    const retryAt = new Date(Math.max(now.getTime(), Date.now()) + backoffMs(attempts));
    try {
      await inTransaction(this.db, async (tx) => {
        if (await repo.failJob(tx, { id: job.id, workerId, error, dead, retryAt })) await opts.onFail?.(tx, job, { error, dead });
      });
    } catch (e) {
      // The job stays claimed; it goes back to the queue when this worker stops or its lease expires.
      onError?.(`recording the failure of job ${job.key}`, e);
    }
  }
}
