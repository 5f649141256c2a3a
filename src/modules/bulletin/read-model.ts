import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { settings } from '../../platform/db/schema.js';
import { NotFoundError } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import { authorise } from '../../policy.js';
import { bulletinSettings, type BulletinSettings } from './public.js';
import { editions, items, sections } from './schema.js';

// What other modules may read of the bulletin: mailing reads an edition here, never bulletin's repo or presenter. The
// email edition is the edition's own Markdown and plain fields (no web HTML rendered), read in three queries.

/** An edition as mailing needs to show and send it: who it is, its text as Markdown, and the network's settings. */
export interface EmailEdition {
  id: number;
  slug: string;
  title: string;
  status: string;
  introBody: string;
  introAuthor: string | null;
  introOrganisation: string | null;
  introSignOff: string | null;
  /** "Next month X will be writing this introduction.", unless the author already wrote one. */
  handoffLine: string | null;
  hasIntro: boolean;
  sections: Array<{ heading: string | null; items: Array<{ heading: string | null; body: string }> }>;
  settings: BulletinSettings;
}

/** An edition's name and status: what the editors' send pages show about it. */
export interface EditionSummary {
  id: number;
  slug: string;
  title: string;
  status: string;
}

const SETTING_KEYS = ['forwardingNote', 'feedbackEmail', 'mailingListUrl'] as const;

/** The hand-off sentence the edition ends its introduction with, unless the author already wrote one into their text. */
export function handoffLine(e: { introBody: string; handoffAuthor: string | null; handoffOrganisation: string | null }): string | null {
  return e.handoffAuthor && !/next month/i.test(e.introBody) && !e.introBody.includes(e.handoffAuthor)
    ? `Next month ${e.handoffAuthor}${e.handoffOrganisation ? ` from ${e.handoffOrganisation}` : ''} will be writing this introduction.`
    : null;
}

async function summary(db: Db, id: number): Promise<EditionSummary> {
  const [row] = await db
    .select({ id: editions.id, slug: editions.slug, title: editions.title, status: editions.status })
    .from(editions)
    .where(eq(editions.id, id));
  if (!row) throw new NotFoundError('Edition');
  return row;
}

/** An edition's name and status for an editor (one query). */
export async function emailEditionSummary(db: Db, actor: Actor, id: number): Promise<EditionSummary> {
  authorise(actor, 'bulletin.edit');
  return summary(db, id);
}

/** The bulletin settings in one query (the stored ones; the defaults are filled in only while some were never saved). */
async function settingsOnce(db: Db): Promise<BulletinSettings> {
  const rows = await db
    .select()
    .from(settings)
    .where(inArray(settings.key, SETTING_KEYS.map((k) => `bulletin.${k}`)));
  if (rows.length < SETTING_KEYS.length) return bulletinSettings(db);
  return Object.fromEntries(rows.map((r) => [r.key.slice('bulletin.'.length), r.value])) as unknown as BulletinSettings;
}

/** The edition as mailing renders it into an email, whatever its status (the sender's view; no actor). */
export async function emailEdition(db: Db, id: number): Promise<EmailEdition> {
  const [e] = await db.select().from(editions).where(eq(editions.id, id));
  if (!e) throw new NotFoundError('Edition');
  const [rows, site] = await Promise.all([
    db
      .select({ sectionId: sections.id, sectionHeading: sections.heading, heading: items.heading, body: items.body })
      .from(sections)
      .leftJoin(items, eq(items.sectionId, sections.id))
      .where(eq(sections.editionId, id))
      .orderBy(asc(sections.position), asc(sections.id), asc(items.position), asc(items.id)),
    settingsOnce(db),
  ]);
  const out: EmailEdition['sections'] = [];
  let last: number | undefined;
  for (const r of rows) {
    if (r.sectionId !== last) out.push({ heading: r.sectionHeading, items: [] });
    last = r.sectionId;
    if (r.body !== null) out[out.length - 1]!.items.push({ heading: r.heading, body: r.body });
  }
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    status: e.status,
    introBody: e.introBody,
    introAuthor: e.introAuthor,
    introOrganisation: e.introOrganisation,
    introSignOff: e.introSignOff,
    handoffLine: handoffLine(e),
    hasIntro: Boolean(e.introBody.trim()),
    sections: out,
    settings: site,
  };
}

/** The email edition for an editor's preview (the same as the sender's, after the editor check). */
export async function emailEditionForEditor(db: Db, actor: Actor, id: number): Promise<EmailEdition> {
  authorise(actor, 'bulletin.edit');
  return emailEdition(db, id);
}
