import nodemailer, { type Transporter } from 'nodemailer';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { JobQueue, type WorkOutcome } from '../jobs/queue.js';
import { enqueue, type Job } from '../jobs/repo.js';
import { mailMessages } from './schema.js';

/** A message to send: both parts are required, so every email has text and HTML. */
export interface OutgoingMail {
  to: string;
  cc?: string | null;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
  /** A calendar invitation (text/calendar), e.g. METHOD:REQUEST for a deadline. */
  ical?: { method: string; content: string; filename: string };
  /**
   * Secrets in the message (a sign-in token and code, a personal link's token): the stored copy loses them once SMTP
   * has taken the message, so neither the outbox page nor a database leak shows a live link. The dev outbox keeps them.
   */
  secrets?: string[];
}

/** What a secret becomes in the stored copy of a delivered message. */
export const REDACTED = '[removed once sent]';

/** A message's parts with every secret replaced, for storing or showing once the live copy is no longer needed. */
export function redactMessage<T extends { textBody: string; htmlBody: string; headers: Record<string, string> }>(
  message: T,
  secrets: readonly string[] | null | undefined,
): T {
  // Short strings could match innocent text; every secret Baton makes is at least a six-digit code.
  const live = (secrets ?? []).filter((s) => s.length >= 6);
  if (!live.length) return message;
  const strip = (s: string) => live.reduce((acc, secret) => acc.split(secret).join(REDACTED), s);
  return {
    ...message,
    textBody: strip(message.textBody),
    htmlBody: strip(message.htmlBody),
    headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, strip(v)])),
  };
}

/** The kind of job that delivers one email over SMTP. */
export const MAIL_JOB = 'mail.send';

/** Options for the mailer. */
export interface MailerOptions {
  db: Db;
  smtpUrl?: string;
  from: string;
  /** Called for each message kept in the dev outbox (the server logs its links). */
  onOutbox?: (mail: OutgoingMail) => void;
  /** Attempts at a temporary refusal before the message is given up (default 8). */
  maxAttempts?: number;
  /** The process's job queue, which delivers the mail; without one the mailer runs a queue of its own. */
  queue?: JobQueue;
}

type Row = typeof mailMessages.$inferSelect;

/**
 * Writes emails as rows in the caller's transaction, each with a job on the one queue (platform/jobs) that delivers it
 * over SMTP, or keeps them in the dev outbox. Claiming, retries with backoff and giving up are the queue's.
 */
export class Mailer {
  private transport?: Transporter;
  private readonly jobs: JobQueue;
  private running?: Promise<unknown>;
  private timer?: NodeJS.Timeout;
  private again = false;

  constructor(private readonly opts: MailerOptions) {
    this.jobs = opts.queue ?? new JobQueue(opts.db);
    if (opts.smtpUrl) {
      this.transport = nodemailer.createTransport(opts.smtpUrl);
      // Only a process that can reach SMTP takes mail jobs; one without leaves them to one that can.
      this.jobs.work(MAIL_JOB, async (job) => this.deliver(job), {
        maxAttempts: opts.maxAttempts ?? 8,
        onFail: async (tx, job, failure) => this.failed(tx, job, failure),
      });
    }
  }

  /** True when mail goes to SMTP; false when it stays in the development outbox. */
  get usesSmtp(): boolean {
    return Boolean(this.transport);
  }

  /** Records a message and its delivery job in the given transaction; it is sent after the transaction commits. */
  async queue(tx: Db, mail: OutgoingMail): Promise<void> {
    const [row] = await tx
      .insert(mailMessages)
      .values({
        toAddress: mail.to,
        ccAddress: mail.cc ?? null,
        subject: mail.subject,
        textBody: mail.text,
        htmlBody: mail.html,
        headers: mail.headers ?? {},
        ical: mail.ical ?? null,
        secrets: this.transport && mail.secrets?.length ? mail.secrets : null,
        status: this.transport ? 'queued' : 'outbox',
      })
      .returning({ id: mailMessages.id });
    if (this.transport) await enqueue(tx, { kind: MAIL_JOB, key: `mail:${row!.id}`, runAt: new Date(), payload: { messageId: row!.id } });
    else this.opts.onOutbox?.(mail);
  }

  /** Delivers due messages now, in the background; safe to call often. */
  kick(): void {
    if (!this.transport) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue()
      .catch(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the delivery in progress, if any (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Polls for due messages every interval when the mailer runs its own queue (the process's queue polls by itself). */
  start(intervalMs = 5000): void {
    if (!this.transport || this.timer || this.opts.queue) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling, waits for the delivery in progress and, for its own queue, ends that queue's lease. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
    if (!this.opts.queue) await this.jobs.stop();
    this.transport?.close();
  }

  /** Runs the due mail jobs once, here and now; answers how many were delivered or given up. */
  async deliverDue(): Promise<number> {
    if (!this.transport) return 0;
    const report = await this.jobs.runJobs(new Date(), undefined, [MAIL_JOB]);
    return report.done;
  }

  /** The columns that replace a row's bodies once its secrets are no longer needed. */
  private redacted(row: Row) {
    if (!row.secrets?.length) return {};
    const { textBody, htmlBody, headers } = redactMessage(row, row.secrets);
    return { textBody, htmlBody, headers, secrets: null };
  }

  /** One mail job: hands the message to SMTP outside any transaction; a temporary refusal throws, for the queue to retry. */
  private async deliver(job: Job): Promise<WorkOutcome> {
    const [row] = await this.opts.db
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.id, Number(job.payload.messageId)));
    if (!row || row.status !== 'queued') return; // delivered, or given up, already
    try {
      await this.transport!.sendMail({
        from: this.opts.from,
        to: row.toAddress,
        cc: row.ccAddress ?? undefined,
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
        headers: row.headers,
        ...(row.ical ? { icalEvent: row.ical } : {}),
      });
    } catch (err) {
      if (((err as { responseCode?: number }).responseCode ?? 0) < 500) throw err;
      // Refused for good: retrying cannot help, and a message never sent needs its secrets no more than one that was.
      const lastError = String((err as Error).message).slice(0, 500);
      return { finish: async (tx) => this.record(tx, row, { status: 'failed', lastError }) };
    }
    return { finish: async (tx) => this.record(tx, row, { status: 'sent', sentAt: new Date(), lastError: null }) };
  }

  private async record(tx: Db, row: Row, values: Partial<typeof mailMessages.$inferInsert>): Promise<void> {
    await tx
      .update(mailMessages)
      .set({ ...values, attempts: sql`${mailMessages.attempts} + 1`, ...this.redacted(row) })
      .where(eq(mailMessages.id, row.id));
  }

  /** A failed attempt, in the transaction the queue records it in: queued for the retry, or failed when it was the last. */
  private async failed(tx: Db, job: Job, failure: { error: string; dead: boolean }): Promise<void> {
    const [row] = await tx
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.id, Number(job.payload.messageId)));
    if (!row) return;
    await tx
      .update(mailMessages)
      .set({
        status: failure.dead ? 'failed' : 'queued',
        lastError: failure.error.slice(0, 500),
        attempts: sql`${mailMessages.attempts} + 1`,
        ...(failure.dead ? this.redacted(row) : {}),
      })
      .where(eq(mailMessages.id, row.id));
  }
}
