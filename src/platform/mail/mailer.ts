import nodemailer, { type Transporter } from 'nodemailer';
import { and, eq, lte, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.js';
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

/** Options for the mailer. */
export interface MailerOptions {
  db: Db;
  smtpUrl?: string;
  from: string;
  /** Called for each message kept in the dev outbox (the server logs its links). */
  onOutbox?: (mail: OutgoingMail) => void;
  maxAttempts?: number;
}

type Row = typeof mailMessages.$inferSelect;

/** Writes emails as rows in the caller's transaction and delivers them over SMTP, or keeps them in the dev outbox. */
export class Mailer {
  private transport?: Transporter;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private again = false;

  constructor(private readonly opts: MailerOptions) {
    if (opts.smtpUrl) this.transport = nodemailer.createTransport(opts.smtpUrl);
  }

  /** True when mail goes to SMTP; false when it stays in the development outbox. */
  get usesSmtp(): boolean {
    return Boolean(this.transport);
  }

  /** Records a message in the given transaction; it is sent after the transaction commits (call kick). */
  async queue(tx: Db, mail: OutgoingMail): Promise<void> {
    await tx.insert(mailMessages).values({
      toAddress: mail.to,
      ccAddress: mail.cc ?? null,
      subject: mail.subject,
      textBody: mail.text,
      htmlBody: mail.html,
      headers: mail.headers ?? {},
      ical: mail.ical ?? null,
      secrets: this.transport && mail.secrets?.length ? mail.secrets : null,
      status: this.transport ? 'queued' : 'outbox',
    });
    if (!this.transport) this.opts.onOutbox?.(mail);
  }

  /** Delivers due messages now, in the background; safe to call often. */
  kick(): void {
    if (!this.transport) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue()
      .then(
        () => undefined,
        () => undefined,
      )
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

  /** Polls for due messages every interval, so nothing queued before a crash is left behind. */
  start(intervalMs = 5000): void {
    if (!this.transport || this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and waits for the delivery in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
    this.transport?.close();
  }

  /** Claims due messages with SKIP LOCKED (two processes never take the same row) and sends them. */
  async deliverDue(batch = 20): Promise<number> {
    if (!this.transport) return 0;
    const { db } = this.opts;
    // A message left 'sending' by a crashed process goes back to the queue after ten minutes.
    await db
      .update(mailMessages)
      .set({ status: 'queued' })
      .where(and(eq(mailMessages.status, 'sending'), lte(mailMessages.nextAttemptAt, sql`now() - interval '10 minutes'`)));
    let total = 0;
    for (;;) {
      const claimed = await queryRows(
        db,
        sql`
        UPDATE mail_messages SET status = 'sending', attempts = attempts + 1, next_attempt_at = now()
        WHERE id IN (SELECT id FROM mail_messages WHERE status = 'queued' AND next_attempt_at <= now()
                     ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING id, to_address, cc_address, subject, text_body, html_body, headers, ical, secrets, attempts`,
      );
      if (claimed.length === 0) return total;
      for (const row of claimed) await this.sendOne(row);
      total += claimed.length;
    }
  }

  /** The columns that replace a claimed row's bodies once its secrets are no longer needed. */
  private redacted(row: Record<string, unknown>) {
    const secrets = row.secrets as string[] | null;
    if (!secrets?.length) return {};
    const { textBody, htmlBody, headers } = redactMessage(
      { textBody: row.text_body as string, htmlBody: row.html_body as string, headers: row.headers as Record<string, string> },
      secrets,
    );
    return { textBody, htmlBody, headers, secrets: null };
  }

  private async sendOne(row: Record<string, unknown>): Promise<void> {
    const { db } = this.opts;
    const id = row.id as Row['id'];
    try {
      await this.transport!.sendMail({
        from: this.opts.from,
        to: row.to_address as string,
        cc: (row.cc_address as string | null) ?? undefined,
        subject: row.subject as string,
        text: row.text_body as string,
        html: row.html_body as string,
        headers: row.headers as Record<string, string>,
        ...(row.ical ? { icalEvent: row.ical as { method: string; content: string; filename: string } } : {}),
      });
      await db
        .update(mailMessages)
        .set({ status: 'sent', sentAt: new Date(), lastError: null, ...this.redacted(row) })
        .where(eq(mailMessages.id, id));
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode ?? 0;
      const attempts = row.attempts as number;
      const permanent = code >= 500 || attempts >= (this.opts.maxAttempts ?? 8);
      await db
        .update(mailMessages)
        .set({
          status: permanent ? 'failed' : 'queued',
          lastError: String((err as Error).message).slice(0, 500),
          nextAttemptAt: new Date(Date.now() + 30_000 * attempts * attempts),
          // A message that will never be sent needs its secrets no more than one that was.
          ...(permanent ? this.redacted(row) : {}),
        })
        .where(eq(mailMessages.id, id));
    }
  }
}
