import { inTransaction, type Db } from '../../platform/db/client.js';
import { getSetting, setSetting, bumpContentVersion } from '../../platform/db/settings.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import { escapeHtml } from '../../platform/http/escape.js';
import type { Actor } from '../../platform/actor.js';
import { can, authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import * as repo from './repo.js';
import { plainSnippet } from './snippet.js';
import { commentInput } from './validation.js';
import { cleanString, emailAddress, requiredText } from '../../platform/validation.js';
import { z } from 'zod';

/** Archive page size. */
export const ARCHIVE_PER_PAGE = 12;

/** A page of the archive with the most recent editions alongside. */
export async function archive(db: Db, page: number) {
  const [{ rows, total }, recent] = await Promise.all([
    repo.pagePublished(db, { limit: ARCHIVE_PER_PAGE, offset: (page - 1) * ARCHIVE_PER_PAGE }),
    repo.pagePublished(db, { limit: 5, offset: 0 }),
  ]);
  const counts = await repo.commentCounts(
    db,
    rows.map((r) => r.id),
  );
  return { editions: rows.map((e) => ({ ...e, comments: counts.get(e.id) ?? 0 })), total, recent: recent.rows };
}

/** A published edition by slug with its approved comments; editors may also see unpublished ones here. */
export async function editionBySlug(db: Db, actor: Actor, slug: string) {
  const edition = await repo.getEditionBySlug(db, slug);
  if (!edition || (edition.status !== 'published' && !can(actor, 'bulletin.edit'))) throw new NotFoundError('Edition');
  const [tree, comments, recent] = await Promise.all([
    repo.loadTree(db, edition),
    repo.approvedComments(db, edition.id),
    repo.pagePublished(db, { limit: 5, offset: 0 }),
  ]);
  return { ...tree, comments, recent: recent.rows };
}

/** Ranked full-text search over published editions, with plain-text snippets whose matches are marked and everything else escaped. */
export async function search(db: Db, q: string, page: number, perPage = 10) {
  const query = q.trim().slice(0, 200);
  if (!query) return { query, rows: [], total: 0 };
  const { rows, total } = await repo.searchPublished(db, query, { limit: perPage, offset: (page - 1) * perPage });
  return {
    query,
    total,
    rows: rows.map(({ text, ...r }) => ({
      ...r,
      snippetHtml: escapeHtml(plainSnippet(r.snippet, text))
        .replace(/\u0001/g, '<mark>')
        .replace(/\u0002/g, '</mark>'),
    })),
  };
}

/** The newest published editions with their contents, for the feed. */
export async function feedEditions(db: Db, limit = 20) {
  const { rows } = await repo.pagePublished(db, { limit, offset: 0 });
  return Promise.all(rows.map((e) => repo.loadTree(db, e)));
}

/** Holds a signed-in member's comment for an editor's approval. */
export async function addComment(db: Db, actor: Actor, slug: string, input: z.input<typeof commentInput>): Promise<void> {
  authorise(actor, 'comment.create');
  const v = parseOrThrow(commentInput, input);
  const edition = await repo.getEditionBySlug(db, slug);
  if (!edition || edition.status !== 'published') throw new NotFoundError('Edition');
  await inTransaction(db, async (tx) => {
    const id = await repo.insertComment(tx, {
      editionId: edition.id,
      personId: actor.id,
      authorName: actor.label.replace(/ <.*>$/, ''),
      body: v.body,
    });
    await recordAudit(tx, actor, {
      action: 'comment.create',
      entityType: 'comment',
      entityId: id,
      summary: `Comment on ${edition.title} held for approval`,
    });
  });
}

/** Comments waiting for approval. */
export async function pendingComments(db: Db, actor: Actor) {
  authorise(actor, 'comment.moderate');
  return repo.pendingComments(db);
}

/** Approves or rejects a pending comment. */
export async function decideComment(db: Db, actor: Actor, id: number, decision: 'approved' | 'rejected'): Promise<void> {
  authorise(actor, 'comment.moderate');
  await inTransaction(db, async (tx) => {
    const row = await repo.decideComment(tx, id, decision);
    if (!row) throw new ValidationError([{ field: 'comment', message: 'That comment has already been decided' }]);
    await bumpContentVersion(tx);
    await recordAudit(tx, actor, { action: `comment.${decision}`, entityType: 'comment', entityId: id, summary: `Comment ${decision}` });
  });
}

/** An attachment for download: anyone for a published edition, editors for any. */
export async function attachmentFor(db: Db, actor: Actor, id: number) {
  const a = await repo.getAttachment(db, id);
  if (!a) throw new NotFoundError('Attachment');
  const edition = await repo.getEdition(db, a.editionId);
  if (edition?.status !== 'published' && !can(actor, 'bulletin.edit')) throw new NotFoundError('Attachment');
  return a;
}

/** What every edition shows around its content: the forwarding note, where to send feedback, how to join the list. */
export interface BulletinSettings {
  forwardingNote: string;
  feedbackEmail: string;
  mailingListUrl: string;
}

const DEFAULTS: BulletinSettings = {
  forwardingNote:
    'This Regional Update is circulated electronically to directors, assistant directors and heads of service. You are welcome to forward it to colleagues where appropriate; secondary recipients should raise any queries about it, its attachments or links with the person who forwarded it to them, rather than the Regional Network Team.',
  feedbackEmail: 'network@baton.localhost',
  mailingListUrl: '/subscribe',
};

/** The bulletin settings form. */
export const settingsInput = z.object({
  forwardingNote: requiredText(2000, 'Enter the note on forwarding', { multiline: true }),
  feedbackEmail: emailAddress(),
  mailingListUrl: cleanString()
    .trim()
    .min(1, 'Enter a link')
    .max(500)
    .refine((v) => /^(https?:\/\/|\/)/.test(v), 'Enter a link starting with https:// or /'),
});

/** The network's bulletin settings, with defaults for those not yet set. */
export async function bulletinSettings(db: Db): Promise<BulletinSettings> {
  const entries = await Promise.all(
    (Object.keys(DEFAULTS) as Array<keyof BulletinSettings>).map(
      async (k) => [k, (await getSetting(db, `bulletin.${k}`)) ?? DEFAULTS[k]] as const,
    ),
  );
  return Object.fromEntries(entries) as unknown as BulletinSettings;
}

/** Changes the bulletin settings every edition shows. */
export async function saveBulletinSettings(db: Db, actor: Actor, input: z.input<typeof settingsInput>): Promise<void> {
  authorise(actor, 'bulletin.publish');
  const v = parseOrThrow(settingsInput, input);
  await inTransaction(db, async (tx) => {
    for (const [k, value] of Object.entries(v)) await setSetting(tx, `bulletin.${k}`, value);
    await bumpContentVersion(tx);
    await recordAudit(tx, actor, {
      action: 'bulletin.settings',
      entityType: 'settings',
      summary: 'Changed the bulletin settings',
      data: v,
    });
  });
}
