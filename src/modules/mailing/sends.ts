import { CsvExport } from '../../platform/csv.js';
import { z } from 'zod';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { paths } from '../../platform/http/paths.js';
import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/service.js';
import { authorise } from '../../policy.js';
import { emailEditionForEditor, emailEditionSummary } from '../bulletin/read-model.js';
import { personForAuth } from '../directory/service.js';
import { personalise, renderEmailEdition } from './email.js';
import { dateTimeField, idField, requiredText } from '../../platform/validation.js';
import * as repo from './repo.js';
import { enqueueSend } from './jobs.js';

/** What "send again" may do when some of the recipients already have the edition. */
export const REPEAT_CHOICES = ['missing', 'everyone'] as const;

/** A send: the list, an optional segment of it and time, and (when sending again) who it goes to. */
export const sendInput = z.object({
  list: z.union([idField('Choose a list'), requiredText(100, 'Choose a list')], { error: 'Choose a list' }),
  segment: z
    .object({ roles: z.array(requiredText(100)).max(20).optional(), organisations: z.array(requiredText(200)).max(200).optional() })
    .default({}),
  scheduledAt: dateTimeField('Enter a date and time').optional().nullable(),
  /** "missing": only those who have not had the edition; "everyone": again to all of them. Needed only when sending again. */
  repeat: z.enum(REPEAT_CHOICES, { error: 'Choose who to send it to' }).optional(),
});
/** A send as callers give it (form, API, CLI). */
export type SendInput = z.input<typeof sendInput>;

/** What a send would do, for the confirm step: the edition, the list, how many people, and how many already have it. */
export interface SendPlan {
  edition: { id: number; title: string };
  list: repo.MailingList;
  segment: { roles?: string[]; organisations?: string[] };
  scheduledAt: Date | null;
  repeat: (typeof REPEAT_CHOICES)[number] | undefined;
  /** Everyone the list (and segment) would reach now. */
  recipients: number;
  /** Of those, how many have the edition already from another send (of any list or segment), or are due it. */
  alreadyHad: number;
}

/** Checks a send without making it: the confirm step shows this, and createSend refuses on the same checks. */
export async function planSend(db: Db, actor: Actor, editionId: number, input: SendInput): Promise<SendPlan> {
  authorise(actor, 'mailing.send');
  const v = parseOrThrow(sendInput, input);
  const edition = await emailEditionSummary(db, actor, editionId);
  if (edition.status !== 'published' && edition.status !== 'scheduled') {
    throw new ValidationError([
      { field: 'edition', message: 'Publish or schedule the edition before sending it: the email links to its web page' },
    ]);
  }
  const list = typeof v.list === 'number' ? await repo.getList(db, v.list) : await repo.findList(db, v.list);
  if (!list) throw new ValidationError([{ field: 'list', message: `No mailing list ${v.list}` }]);
  if (v.scheduledAt && v.scheduledAt.getTime() < Date.now() - 60_000)
    throw new ValidationError([{ field: 'scheduledAt', message: 'Choose a time in the future' }]);
  const segment = {
    ...(v.segment.roles?.length ? { roles: v.segment.roles } : {}),
    ...(v.segment.organisations?.length ? { organisations: v.segment.organisations } : {}),
  };
  const { recipients, alreadyHad } = await repo.audience(db, editionId, list.id, segment);
  return {
    edition: { id: edition.id, title: edition.title },
    list,
    segment,
    scheduledAt: v.scheduledAt ?? null,
    repeat: v.repeat,
    recipients,
    alreadyHad,
  };
}

/**
 * Queues an edition to a list (or a segment of it), now or at a time: its job starts it then (see sender.ts). When some
 * of its recipients already have the edition (through this list or another), it is refused unless `repeat` says
 * whether to send only to the others or again to everyone.
 */
export async function createSend(db: Db, actor: Actor, editionId: number, input: SendInput): Promise<repo.Send> {
  const plan = await planSend(db, actor, editionId, input);
  const { edition, list, scheduledAt } = plan;
  if (plan.alreadyHad > 0 && !plan.repeat) {
    throw new ValidationError([
      {
        field: 'repeat',
        message: `${plan.alreadyHad} of the ${plan.recipients} people on ${list.name} have already been sent ${edition.title}: choose to send only to those who have not had it, or again to everyone`,
      },
    ]);
  }
  const onlyNew = plan.repeat !== 'everyone';
  return inTransaction(db, async (tx) => {
    const send = await repo.insertSend(tx, {
      editionId,
      listId: list.id,
      segment: plan.segment,
      scheduledAt,
      onlyNew,
      createdBy: actor.label,
    });
    await enqueueSend(tx, send.id, scheduledAt ?? new Date());
    const who = plan.alreadyHad ? (onlyNew ? ', only to those who have not had it' : ', again to everyone') : '';
    await recordAudit(tx, actor, {
      action: 'send.create',
      entityType: 'send',
      entityId: send.id,
      summary: `${scheduledAt ? `Scheduled for ${scheduledAt.toISOString()}` : 'Queued'}: ${edition.title} to ${list.name}${who}`,
      data: { ...plan.segment, onlyNew },
    });
    return send;
  });
}

/** A send's progress: its status and counts. */
export async function progress(db: Db, actor: Actor, sendId: number) {
  authorise(actor, 'mailing.send');
  const send = await repo.getSend(db, sendId);
  if (!send) throw new NotFoundError('Send');
  const c = await repo.deliveryCounts(db, sendId);
  const sent = c.sent ?? 0;
  const failed = (c.failed ?? 0) + (c.bounced ?? 0);
  const list = await repo.getList(db, send.listId);
  return {
    send,
    listName: list?.name ?? '',
    status: send.status,
    total: send.total,
    sent,
    failed,
    bounced: c.bounced ?? 0,
    waiting: (c.pending ?? 0) + (c.sending ?? 0),
    percent: send.total ? Math.floor(((sent + failed) / send.total) * 100) : send.status === 'done' ? 100 : 0,
  };
}

const MOVES = {
  pause: { from: ['sending', 'queued'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  cancel: { from: ['queued', 'sending', 'paused'], to: 'cancelled' },
} as const;

/** Pauses, resumes or cancels a send; cancelling also stops every message not yet handed to SMTP. */
export async function controlSend(db: Db, actor: Actor, sendId: number, action: keyof typeof MOVES): Promise<void> {
  authorise(actor, 'mailing.send');
  const move = MOVES[action];
  await inTransaction(db, async (tx) => {
    const send = await repo.getSend(tx, sendId);
    if (!send) throw new NotFoundError('Send');
    // A paused send that never started goes back to the queue, so the worker still resolves its recipients.
    const to = action === 'resume' && !send.startedAt ? 'queued' : move.to;
    if (
      !(await repo.moveSend(tx, sendId, [...move.from], {
        status: to,
        pauseReason: action === 'pause' ? `Paused by ${actor.label}` : null,
        consecutiveErrors: 0,
        ...(action === 'cancel' ? { finishedAt: new Date() } : {}),
      }))
    ) {
      throw new ValidationError([
        {
          field: 'status',
          message: `A ${send.status} send cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}`,
        },
      ]);
    }
    if (action === 'resume') await enqueueSend(tx, sendId, send.scheduledAt && !send.startedAt ? send.scheduledAt : new Date());
    if (action === 'cancel')
      await tx.execute(sql`UPDATE deliveries SET status = 'cancelled' WHERE send_id = ${sendId} AND status = 'pending'`);
    await recordAudit(tx, actor, { action: `send.${action}`, entityType: 'send', entityId: sendId, summary: `Send ${sendId} ${to}` });
  });
}

/** Sends of an edition, newest first, for the editors' page. */
export async function sendsOfEdition(db: Db, actor: Actor, editionId: number) {
  authorise(actor, 'mailing.send');
  return repo.sendsOf(db, editionId);
}

/** Per-recipient statuses of a send, searchable. */
export async function deliveries(
  db: Db,
  actor: Actor,
  sendId: number,
  opts: { q?: string; status?: string; limit: number; offset: number },
) {
  authorise(actor, 'mailing.send');
  return repo.deliveriesOf(db, sendId, opts);
}

/** Per-recipient statuses of a send as CSV, read a page at a time. */
export async function deliveriesCsv(db: Db, actor: Actor, sendId: number): Promise<string> {
  authorise(actor, 'mailing.send');
  const out = new CsvExport(['email', 'name', 'status', 'attempts', 'sent_at', 'last_error']);
  for (let offset = 0; ; offset += 5000) {
    const rows = await repo.deliveriesOf(db, sendId, { limit: 5000, offset });
    out.add(rows.map((r) => [r.email, r.name, r.status, r.attempts, r.sentAt, r.lastError]));
    if (rows.length < 5000) return out.toString();
  }
}

/** The email edition as a recipient would see it, personalised for the signed-in editor. */
export async function emailPreview(db: Db, actor: Actor, editionId: number, opts: { baseUrl: string; networkName: string }) {
  const source = await emailEditionForEditor(db, actor, editionId);
  const rendered = await renderEmailEdition(source, { ...opts, webUrl: `${opts.baseUrl}${paths.viewInBrowser(source.slug)}` });
  const me = actor.id != null && actor.kind === 'person' ? await personForAuth(db, actor.id) : undefined;
  return {
    subject: rendered.subject,
    ...personalise(rendered, { name: me?.name ?? actor.label, unsubscribeUrl: `${opts.baseUrl}${paths.subscribe}` }),
    to: me?.email,
  };
}

/** Emails the edition to the signed-in editor, exactly as subscribers will get it. */
export async function sendTest(
  db: Db,
  actor: Actor,
  editionId: number,
  mailer: Mailer,
  opts: { baseUrl: string; networkName: string },
): Promise<string> {
  authorise(actor, 'mailing.send');
  const preview = await emailPreview(db, actor, editionId, opts);
  if (!preview.to) throw new ValidationError([{ field: 'to', message: 'Only a signed-in person can be sent a test' }]);
  await mailer.queue(db, { to: preview.to, subject: `[Test] ${preview.subject}`, html: preview.html, text: preview.text });
  mailer.kick();
  return preview.to;
}
