import { z } from 'zod';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow, type FieldIssue } from '../../platform/errors.js';
import { CsvExport } from '../../platform/csv.js';
import type { SubscriptionStatus } from './schema.js';
import type { Actor } from '../../platform/actor.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { paths } from '../../platform/http/paths.js';
import { recordAudit, recordUnsubscribe } from '../audit/service.js';
import { authorise } from '../../policy.js';
import { hashToken, newToken, signParts, verifyParts } from '../auth/tokens.js';
import { emailField } from '../directory/validation.js';
import { idField, optionalLine, optionalText, requiredLine } from '../../platform/validation.js';
import * as repo from './repo.js';

/** Who a subscription change came from, for the consent record. */
export type ConsentSource = 'form' | 'confirm-link' | 'one-click' | 'unsubscribe-page' | 'editor' | 'api' | 'import';

const optional200 = optionalText(200);

/** A subscriber as the join form, the editors and the API describe one. */
export const subscriberInput = z.object({
  email: emailField,
  name: optionalLine(200),
  role: optional200,
  organisation: optional200,
});

/** A new mailing list: its name, what the join page says about it, and who may join. */
export const listInput = z.object({
  name: requiredLine(100, 'Enter a name'),
  description: optional200,
  public: z.boolean().default(true),
  requiresApproval: z.boolean().default(false),
});
/** A new list as callers give it. */
export type ListInput = z.input<typeof listInput>;

/** Creates a mailing list. */
export async function createList(db: Db, actor: Actor, input: ListInput): Promise<repo.MailingList> {
  authorise(actor, 'mailing.manage');
  const v = parseOrThrow(listInput, input);
  if (await repo.findList(db, v.name)) throw new ValidationError([{ field: 'name', message: `A list called ${v.name} already exists` }]);
  return inTransaction(db, async (tx) => {
    const list = await repo.insertList(tx, v);
    await recordAudit(tx, actor, {
      action: 'list.create',
      entityType: 'mailing_list',
      entityId: list.id,
      summary: `Created mailing list ${v.name}`,
    });
    return list;
  });
}

/** The lists anyone may ask to join. */
export async function publicLists(db: Db) {
  return (await repo.listsWithCounts(db)).filter((l) => l.public);
}

/** True when an email address is an active member of at least one of the lists (who may book an event, for example). */
export async function memberOfAnyList(db: Db, email: string, listIds: number[]): Promise<boolean> {
  return (await repo.activeListsOf(db, email, listIds)).length > 0;
}

/** The names of public lists by id, in the order given (for saying who an event is for); private and unknown ids are left out. */
export async function publicListNamesOf(db: Db, listIds: number[]): Promise<string[]> {
  if (!listIds.length) return [];
  const byId = new Map((await repo.listsWithCounts(db)).filter((l) => l.public).map((l) => [l.id, l.name]));
  return listIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/** Every list with counts, for editors. */
export async function allLists(db: Db, actor: Actor) {
  authorise(actor, 'mailing.manage');
  return repo.listsWithCounts(db);
}

/** What joining needs to send the confirmation email. */
export interface JoinContext {
  db: Db;
  mailer: Mailer;
  baseUrl: string;
  networkName: string;
}

/** Asks to join a list: records the request and emails a confirmation link (double opt-in); the answer never reveals who is subscribed. */
export async function requestJoin(ctx: JoinContext, input: unknown): Promise<void> {
  const v = parseOrThrow(subscriberInput.extend({ list: idField('Choose a list') }), input);
  const list = await repo.getList(ctx.db, v.list);
  if (!list || !list.public) throw new ValidationError([{ field: 'list', message: 'Choose a list' }]);
  await inTransaction(ctx.db, async (tx) => {
    const subscriberId = await repo.upsertSubscriber(tx, { email: v.email, name: v.name, role: v.role, organisation: v.organisation });
    const status = await repo.subscriptionStatus(tx, list.id, subscriberId);
    if (status === 'active' || status === 'awaiting_approval') return;
    await repo.setSubscription(tx, list.id, subscriberId, 'unconfirmed');
    await repo.recordConsent(tx, { subscriberId, listId: list.id, action: 'request', source: 'form' });
    const token = newToken();
    await repo.insertConfirmToken(tx, {
      tokenHash: hashToken(token),
      listId: list.id,
      subscriberId,
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
    });
    const { text, html } = renderSimpleEmail({
      heading: `Confirm you want to join ${list.name}`,
      paragraphs: [
        `Someone (we hope you) asked to add this address to the ${list.name} mailing list of the ${ctx.networkName}.`,
        'To confirm, open the link and press the button. The link works for 7 days.',
      ],
      action: { label: 'Confirm', url: `${ctx.baseUrl}${paths.subscribeConfirm(token)}` },
      after: ['If you did not ask, ignore this email: you will not be added.'],
      footer: ctx.networkName,
    });
    await ctx.mailer.queue(tx, { to: v.email, subject: `Confirm you want to join ${list.name}`, text, html, secrets: [token] });
  });
  ctx.mailer.kick();
}

/** The list a live confirmation link is for, without using it (mail scanners open links). */
export async function confirmationFor(db: Db, token: string) {
  const row = await repo.liveConfirmToken(db, hashToken(token));
  return row ? repo.getList(db, row.listId) : undefined;
}

/** Confirms a subscription from the emailed link: active at once, or waiting for an editor where the list asks for approval. */
export async function confirmJoin(
  db: Db,
  token: string,
): Promise<{ list: repo.MailingList; status: 'active' | 'awaiting_approval' } | null> {
  return inTransaction(db, async (tx) => {
    const row = await repo.useConfirmToken(tx, hashToken(token));
    if (!row) return null;
    const list = (await repo.getList(tx, row.listId))!;
    const status = list.requiresApproval ? 'awaiting_approval' : 'active';
    await repo.setSubscription(tx, list.id, row.subscriberId, status);
    await repo.recordConsent(tx, { subscriberId: row.subscriberId, listId: list.id, action: 'confirm', source: 'confirm-link' });
    return { list, status };
  });
}

/** A list for its editors' page (404 if there is none). */
export async function listForEditor(db: Db, actor: Actor, id: number): Promise<repo.MailingList> {
  authorise(actor, 'mailing.manage');
  const list = await repo.getList(db, id);
  if (!list) throw new NotFoundError('Mailing list');
  return list;
}

/** A page of a list's subscribers in one status (searched), and the requests waiting for approval. */
export async function listMembers(
  db: Db,
  actor: Actor,
  listId: number,
  opts: { status: SubscriptionStatus; q?: string; limit: number; offset: number },
) {
  authorise(actor, 'mailing.manage');
  const [subscribers, waiting] = await Promise.all([
    repo.listSubscribers(db, listId, opts),
    repo.listSubscribers(db, listId, { status: 'awaiting_approval', limit: 200, offset: 0 }),
  ]);
  return { subscribers, waiting: waiting.rows };
}

/** Every subscriber of a list in every status as CSV, read a page at a time. */
export async function subscribersCsv(db: Db, actor: Actor, listId: number): Promise<CsvExport> {
  authorise(actor, 'mailing.manage');
  const csv = new CsvExport(['email', 'name', 'role', 'organisation', 'status', 'since', 'bouncing']);
  for (const status of ['active', 'awaiting_approval', 'unconfirmed', 'unsubscribed'] as const) {
    for (let offset = 0; ; offset += 5000) {
      const page = await repo.listSubscribers(db, listId, { status, limit: 5000, offset });
      csv.add(page.rows.map((r) => [r.email, r.name, r.role, r.organisation, r.status, r.since, r.bouncing]));
      if (page.rows.length < 5000) break;
    }
  }
  return csv;
}

/** Approves or declines a confirmed request to join a list that needs approval. */
export async function decideJoin(db: Db, actor: Actor, listId: number, subscriberId: number, approve: boolean): Promise<void> {
  authorise(actor, 'mailing.manage');
  await inTransaction(db, async (tx) => {
    if ((await repo.subscriptionStatus(tx, listId, subscriberId)) !== 'awaiting_approval')
      throw new ValidationError([{ field: 'subscriber', message: 'That request has already been decided' }]);
    await repo.setSubscription(tx, listId, subscriberId, approve ? 'active' : 'unsubscribed');
    await repo.recordConsent(tx, { subscriberId, listId, action: approve ? 'approve' : 'decline', source: 'editor', detail: actor.label });
    await recordAudit(tx, actor, {
      action: approve ? 'subscription.approve' : 'subscription.decline',
      entityType: 'subscriber',
      entityId: subscriberId,
      summary: `${approve ? 'Approved' : 'Declined'} a request to join list ${listId}`,
    });
  });
}

/** The unsubscribe token of a subscriber on a list: signed, so it cannot be guessed or altered. */
export function unsubscribeToken(secret: string, subscriberId: number, listId: number): string {
  return signParts(secret, 'unsubscribe', [subscriberId, listId]);
}

/** Reads an unsubscribe token, or null if it is not one of ours. */
export function readUnsubscribeToken(secret: string, token: string): { subscriberId: number; listId: number } | null {
  const parts = verifyParts(secret, 'unsubscribe', token, 2);
  return parts ? { subscriberId: Number(parts[0]), listId: Number(parts[1]) } : null;
}

/** What the unsubscribe page shows: the list and the address. */
export async function unsubscribeTarget(db: Db, secret: string, token: string) {
  const t = readUnsubscribeToken(secret, token);
  if (!t) return null;
  const [list, subscriber] = await Promise.all([repo.getList(db, t.listId), repo.getSubscriber(db, t.subscriberId)]);
  if (!list || !subscriber) return null;
  return { list, subscriber, status: await repo.subscriptionStatus(db, list.id, subscriber.id) };
}

/** Unsubscribes at once (RFC 8058 one-click, or the page's button); doing it twice is harmless. */
export async function unsubscribe(db: Db, secret: string, token: string, source: ConsentSource): Promise<boolean> {
  const t = readUnsubscribeToken(secret, token);
  if (!t) return false;
  return inTransaction(db, async (tx) => {
    const status = await repo.subscriptionStatus(tx, t.listId, t.subscriberId);
    if (status === undefined) return false;
    if (status !== 'unsubscribed') {
      await repo.setSubscription(tx, t.listId, t.subscriberId, 'unsubscribed');
      await repo.recordConsent(tx, { subscriberId: t.subscriberId, listId: t.listId, action: 'unsubscribe', source });
      const [list, subscriber] = [await repo.getList(tx, t.listId), await repo.getSubscriber(tx, t.subscriberId)];
      await recordUnsubscribe(tx, { ...t, email: subscriber?.email ?? '', listName: list?.name ?? `list ${t.listId}`, source });
    }
    return true;
  });
}

const bulkInput = z.object({
  lists: z.array(requiredLine(100, 'Give a list name')).min(1, 'Name at least one list').max(20),
  subscribers: z.array(z.unknown()).min(1, 'Give at least one subscriber').max(10_000, 'At most 10,000 subscribers per call'),
});

/** Creates the named lists if new and adds or updates up to 10,000 subscribers as active; any bad row means nothing is applied. */
export async function upsertSubscribers(
  db: Db,
  actor: Actor,
  input: unknown,
  source: ConsentSource = 'api',
): Promise<{ lists: string[]; created: number; updated: number }> {
  authorise(actor, 'mailing.manage');
  const v = parseOrThrow(bulkInput, input);
  const issues: FieldIssue[] = [];
  const rows: Array<z.output<typeof subscriberInput>> = [];
  const seen = new Map<string, number>();
  v.subscribers.forEach((raw, index) => {
    const r = subscriberInput.safeParse(raw);
    if (!r.success) {
      for (const i of r.error.issues) issues.push({ field: `subscribers[${index}].${i.path.join('.') || '(row)'}`, message: i.message });
      return;
    }
    const dup = seen.get(r.data.email);
    if (dup !== undefined) issues.push({ field: `subscribers[${index}].email`, message: `${r.data.email} is also at index ${dup}` });
    seen.set(r.data.email, index);
    rows.push(r.data);
  });
  if (issues.length) throw new ValidationError(issues.slice(0, 100));
  return inTransaction(db, async (tx) => {
    const listIds: number[] = [];
    for (const name of v.lists) listIds.push((await repo.findList(tx, name))?.id ?? (await repo.insertList(tx, { name })).id);
    const { ids, created } = await repo.bulkUpsertSubscribers(tx, rows);
    const updated = rows.length - created;
    for (const listId of listIds) await repo.bulkActivate(tx, listId, ids, source, actor.label);
    await recordAudit(tx, actor, {
      action: 'subscribers.upsert',
      entityType: 'mailing_list',
      summary: `Added or updated ${rows.length} subscribers on ${v.lists.join(', ')}`,
      data: { created, updated },
    });
    return { lists: v.lists, created, updated };
  });
}
