import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'drizzle-orm';
import { inTransaction, queryRows, type Db } from '../../platform/db/client.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { paths } from '../../platform/http/paths.js';
import { editionTreeForSend } from '../bulletin/service.js';
import { bulletinSettings } from '../bulletin/public.js';
import { personalise, renderEmailEdition, type RenderedEdition } from './email.js';
import * as repo from './repo.js';
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
  /** A claimed message not marked within this time is taken as lost in a crash and sent again. */
  staleAfterMs?: number;
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
 * Works off sends inside the server process. Deliveries are claimed in batches with FOR UPDATE SKIP LOCKED, so two
 * processes never take the same message; each is marked sent only after the SMTP server accepts it, so a crash resends
 * at most the batch that was in flight.
 */
export class SendWorker {
  private transport?: Transporter;
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
        await startDueSends(this.opts.db, now);
        await this.workAll();
      } catch (err) {
        this.opts.onError?.('send worker', err);
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops after the batch in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
    this.transport?.close();
  }

  /** Works every sending send until none has a message ready. */
  async workAll(): Promise<void> {
    const active = await queryRows<{ id: number }>(this.opts.db, sql`SELECT id FROM sends WHERE status = 'sending' ORDER BY id`);
    for (const { id } of active) await this.workSend(id);
  }

  private async workSend(sendId: number): Promise<void> {
    const { db } = this.opts;
    const stale = new Date(Date.now() - (this.opts.staleAfterMs ?? 5 * 60_000));
    await db.execute(
      sql`UPDATE deliveries SET status = 'pending' WHERE send_id = ${sendId} AND status = 'sending' AND claimed_at < ${stale}`,
    );
    for (;;) {
      if (this.stopping) return;
      const send = await repo.getSend(db, sendId);
      if (!send || send.status !== 'sending') return;
      const batch = await queryRows<{ id: number; subscriber_id: number; email: string; name: string | null; attempts: number }>(
        db,
        sql`UPDATE deliveries SET status = 'sending', claimed_at = now(), attempts = attempts + 1
            WHERE id IN (SELECT id FROM deliveries WHERE send_id = ${sendId} AND status = 'pending' AND next_attempt_at <= now()
                         ORDER BY id LIMIT ${this.batchSize} FOR UPDATE SKIP LOCKED)
            RETURNING id, subscriber_id, email, name, attempts`,
      );
      if (!batch.length) {
        await this.finishIfDone(sendId);
        return;
      }
      const rendered = await this.render(send);
      await this.deliver(send, rendered, batch);
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

  private async deliver(
    send: repo.Send,
    rendered: { edition: RenderedEdition; raw: RawTemplate },
    batch: Array<{ id: number; subscriber_id: number; email: string; name: string | null; attempts: number }>,
  ) {
    const { db } = this.opts;
    const host = new URL(this.opts.baseUrl).hostname;
    const sent: number[] = [];
    const retry: Array<{ id: number; error: string; attempts: number }> = [];
    const bounced: Array<{ id: number; subscriberId: number; error: string }> = [];
    let consecutive = send.consecutiveErrors;
    let paused = false;
    await Promise.all(
      batch.map(async (d) => {
        await this.pace.wait();
        if (paused) return retry.push({ id: d.id, error: 'send paused', attempts: d.attempts - 1 });
        const token = unsubscribeToken(this.opts.secret, d.subscriber_id, send.listId);
        try {
          if (this.transport) {
            const raw = rawMessage(rendered.raw, { email: d.email, name: d.name, token, messageId: `send-${send.id}-${d.id}@${host}` });
            await this.transport.sendMail({ envelope: { from: this.mailbox, to: [d.email] }, raw });
          } else await this.toOutbox(send, rendered.edition, d, token);
          sent.push(d.id);
          consecutive = 0;
        } catch (err) {
          const code = (err as { responseCode?: number }).responseCode ?? 0;
          const error = String((err as Error).message).slice(0, 300);
          if (code >= 500) bounced.push({ id: d.id, subscriberId: d.subscriber_id, error });
          else retry.push({ id: d.id, error, attempts: d.attempts });
          consecutive++;
          if (consecutive >= (this.opts.maxConsecutiveErrors ?? 25)) paused = true;
        }
      }),
    );
    await inTransaction(db, async (tx) => {
      if (sent.length)
        await tx.execute(
          sql`UPDATE deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY(${`{${sent.join(',')}}`}::bigint[])`,
        );
      for (const r of retry) {
        const gaveUp = r.attempts >= (this.opts.maxAttempts ?? 5);
        const delay = 30_000 * 2 ** Math.max(0, r.attempts - 1);
        await tx.execute(
          sql`UPDATE deliveries SET status = ${gaveUp ? 'failed' : 'pending'}, last_error = ${r.error}, next_attempt_at = ${new Date(Date.now() + delay)} WHERE id = ${r.id}`,
        );
      }
      for (const b of bounced) {
        await tx.execute(sql`UPDATE deliveries SET status = 'bounced', last_error = ${b.error} WHERE id = ${b.id}`);
        await tx.execute(sql`UPDATE subscribers SET bouncing = true WHERE id = ${b.subscriberId}`);
      }
      await tx.execute(sql`UPDATE sends SET consecutive_errors = ${consecutive} WHERE id = ${send.id}`);
      if (paused)
        await repo.moveSend(tx, send.id, ['sending'], {
          status: 'paused',
          pauseReason: `Paused after ${consecutive} errors in a row: check the mail server, then resume`,
        });
    });
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
