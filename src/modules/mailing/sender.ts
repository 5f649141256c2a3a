import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'drizzle-orm';
import { inTransaction, queryRows, type Db } from '../../platform/db/client.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { GroupCommit, Slots } from '../../platform/jobs/group-commit.js';
import { WorkerLease } from '../../platform/jobs/lease.js';
import { paths } from '../../platform/http/paths.js';
import { editionTreeForSend } from '../bulletin/service.js';
import { bulletinSettings } from '../bulletin/public.js';
import { personalise, renderEmailEdition, type RenderedEdition } from './email.js';
import * as repo from './repo.js';
import * as claims from './claims.js';
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
  /** This process's worker lease, shared with its other workers; without one the worker makes its own. */
  lease?: WorkerLease;
  /** The lease length when the worker makes its own (default 10 s). */
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

/** Starts every queued send whose time has come: resolves its recipients into delivery rows once, in one transaction. */
export async function startDueSends(db: Db, now: Date): Promise<number> {
  const due = await queryRows<{ id: number }>(
    db,
    sql`SELECT id FROM sends WHERE status = 'queued' AND (scheduled_at IS NULL OR scheduled_at <= ${now}) ORDER BY id`,
  );
  let started = 0;
  for (const { id } of due) {
    const ok = await inTransaction(db, async (tx) => {
      // Only the process that moves the send out of 'queued' resolves its recipients.
      if (!(await repo.moveSend(tx, id, ['queued'], { status: 'sending', startedAt: now }))) return false;
      const send = (await repo.getSend(tx, id))!;
      const total = await repo.resolveRecipients(tx, send);
      await tx.execute(sql`UPDATE sends SET total = ${total} WHERE id = ${id}`);
      if (total === 0) await repo.moveSend(tx, id, ['sending'], { status: 'done', finishedAt: now });
      return true;
    });
    if (ok) started++;
  }
  return started;
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
 * Works off sends inside the server process. Deliveries are claimed in batches with FOR UPDATE SKIP LOCKED under this
 * process's worker lease, so two processes never take the same message and a dead process's claims are retaken as soon
 * as its lease expires. Each message is recorded as sent within milliseconds of the SMTP server accepting it (a group
 * commit), and no more than `window` messages are ever handed over and unrecorded, so a crash resends at most those.
 */
export class SendWorker {
  private transport?: Transporter;
  private readonly lease: WorkerLease;
  private readonly recorder: GroupCommit<number>;
  private readonly slots: Slots;
  private workerId?: string;
  private rendered = new Map<number, { edition: RenderedEdition; raw: RawTemplate }>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;
  private pace: Pace;
  private outboxCount = new Map<number, number>();

  constructor(private readonly opts: SenderOptions) {
    if (opts.smtpUrl) {
      const sep = opts.smtpUrl.includes('?') ? '&' : '?';
      this.transport = nodemailer.createTransport(`${opts.smtpUrl}${sep}pool=true&maxConnections=${opts.pool}&maxMessages=Infinity`);
    }
    this.pace = new Pace(opts.rate);
    this.lease = opts.lease ?? new WorkerLease({ db: opts.db, leaseMs: opts.leaseMs ?? 10_000, onError: opts.onError });
    this.recorder = new GroupCommit<number>({
      write: (ids) => claims.markSent(opts.db, ids),
      delayMs: opts.recordDelayMs ?? 10,
      onError: (err) => opts.onError?.('recording sent messages', err),
    });
    // A message holds its slot from before it is handed to SMTP until it is recorded as sent; when the slots run out,
    // the recorder writes at once rather than after its delay.
    this.slots = new Slots(opts.window ?? 2 * opts.pool, () => this.recorder.hurry());
  }

  private get batchSize(): number {
    return this.opts.rate ? Math.max(1, Math.min(200, Math.floor(this.opts.rate * 5))) : 200;
  }

  /** Starts the loop: start due sends, then work them off, every second. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** One pass, unless one is already running. */
  async tick(now = new Date()): Promise<void> {
    if (this.running || this.stopping) return this.running ?? Promise.resolve();
    this.running = (async () => {
      try {
        this.workerId = await this.lease.id();
        await startDueSends(this.opts.db, now);
        await this.workAll(this.workerId);
      } catch (err) {
        this.opts.onError?.('send worker', err);
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops handing messages to SMTP, records those accepted, and gives back its other claims for any process to take. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
    try {
      await this.recorder.flush(true);
      if (this.workerId) await claims.releaseWorker(this.opts.db, this.workerId);
      if (!this.opts.lease) await this.lease.stop();
    } catch (err) {
      this.opts.onError?.('stopping the send worker', err);
    }
    this.transport?.close();
  }

  /** Works every sending send until none has a message ready. */
  async workAll(workerId: string): Promise<void> {
    const active = await queryRows<{ id: number }>(this.opts.db, sql`SELECT id FROM sends WHERE status = 'sending' ORDER BY id`);
    for (const { id } of active) await this.workSend(id, workerId);
  }

  /** Whether claims made as `workerId` are still this process's; false when it was fenced (its lease expired). */
  private async stillOwns(workerId: string): Promise<boolean> {
    return this.lease.holds(workerId) || (await this.lease.confirm(workerId));
  }

  private async workSend(sendId: number, workerId: string): Promise<void> {
    const { db } = this.opts;
    for (;;) {
      if (this.stopping || !(await this.stillOwns(workerId))) return;
      // Retake what dead processes claimed: each batch, so a long send picks them up as soon as their lease expires.
      await this.lease.expire();
      await claims.reclaimOrphans(db, sendId, this.lease.exclusive);
      const send = await repo.getSend(db, sendId);
      if (!send || send.status !== 'sending') return;
      const batch = await claims.claimDeliveries(db, sendId, workerId, this.batchSize);
      if (!batch.length) {
        await this.finishIfDone(sendId);
        return;
      }
      const rendered = await this.render(send);
      await this.deliver(send, rendered, batch, workerId);
    }
  }

  /** Renders the edition once per send (and its raw MIME template), then reuses it for every recipient. */
  private async render(send: repo.Send): Promise<{ edition: RenderedEdition; raw: RawTemplate }> {
    let r = this.rendered.get(send.id);
    if (!r) {
      const tree = await editionTreeForSend(this.opts.db, send.editionId);
      const edition = await renderEmailEdition(tree, await bulletinSettings(this.opts.db), {
        baseUrl: this.opts.baseUrl,
        networkName: this.opts.networkName,
        webUrl: `${this.opts.baseUrl}${paths.viewInBrowser(tree.edition.slug)}`,
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
          if (state.fenced || !(await this.stillOwns(workerId))) return (state.fenced = true);
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
      await tx.execute(sql`UPDATE sends SET consecutive_errors = ${state.consecutive} WHERE id = ${send.id}`);
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

  private async finishIfDone(sendId: number): Promise<void> {
    const counts = await repo.deliveryCounts(this.opts.db, sendId);
    if (!counts.pending && !counts.sending) {
      const allFailed = (counts.sent ?? 0) === 0 && (counts.failed ?? 0) + (counts.bounced ?? 0) > 0;
      await repo.moveSend(this.opts.db, sendId, ['sending'], { status: allFailed ? 'failed' : 'done', finishedAt: new Date() });
      this.rendered.delete(sendId);
    }
  }
}
