import { z } from 'zod';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { bumpContentVersion } from '../../platform/db/settings.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import { markdownToText } from '../../platform/text/markdown.js';
import type { Actor } from '../../platform/actor.js';
import { recordAudit } from '../audit/service.js';
import { getPerson } from '../directory/service.js';
import { DEFAULT_SIGN_OFF } from './sign-off.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import { editionInput, editionPatch, scheduleInput, type EditionInput } from './validation.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2023-04" as "April 2023". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-');
  return `${MONTHS[Number(m) - 1]} ${y}`;
}

/** A URL-safe slug of a title. */
export function slugify(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'edition'
  );
}

async function uniqueSlug(tx: Db, title: string): Promise<string> {
  const base = slugify(title);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await repo.slugExists(tx, slug))) return slug;
  }
}

/** Rebuilds the search index of an edition and marks content changed; every write path ends with this. */
export async function touchEdition(tx: Db, editionId: number): Promise<void> {
  const edition = await repo.getEdition(tx, editionId);
  if (!edition) return;
  const tree = await repo.loadTree(tx, edition);
  const parts = [
    edition.title,
    edition.introAuthor ?? '',
    edition.introOrganisation ?? '',
    markdownToText(edition.introBody),
    ...tree.sections.flatMap((s) => [s.heading ?? '', ...s.items.flatMap((i) => [i.heading ?? '', markdownToText(i.body)])]),
  ];
  await repo.reindex(tx, editionId, parts.filter(Boolean).join('\n\n'));
  await bumpContentVersion(tx);
}

/** Extra fields the importer sets on a new edition. */
export interface ImportFields {
  sourceHash?: string;
  handoffAuthor?: string | null;
  handoffOrganisation?: string | null;
  publish?: boolean;
}

/** Creates an edition with its introduction and sections; returns its id and slug. */
export async function createEdition(db: Db, actor: Actor, input: z.input<typeof editionInput>, extra: ImportFields = {}): Promise<{ id: number; slug: string }> {
  authorise(actor, 'bulletin.edit');
  if (extra.publish) authorise(actor, 'bulletin.publish');
  const v: EditionInput = parseOrThrow(editionInput, input);
  return inTransaction(db, async (tx) => {
    const slug = await uniqueSlug(tx, v.title);
    const edition = await repo.insertEdition(tx, {
      slug,
      title: v.title,
      month: `${v.month}-01`,
      introAuthor: v.introduction?.author ?? null,
      introOrganisation: v.introduction?.organisation ?? null,
      introPersonId: v.introduction?.personId ?? null,
      introBody: v.introduction?.body ?? '',
      introSignOff: v.introduction?.signOff ?? null,
      sourceHash: extra.sourceHash ?? null,
      handoffAuthor: extra.handoffAuthor ?? null,
      handoffOrganisation: extra.handoffOrganisation ?? null,
      ...(extra.publish ? { status: 'published' as const, publishedAt: new Date(`${v.month}-01T09:00:00Z`) } : {}),
    });
    await writeSections(tx, edition.id, v.sections);
    await touchEdition(tx, edition.id);
    await recordAudit(tx, actor, {
      action: 'edition.create',
      entityType: 'edition',
      entityId: edition.id,
      summary: `Created edition ${v.title}`,
      data: { slug, month: v.month, sections: v.sections.length },
    });
    return { id: edition.id, slug };
  });
}

async function writeSections(tx: Db, editionId: number, sections: EditionInput['sections']) {
  for (const s of sections) {
    const section = await repo.appendSection(tx, editionId, { heading: s.heading, standing: s.standing });
    const items = s.items ?? (s.body !== undefined ? [{ heading: null, body: s.body }] : []);
    for (const it of items) await repo.appendItem(tx, section.id, { heading: it.heading, body: it.body });
  }
}

type IntroPatch = NonNullable<z.output<typeof editionPatch>['introduction']>;

/**
 * The directory is the one source of truth for a chosen author: choosing a person (a new one, or with the name left
 * blank) fills the name and organisation from their directory entry, and the sign-off with "Best wishes" if none is given.
 */
async function withAuthorFromDirectory(db: Db, actor: Actor, before: repo.Edition, intro: IntroPatch): Promise<IntroPatch> {
  if (!intro.personId) return intro;
  const changed = intro.personId !== before.introPersonId;
  if (!changed && intro.author && intro.organisation !== null) return { ...intro, signOff: intro.signOff || DEFAULT_SIGN_OFF };
  const person = await getPerson(db, actor, intro.personId);
  return {
    ...intro,
    author: changed || !intro.author ? person.name : intro.author,
    organisation: changed || !intro.organisation ? person.organisationName : intro.organisation,
    signOff: intro.signOff || DEFAULT_SIGN_OFF,
  };
}

/** Changes an edition's title, month or introduction; `sections`, if given, replaces all sections. */
export async function updateEdition(db: Db, actor: Actor, id: number, input: z.input<typeof editionPatch>): Promise<repo.Edition> {
  authorise(actor, 'bulletin.edit');
  const v = parseOrThrow(editionPatch, input);
  // The directory is read before the transaction: PGlite has one connection, which the transaction holds.
  const current = await repo.getEdition(db, id);
  if (!current) throw new NotFoundError('Edition');
  const intro = v.introduction && (await withAuthorFromDirectory(db, actor, current, v.introduction));
  return inTransaction(db, async (tx) => {
    const before = await repo.getEdition(tx, id);
    if (!before) throw new NotFoundError('Edition');
    await repo.updateEdition(tx, id, {
      ...(v.title !== undefined ? { title: v.title } : {}),
      ...(v.month !== undefined ? { month: `${v.month}-01` } : {}),
      ...(intro?.author !== undefined ? { introAuthor: intro.author } : {}),
      ...(intro?.organisation !== undefined ? { introOrganisation: intro.organisation } : {}),
      ...(intro?.personId !== undefined ? { introPersonId: intro.personId } : {}),
      ...(intro?.body !== undefined ? { introBody: intro.body } : {}),
      ...(intro?.signOff !== undefined ? { introSignOff: intro.signOff } : {}),
    });
    if (v.sections) {
      for (const s of (await repo.loadTree(tx, before)).sections) await repo.deleteSection(tx, s.id);
      await writeSections(tx, id, v.sections);
    }
    await touchEdition(tx, id);
    await recordAudit(tx, actor, {
      action: 'edition.update',
      entityType: 'edition',
      entityId: id,
      summary: `Changed edition ${before.title}: ${Object.keys(v).join(', ')}`,
      data: v,
    });
    return (await repo.getEdition(tx, id))!;
  });
}

/** One edition with its contents, for editors (any status). */
export async function editionForEditor(db: Db, actor: Actor, id: number): Promise<repo.EditionTree> {
  authorise(actor, 'bulletin.edit');
  const edition = await repo.getEdition(db, id);
  if (!edition) throw new NotFoundError('Edition');
  return repo.loadTree(db, edition);
}

/** Every edition, for the editors' list. */
export async function editionsForEditor(db: Db, actor: Actor) {
  authorise(actor, 'bulletin.edit');
  return repo.listAllEditions(db);
}

/** The editions an item could be moved to: every edition but this one, newest first (id and title). */
export async function otherEditions(db: Db, actor: Actor, id: number): Promise<Array<{ id: number; title: string }>> {
  authorise(actor, 'bulletin.edit');
  return (await repo.listAllEditions(db)).filter((e) => e.id !== id).map((e) => ({ id: e.id, title: e.title }));
}

type Transition = 'review' | 'publish' | 'unpublish' | 'draft';

/** Moves an edition through the workflow: draft → ready for review → scheduled → published, and back. */
export async function transition(db: Db, actor: Actor, id: number, to: Transition | { schedule: z.input<typeof scheduleInput> }): Promise<repo.Edition> {
  const publishing = to === 'publish' || to === 'unpublish' || typeof to === 'object';
  authorise(actor, publishing ? 'bulletin.publish' : 'bulletin.edit');
  const publishAt = typeof to === 'object' ? parseOrThrow(scheduleInput, to.schedule).publishAt : undefined;
  return inTransaction(db, async (tx) => {
    const e = await repo.getEdition(tx, id);
    if (!e) throw new NotFoundError('Edition');
    let values: Parameters<typeof repo.updateEdition>[2];
    let label: string;
    if (to === 'review') [values, label] = [{ status: 'review' }, 'marked ready for review'];
    else if (to === 'draft') [values, label] = [{ status: 'draft', publishAt: null }, 'returned to draft'];
    else if (to === 'publish')
      [values, label] = [{ status: 'published', publishedAt: e.publishedAt ?? new Date(), publishAt: null }, 'published'];
    else if (to === 'unpublish') {
      if (e.status !== 'published') throw new ValidationError([{ field: 'status', message: 'This edition is not published' }]);
      [values, label] = [{ status: 'draft', publishAt: null }, 'unpublished'];
    } else [values, label] = [{ status: 'scheduled', publishAt }, `scheduled for ${publishAt!.toISOString()}`];
    await repo.updateEdition(tx, id, values);
    await bumpContentVersion(tx);
    await recordAudit(tx, actor, {
      action: `edition.${typeof to === 'object' ? 'schedule' : to}`,
      entityType: 'edition',
      entityId: id,
      summary: `${e.title} ${label}`,
    });
    return (await repo.getEdition(tx, id))!;
  });
}

/** Publishes scheduled editions whose time has come (run by the ticker and by `jobs run`). */
export async function publishDueEditions(db: Db, actor: Actor, now = new Date()): Promise<number> {
  return inTransaction(db, async (tx) => {
    const done = await repo.publishDue(tx, now);
    for (const e of done)
      await recordAudit(tx, actor, {
        action: 'edition.publish',
        entityType: 'edition',
        entityId: e.id,
        summary: `${e.title} published as scheduled`,
      });
    if (done.length) await bumpContentVersion(tx);
    return done.length;
  });
}

/** Deletes an edition that is not published. */
export async function deleteEdition(db: Db, actor: Actor, id: number): Promise<void> {
  authorise(actor, 'bulletin.edit');
  await inTransaction(db, async (tx) => {
    const e = await repo.getEdition(tx, id);
    if (!e) throw new NotFoundError('Edition');
    if (e.status === 'published') throw new ValidationError([{ field: 'status', message: 'Unpublish the edition before deleting it' }]);
    await repo.deleteEdition(tx, id);
    await bumpContentVersion(tx);
    await recordAudit(tx, actor, { action: 'edition.delete', entityType: 'edition', entityId: id, summary: `Deleted edition ${e.title}` });
  });
}

const previousInput = editionInput.pick({ title: true, month: true }).extend({ withItems: z.boolean().default(false) });

/** What starting from last month did: the edition made, and the standing sections copied from which edition. */
export interface Started {
  id: number;
  slug: string;
  /** The edition the standing sections came from (none when there was no earlier edition). */
  from?: { title: string };
  copied: string[];
  items: number;
}

/** Starts a new edition with the headings of the latest earlier edition's standing sections (and their items if asked). */
export async function startFromPrevious(db: Db, actor: Actor, input: z.input<typeof previousInput>): Promise<Started> {
  const { withItems, ...v } = parseOrThrow(previousInput, input);
  const previous = await repo.latestEditionBefore(db, `${v.month}-01`);
  const standing = previous ? (await repo.loadTree(db, previous)).sections.filter((s) => s.standing) : [];
  const sections = standing.map((s) => ({
    heading: s.heading,
    standing: true,
    items: withItems ? s.items.map((i) => ({ heading: i.heading, body: i.body })) : [],
  }));
  const made = await createEdition(db, actor, { ...v, sections });
  return {
    ...made,
    from: previous ? { title: previous.title } : undefined,
    copied: standing.map((s) => s.heading ?? '(untitled)'),
    items: sections.reduce((n, s) => n + s.items.length, 0),
  };
}

/** Refuses a month that already has an edition (other than `except`), naming the edition there. */
export async function refuseTakenMonth(db: Db, month: string, except?: number): Promise<void> {
  const clash = (await repo.editionsOfMonth(db, `${month}-01`)).find((e) => e.id !== except);
  if (clash)
    throw new ValidationError([
      { field: 'month', message: `There is already an edition for ${monthLabel(month)} (${clash.title}): open that one, or choose another month` },
    ]);
}

/** The sentence that tells an editor what starting from last month's standing sections did. */
export function startedNotice(title: string, s: Started): string {
  if (!s.from) return `Created ${title}. There was no earlier edition, so there were no standing sections to copy`;
  if (!s.copied.length) return `Created ${title}. ${s.from.title} had no standing sections, so there were none to copy`;
  const items = s.items ? ` with their ${s.items} item${s.items === 1 ? '' : 's'}` : ' (headings only)';
  return `Created ${title} with ${s.copied.length} standing section${s.copied.length === 1 ? '' : 's'} from ${s.from.title}${items}: ${s.copied.join(', ')}`;
}

/** Each edition's month, introduction author and recorded hand-off, for the rota (from a month on, if given). */
export async function editionAuthors(db: Db, fromMonth?: string) {
  const all = fromMonth ? await repo.editionsFrom(db, `${fromMonth}-01`) : await repo.listAllEditions(db, 100_000);
  return all.map((e) => ({
    id: e.id,
    month: e.month.slice(0, 7),
    status: e.status,
    author: e.introAuthor,
    organisation: e.introOrganisation,
    personId: e.introPersonId,
    handoff: e.handoffAuthor ? { author: e.handoffAuthor, organisation: e.handoffOrganisation } : null,
  }));
}

/** Records who writes next month's introduction on the editions of a month, so their introduction ends with the hand-off line. */
export async function setHandoff(db: Db, month: string, handoff: { author: string; organisation: string | null } | null): Promise<number> {
  let changed = 0;
  for (const e of await repo.editionsOfMonth(db, `${month}-01`)) {
    if (e.handoffAuthor === (handoff?.author ?? null) && e.handoffOrganisation === (handoff?.organisation ?? null)) continue;
    await inTransaction(db, async (tx) => {
      await repo.updateEdition(tx, e.id, { handoffAuthor: handoff?.author ?? null, handoffOrganisation: handoff?.organisation ?? null });
      await touchEdition(tx, e.id);
    });
    changed++;
  }
  return changed;
}

/** Puts a submitted introduction into the edition of its month, starting that edition if there is none yet. */
export async function placeIntroduction(
  db: Db,
  actor: Actor,
  intro: { month: string; author: string; organisation: string | null; personId: number | null; body: string },
): Promise<number> {
  authorise(actor, 'bulletin.edit');
  const existing = (await repo.editionsOfMonth(db, `${intro.month}-01`)).find((e) => e.status !== 'published');
  const id =
    existing?.id ?? (await createEdition(db, actor, { title: `Regional Update – ${monthLabel(intro.month)}`, month: intro.month })).id;
  await updateEdition(db, actor, id, {
    introduction: {
      author: intro.author,
      organisation: intro.organisation,
      personId: intro.personId,
      body: intro.body,
      signOff: 'Best wishes',
    },
  });
  return id;
}

/** An edition with its contents for the email of a send (no permission check: the send was authorised when made). */
export async function editionTreeForSend(db: Db, id: number): Promise<repo.EditionTree> {
  const edition = await repo.getEdition(db, id);
  if (!edition) throw new NotFoundError('Edition');
  return repo.loadTree(db, edition);
}
