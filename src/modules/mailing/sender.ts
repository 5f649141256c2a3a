import nodemailer, { type Transporter } from 'nodemailer';
import { inTransaction, type Db } from '../../platform/db/client.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { GroupCommit, Slots } from '../../platform/jobs/group-commit.js';
import type { WorkerLease } from '../../platform/jobs/lease.js';
import { JobQueue, type Job, type JobRegistry, type WorkContext, type WorkOutcome } from '../../platform/jobs/scheduler.js';
import { paths } from '../../platform/http/paths.js';
import { emailEdition } from '../bulletin/read-model.js';
import { personalise, renderEmailEdition, type RenderedEdition } from './email.js';
import * as repo from './repo.js';
import * as claims from './claims.js';
import { SEND_JOB } from './jobs.js';
import { unsubscribeToken } from './subscriptions.js';
import { buildRawTemplate, listIdValue, rawMessage, type RawTemplate } from './mime.js';

/** How the sender works: where mail goes, how fast, and when it gives up. */
export interface SenderOptions {
  db: Db;
  secret: string;
  baseUrl: string;
  networkName: string;
  from: string;
  smtpUrl?: string;
  /** Messages per second in this process; 0 for no limit. */
  rate: number;
  pool: number;
  /** Without SMTP, the first messages of each send go to the development outbox through this mailer. */
  outbox?: Mailer;
  maxAttempts?: number;
  maxConsecutiveErrors?: number;
  /** The process's job queue, which runs the send jobs; without one the worker runs a queue of its own. */
  queue?: JobQueue;
  /** The lease length when the worker runs its own queue (default 10 s). */
  leaseMs?: number;
  /**
   * Most messages handed to SMTP and not yet recorded as sent, at any time (default twice the pool): what a crash can
   * make the next process send again.
   */
  window?: number;
  /** Longest wait before accepted messages are recorded as sent, gathering them into one write (default 10 ms). */
  recordDelayMs?: number;
  onError?: (what: string, err: unknown) => void;
}

const OUTBOX_SAMPLE = 50;

/** Starts a queued send, the one place sends start: resolves its recipients into delivery rows once, in one transaction. */
export async function startSend(db: Db, sendId: number, now: Date): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    // Only the worker that moves the send out of 'queued' resolves its recipients.
    if (!(await repo.moveSend(tx, sendId, ['queued'], { status: 'sending', startedAt: now }))) return false;
    const send = (await repo.getSend(tx, sendId))!;
    const total = await repo.resolveRecipients(tx, send);
    await claims.setSendCounters(tx, sendId, { total });
    if (total === 0) await repo.moveSend(tx, sendId, ['sending'], { status: 'done', finishedAt: now });
    return true;
  });
}

/** The rate limiter: spaces messages evenly at the configured rate. */
class Pace {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async wait(): Promise<void> {
    if (!this.perSecond) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.perSecond;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}

/**
 * Works off sends as jobs of the one queue (kind {@link SEND_JOB}), one job per send. The job's handler claims the
 * send's deliveries in batches with FOR UPDATE SKIP LOCKED under the worker's lease, so two processes never take the
 * same message and a dead process's claims (and its job) are retaken as soon as its lease expires. Each message is
 * recorded as sent within milliseconds of the SMTP server accepting it (a group commit), and no more than `window`
 * messages are ever handed over and unrecorded, so a crash resends at most those.
 */
export class SendWorker {
  private transport?: Transporter;
  private readonly jobs: JobQueue;
  private readonly recorder: GroupCommit<number>;
  private readonly slots: Slots;
  private workerIds = new Set<string>();
  private rendered = new Map<number, { edition: RenderedEdition; raw: RawTemplate }>();
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private pace: Pace;
  private outboxCount = new Map<number, number>();

  constructor(private readonly opts: SenderOptions) {
    if (opts.smtpUrl) {
      const sep = opts.smtpUrl.includes('?') ? '&' : '?';
      this.transport = nodemailer.createTransport(`${opts.smtpUrl}${sep}pool=true&maxConnections=${opts.pool}&maxMessages=Infinity`);
    }
    this.pace = new Pace(opts.rate);
    this.jobs = opts.queue ?? new JobQueue(opts.db, { leaseMs: opts.leaseMs ?? 10_000, onError: opts.onError });
    // On the process's queue, mailing/jobs.ts registers the worker; on a queue of its own, it registers itself.
    if (!opts.queue) this.register(this.jobs);
    this.recorder = new GroupCommit<number>({
      write: (ids) => claims.markSent(opts.db, ids),
      delayMs: opts.recordDelayMs ?? 10,
      onError: (err) => opts.onError?.('recording sent messages', err),
    });
    // A message holds its slot from before it is handed to SMTP until it is recorded as sent; when the slots run out,
    // the recorder writes at once rather than after its delay.
    this.slots = new Slots(opts.window ?? 2 * opts.pool, () => this.recorder.hurry());
  }

  /** Registers the send job's handler on a queue (mailing/jobs.ts does this for the process's queue). */
  register(jobs: JobRegistry): void {
    jobs.work(SEND_JOB, async (job, ctx) => this.work(job, ctx), { maxAttempts: 10, onFail: pauseOnDeadJob });
  }

  private get batchSize(): number {
    return this.opts.rate ? Math.max(1, Math.min(200, Math.floor(this.opts.rate * 5))) : 200;
  }

  /** Runs its own queue's send jobs every interval (a worker on the process's queue is run by that queue). */
  start(intervalMs = 1000): void {
    if (this.opts.queue) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Runs every send job due now, once, to the end of each (tests drive the worker with this). */
  async tick(now = new Date()): Promise<void> {
    if (this.stopping) return;
    await this.jobs.runJobs(now, this.opts.onError, [SEND_JOB]);
  }

  /** Stops handing messages to SMTP, records those accepted, and gives back its other claims for any process to take. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    try {
      if (!this.opts.queue) await this.jobs.stop();
      await this.recorder.flush(true);
      for (const id of this.workerIds) await claims.releaseWorker(this.opts.db, id);
    } catch (err) {
      this.opts.onError?.('stopping the send worker', err);
    }
    this.transport?.close();
  }

  /** A send job: starts the send if it is queued, then works its batches until none is ready. */
  private async work(job: Job, ctx: WorkContext): Promise<WorkOutcome> {
    const sendId = Number(job.payload.sendId);
    this.workerIds.add(ctx.workerId);
    await startSend(this.opts.db, sendId, ctx.now);
    return this.workSend(sendId, ctx);
  }

  /** Whether claims made as `workerId` are still this process's; false when it was fenced (its lease expired). */
  private async stillOwns(lease: WorkerLease, workerId: string): Promise<boolean> {
    return lease.holds(workerId) || (await lease.confirm(workerId));
  }

  private async workSend(sendId: number, ctx: WorkContext): Promise<WorkOutcome> {
    const { db } = this.opts;
    const { lease, workerId } = ctx;
    for (;;) {
      // Stopping: the job goes back to the queue at once; stop() gives back the deliveries still claimed.
      if (this.stopping || ctx.stopping()) return { again: new Date() };
      // Fenced: another process has taken the job (the queue drops this run).
      if (!(await this.stillOwns(lease, workerId))) return;
      // Retake what dead processes claimed: each batch, so a long send picks them up as soon as their lease expires.
      await lease.expire();
      await claims.reclaimOrphans(db, sendId, lease.exclusive);
      const send = await repo.getSend(db, sendId);
      if (!send || send.status !== 'sending') return; // paused, cancelled or finished: the job is done
      const batch = await claims.claimDeliveries(db, sendId, workerId, this.batchSize);
      if (!batch.length) {
        if (await this.finishIfDone(sendId)) return;
        // Messages wait for their retry (or for another live worker): the job comes back when the first is due.
        const next = (await claims.nextAttemptAt(db, sendId)) ?? new Date(0);
        return { again: new Date(Math.max(next.getTime(), Date.now() + 1000)) };
      }
      const rendered = await this.render(send);
      await this.deliver(send, rendered, batch, lease, workerId);
    }
  }

  /** Renders the edition once per send (and its raw MIME template), then reuses it for every recipient. */
  private async render(send: repo.Send): Promise<{ edition: RenderedEdition; raw: RawTemplate }> {
    let r = this.rendered.get(send.id);
    if (!r) {
      const source = await emailEdition(this.opts.db, send.editionId);
      const edition = await renderEmailEdition(source, {
        baseUrl: this.opts.baseUrl,
        networkName: this.opts.networkName,
        webUrl: `${this.opts.baseUrl}${paths.viewInBrowser(source.slug)}`,
      });
      const listName = (await repo.getList(this.opts.db, send.listId))?.name ?? 'Regional Update';
      const raw = buildRawTemplate(edition, {
        from: this.opts.from,
        baseUrl: this.opts.baseUrl,
        unsubscribePath: paths.unsubscribe('TOKEN'),
        list: { name: listName, id: `list-${send.listId}.${new URL(this.opts.baseUrl).hostname}` },
        mailbox: this.mailbox,
      });
      r = { edition, raw };
      this.rendered.set(send.id, r);
    }
    return r;
  }

  private get mailbox(): string {
    return /<([^>]+)>/.exec(this.opts.from)?.[1] ?? this.opts.from;
  }

  /** The headers every bulletin carries, RFC 8058 one-click unsubscribe included. */
  private listHeaders(send: repo.Send, token: string, listName: string): Record<string, string> {
    const host = new URL(this.opts.baseUrl).hostname;
    const mailbox = this.mailbox;
    return {
      'List-Unsubscribe': `<${this.opts.baseUrl}${paths.unsubscribe(token)}>, <mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${token}`)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': listIdValue(listName, `list-${send.listId}.${host}`),
      Precedence: 'bulk',
    };
  }

  /** Hands a batch to SMTP within the window, records each accepted message at once and the refusals at the end. */
  private async deliver(
    send: repo.Send,
    rendered: { edition: RenderedEdition; raw: RawTemplate },
    batch: claims.ClaimedDelivery[],
    lease: WorkerLease,
    workerId: string,
  ) {
    const refusals: claims.Refusal[] = [];
    const unsent: number[] = [];
    const state = { consecutive: send.consecutiveErrors, paused: false, fenced: false };
    await Promise.all(
      batch.map(async (d) => {
        await this.slots.acquire();
        try {
          await this.pace.wait();
          if (state.paused || this.stopping) return unsent.push(d.id);
          if (state.fenced || !(await this.stillOwns(lease, workerId))) return (state.fenced = true);
          const refusal = await this.sendOne(send, rendered, d);
          if (!refusal) {
            state.consecutive = 0;
            // The slot stays taken until the message is recorded: that is what bounds the resends after a crash.
            await this.recorder.add(d.id);
            return;
          }
          refusals.push(refusal);
          state.consecutive++;
          if (state.consecutive >= (this.opts.maxConsecutiveErrors ?? 25)) state.paused = true;
        } catch (err) {
          // Recording failed for good (the database is gone): the row stays claimed and is retaken after the lease.
          this.opts.onError?.('recording a sent message', err);
        } finally {
          this.slots.release();
        }
      }),
    );
    // A fenced worker's claims are no longer its own: another process retakes them; writing here could undo its work.
    if (state.fenced) return;
    await inTransaction(this.opts.db, async (tx) => {
      await claims.unclaim(tx, workerId, unsent);
      await claims.recordRefusals(tx, workerId, refusals, this.opts.maxAttempts ?? 5);
      await claims.setSendCounters(tx, send.id, { consecutiveErrors: state.consecutive });
      if (state.paused)
        await repo.moveSend(tx, send.id, ['sending'], {
          status: 'paused',
          pauseReason: `Paused after ${state.consecutive} errors in a row: check the mail server, then resume`,
        });
    });
  }

  /** Sends one message; answers how the server refused it, or nothing when it was accepted. */
  private async sendOne(
    send: repo.Send,
    rendered: { edition: RenderedEdition; raw: RawTemplate },
    d: claims.ClaimedDelivery,
  ): Promise<claims.Refusal | undefined> {
    const token = unsubscribeToken(this.opts.secret, d.subscriber_id, send.listId);
    try {
      if (this.transport) {
        const host = new URL(this.opts.baseUrl).hostname;
        const raw = rawMessage(rendered.raw, { email: d.email, name: d.name, token, messageId: `send-${send.id}-${d.id}@${host}` });
        await this.transport.sendMail({ envelope: { from: this.mailbox, to: [d.email] }, raw });
      } else await this.toOutbox(send, rendered.edition, d, token);
      return undefined;
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode ?? 0;
      const error = String((err as Error).message).slice(0, 300);
      if (code >= 500) return { kind: 'bounced', id: d.id, subscriberId: d.subscriber_id, error };
      return { kind: 'retry', id: d.id, error, attempts: d.attempts };
    }
  }

  /** Without SMTP: keeps the first messages of a send in the development outbox, to read as recipients would. */
  private async toOutbox(send: repo.Send, rendered: RenderedEdition, d: { email: string; name: string | null }, token: string) {
    const n = this.outboxCount.get(send.id) ?? 0;
    this.outboxCount.set(send.id, n + 1);
    if (n >= OUTBOX_SAMPLE || !this.opts.outbox) return;
    const body = personalise(rendered, { name: d.name, unsubscribeUrl: `${this.opts.baseUrl}${paths.unsubscribe(token)}` });
    const listName = (await repo.getList(this.opts.db, send.listId))?.name ?? 'Regional Update';
    await this.opts.outbox.queue(this.opts.db, {
      to: d.email,
      subject: rendered.subject,
      text: body.text,
      html: body.html,
      headers: this.listHeaders(send, token, listName),
    });
  }

  /** Closes the send when no message is left to send; answers whether it is closed. */
  private async finishIfDone(sendId: number): Promise<boolean> {
    const counts = await repo.deliveryCounts(this.opts.db, sendId);
    if (counts.pending || counts.sending) return false;
    const allFailed = (counts.sent ?? 0) === 0 && (counts.failed ?? 0) + (counts.bounced ?? 0) > 0;
    await repo.moveSend(this.opts.db, sendId, ['sending'], { status: allFailed ? 'failed' : 'done', finishedAt: new Date() });
    this.rendered.delete(sendId);
    this.outboxCount.delete(sendId);
    return true;
  }
}

/** A send whose job was dead-lettered pauses, saying why, so the editors see it stopped; resuming it queues a new job. */
async function pauseOnDeadJob(tx: Db, job: Job, failure: { error: string; dead: boolean }): Promise<void> {
  if (!failure.dead) return;
  await repo.moveSend(tx, Number(job.payload.sendId), ['queued', 'sending'], {
    status: 'paused',
    pauseReason: `Stopped after repeated errors (${failure.error.slice(0, 200)}): check the job on the jobs page, then resume`,
  });
}
