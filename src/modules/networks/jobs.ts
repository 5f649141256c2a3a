import type { Db } from '../../platform/db/client.js';
import { enqueue, type Job, type JobRegistry } from '../../platform/jobs/scheduler.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { paths } from '../../platform/http/paths.js';
import { personForAuth } from '../directory/service.js';
import * as repo from './repo.js';

/** How long before a comment deadline members who have not commented are reminded. */
export const REMINDER_DAYS = 3;

/** What the reminder needs from the process. */
export interface NetworkJobContext {
  mailer: Mailer;
  baseUrl: string;
  networkName: string;
}

/** Enqueues one reminder per open document, 3 days before its deadline; the key makes it once however often this runs. */
export async function planCommentReminders(db: Db, now: Date): Promise<void> {
  for (const doc of await repo.openDocuments(db, now)) {
    await enqueue(db, {
      kind: 'networks.commentReminder',
      key: `networks:reminder:${doc.id}:${doc.deadline.toISOString()}`,
      runAt: new Date(doc.deadline.getTime() - REMINDER_DAYS * 86_400_000),
      payload: { documentId: doc.id },
    });
  }
}

/** Emails the members who have not yet commented, while comments are still open. */
export function commentReminderHandler(ctx: NetworkJobContext) {
  return async (tx: Db, job: Job, now: Date): Promise<void> => {
    const doc = await repo.getDocument(tx, (job.payload as { documentId: number }).documentId);
    if (!doc || now >= doc.deadline) return;
    const network = await repo.getNetwork(tx, doc.networkId);
    for (const personId of await repo.memberIds(tx, doc.networkId)) {
      if (await repo.hasCommented(tx, doc.id, personId)) continue;
      const person = await personForAuth(tx, personId);
      if (!person) continue;
      const url = `${ctx.baseUrl}${paths.networkDocument(doc.id)}`;
      const { text, html } = renderSimpleEmail({
        heading: `Your comments on ${doc.title}`,
        paragraphs: [`Dear ${person.name},`, `${network?.name ?? 'Your network'} asked for comments on ${doc.title} by ${doc.deadline.toUTCString()}. There is still time to add yours.`],
        action: { label: 'Read and comment', url },
        footer: ctx.networkName,
      });
      await ctx.mailer.queue(tx, { to: person.email, subject: `Reminder: comments on ${doc.title} close soon`, text, html });
    }
  };
}

/** The networks' background work: the comment reminder. */
export function registerNetworkJobs(jobs: JobRegistry, ctx: NetworkJobContext): void {
  jobs.plan('network comment reminders', planCommentReminders).handle('networks.commentReminder', commentReminderHandler(ctx));
}
