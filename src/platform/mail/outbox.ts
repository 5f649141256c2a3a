import { count, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { redactMessage } from './mailer.js';
import { mailMessages } from './schema.js';

/** A page of messages, newest first, with the total. */
export async function listMessages(db: Db, opts: { limit: number; offset: number }) {
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: mailMessages.id,
        toAddress: mailMessages.toAddress,
        ccAddress: mailMessages.ccAddress,
        subject: mailMessages.subject,
        status: mailMessages.status,
        createdAt: mailMessages.createdAt,
        sentAt: mailMessages.sentAt,
        lastError: mailMessages.lastError,
      })
      .from(mailMessages)
      .orderBy(desc(mailMessages.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(mailMessages),
  ]);
  return { rows, total: total!.n };
}

/** One message, whole, except secrets of a message still waiting for SMTP: an admin never sees someone else's live link. */
export async function getMessage(db: Db, id: number) {
  const [row] = await db.select().from(mailMessages).where(eq(mailMessages.id, id));
  return row && redactMessage(row, row.secrets);
}
