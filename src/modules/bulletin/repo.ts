import { and, asc, count, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { attachments, comments, editions, items, sections } from './schema.js';

/** An edition row without its search vector. */
export type Edition = Omit<typeof editions.$inferSelect, 'search' | 'searchText'>;
/** A section row. */
export type Section = typeof sections.$inferSelect;
/** An item row. */
export type Item = typeof items.$inferSelect;
/** An attachment without its bytes. */
export type AttachmentMeta = Omit<typeof attachments.$inferSelect, 'data'>;
/** An edition with its sections, items and attachments, in order. */
export interface EditionTree {
  edition: Edition;
  sections: Array<Section & { items: Array<Item & { attachments: AttachmentMeta[] }> }>;
}

const editionColumns = {
  id: editions.id,
  slug: editions.slug,
  title: editions.title,
  month: editions.month,
  status: editions.status,
  publishAt: editions.publishAt,
  publishedAt: editions.publishedAt,
  introPersonId: editions.introPersonId,
  introAuthor: editions.introAuthor,
  introOrganisation: editions.introOrganisation,
  introBody: editions.introBody,
  introSignOff: editions.introSignOff,
  handoffAuthor: editions.handoffAuthor,
  handoffOrganisation: editions.handoffOrganisation,
  sourceHash: editions.sourceHash,
  viewCount: editions.viewCount,
  createdAt: editions.createdAt,
  updatedAt: editions.updatedAt,
};

const attachmentMeta = {
  id: attachments.id,
  itemId: attachments.itemId,
  filename: attachments.filename,
  contentType: attachments.contentType,
  size: attachments.size,
  createdAt: attachments.createdAt,
};

/** Inserts an edition and returns it. */
export async function insertEdition(db: Db, values: Omit<typeof editions.$inferInsert, 'search'>): Promise<Edition> {
  const [row] = await db
    .insert(editions)
    .values(values as typeof editions.$inferInsert)
    .returning(editionColumns);
  return row!;
}

/** Updates an edition's own fields. */
export async function updateEdition(db: Db, id: number, values: Partial<typeof editions.$inferInsert>): Promise<void> {
  await db
    .update(editions)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(editions.id, id));
}

/** Deletes an edition with everything in it. */
export async function deleteEdition(db: Db, id: number): Promise<void> {
  await db.delete(editions).where(eq(editions.id, id));
}

/** One edition by id. */
export async function getEdition(db: Db, id: number): Promise<Edition | undefined> {
  const [row] = await db.select(editionColumns).from(editions).where(eq(editions.id, id));
  return row;
}

/** One edition by slug. */
export async function getEditionBySlug(db: Db, slug: string): Promise<Edition | undefined> {
  const [row] = await db.select(editionColumns).from(editions).where(eq(editions.slug, slug));
  return row;
}

/** The edition imported from a source with this hash, if any. */
export async function getEditionBySourceHash(db: Db, hash: string): Promise<Edition | undefined> {
  const [row] = await db.select(editionColumns).from(editions).where(eq(editions.sourceHash, hash));
  return row;
}

/** Whether a slug is taken. */
export async function slugExists(db: Db, slug: string): Promise<boolean> {
  const [row] = await db.select({ id: editions.id }).from(editions).where(eq(editions.slug, slug));
  return Boolean(row);
}

/** Every edition for the editors, newest month first. */
export async function listAllEditions(db: Db, limit = 200): Promise<Edition[]> {
  return db.select(editionColumns).from(editions).orderBy(desc(editions.month), desc(editions.id)).limit(limit);
}

/** Editions of one month (YYYY-MM-DD, the first of the month). */
export async function editionsOfMonth(db: Db, month: string): Promise<Edition[]> {
  return db.select(editionColumns).from(editions).where(eq(editions.month, month)).orderBy(desc(editions.id));
}

/** Editions from a month (YYYY-MM-DD) on. */
export async function editionsFrom(db: Db, month: string): Promise<Edition[]> {
  return db
    .select(editionColumns)
    .from(editions)
    .where(sql`${editions.month} >= ${month}`)
    .orderBy(asc(editions.month));
}

/** The newest edition before a month, for "start from last month". */
export async function latestEditionBefore(db: Db, month: string): Promise<Edition | undefined> {
  const [row] = await db
    .select(editionColumns)
    .from(editions)
    .where(sql`${editions.month} < ${month}`)
    .orderBy(desc(editions.month), desc(editions.id))
    .limit(1);
  return row;
}

/** A page of published editions, newest first, with the total. */
export async function pagePublished(db: Db, opts: { limit: number; offset: number }) {
  const where = eq(editions.status, 'published');
  const [rows, [total]] = await Promise.all([
    db
      .select(editionColumns)
      .from(editions)
      .where(where)
      .orderBy(desc(editions.month), desc(editions.id))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(editions).where(where),
  ]);
  return { rows, total: total!.n };
}

/** Sections, items and attachment names of an edition, in order. */
export async function loadTree(db: Db, edition: Edition): Promise<EditionTree> {
  const secs = await db.select().from(sections).where(eq(sections.editionId, edition.id)).orderBy(asc(sections.position), asc(sections.id));
  const ids = secs.map((s) => s.id);
  const its = ids.length
    ? await db.select().from(items).where(inArray(items.sectionId, ids)).orderBy(asc(items.position), asc(items.id))
    : [];
  const itemIds = its.map((i) => i.id);
  const atts = itemIds.length
    ? await db.select(attachmentMeta).from(attachments).where(inArray(attachments.itemId, itemIds)).orderBy(asc(attachments.id))
    : [];
  return {
    edition,
    sections: secs.map((s) => ({
      ...s,
      items: its.filter((i) => i.sectionId === s.id).map((i) => ({ ...i, attachments: atts.filter((a) => a.itemId === i.id) })),
    })),
  };
}

/** Inserts a section at the end of an edition. */
export async function appendSection(db: Db, editionId: number, values: { heading: string | null; standing?: boolean }): Promise<Section> {
  const [row] = await db
    .insert(sections)
    .values({
      editionId,
      heading: values.heading,
      standing: values.standing ?? false,
      position: sql`(SELECT coalesce(max(position), 0) + 1 FROM sections WHERE edition_id = ${editionId})`,
    })
    .returning();
  return row!;
}

/** One section. */
export async function getSection(db: Db, id: number): Promise<Section | undefined> {
  const [row] = await db.select().from(sections).where(eq(sections.id, id));
  return row;
}

/** Updates a section. */
export async function updateSection(
  db: Db,
  id: number,
  values: Partial<Pick<Section, 'heading' | 'standing' | 'position'>>,
): Promise<void> {
  await db.update(sections).set(values).where(eq(sections.id, id));
}

/** Deletes a section and its items. */
export async function deleteSection(db: Db, id: number): Promise<void> {
  await db.delete(sections).where(eq(sections.id, id));
}

/** The neighbouring section in a direction, to swap places with. */
export async function neighbourSection(db: Db, s: Section, dir: 'up' | 'down'): Promise<Section | undefined> {
  const [row] = await db
    .select()
    .from(sections)
    .where(
      and(
        eq(sections.editionId, s.editionId),
        dir === 'up' ? sql`${sections.position} < ${s.position}` : gt(sections.position, s.position),
      ),
    )
    .orderBy(dir === 'up' ? desc(sections.position) : asc(sections.position))
    .limit(1);
  return row;
}

/** Inserts an item at the end of a section. */
export async function appendItem(db: Db, sectionId: number, values: { heading: string | null; body: string }): Promise<Item> {
  const [row] = await db
    .insert(items)
    .values({ sectionId, ...values, position: sql`(SELECT coalesce(max(position), 0) + 1 FROM items WHERE section_id = ${sectionId})` })
    .returning();
  return row!;
}

/** One item with the edition it belongs to. */
export async function getItem(db: Db, id: number): Promise<(Item & { editionId: number }) | undefined> {
  const [row] = await db
    .select({
      id: items.id,
      sectionId: items.sectionId,
      position: items.position,
      heading: items.heading,
      body: items.body,
      editionId: sections.editionId,
    })
    .from(items)
    .innerJoin(sections, eq(items.sectionId, sections.id))
    .where(eq(items.id, id));
  return row;
}

/** Updates an item. */
export async function updateItem(
  db: Db,
  id: number,
  values: Partial<Pick<Item, 'heading' | 'body' | 'position' | 'sectionId'>>,
): Promise<void> {
  await db.update(items).set(values).where(eq(items.id, id));
}

/** Deletes an item. */
export async function deleteItem(db: Db, id: number): Promise<void> {
  await db.delete(items).where(eq(items.id, id));
}

/** The neighbouring item in a direction within its section. */
export async function neighbourItem(db: Db, it: Item, dir: 'up' | 'down'): Promise<Item | undefined> {
  const [row] = await db
    .select()
    .from(items)
    .where(and(eq(items.sectionId, it.sectionId), dir === 'up' ? sql`${items.position} < ${it.position}` : gt(items.position, it.position)))
    .orderBy(dir === 'up' ? desc(items.position) : asc(items.position))
    .limit(1);
  return row;
}

/** Stores an attachment. */
export async function insertAttachment(db: Db, values: typeof attachments.$inferInsert): Promise<number> {
  const [row] = await db.insert(attachments).values(values).returning({ id: attachments.id });
  return row!.id;
}

/** An attachment with its bytes and the edition it belongs to. */
export async function getAttachment(db: Db, id: number) {
  const [row] = await db
    .select({ ...attachmentMeta, data: attachments.data, editionId: sections.editionId })
    .from(attachments)
    .innerJoin(items, eq(attachments.itemId, items.id))
    .innerJoin(sections, eq(items.sectionId, sections.id))
    .where(eq(attachments.id, id));
  return row;
}

/** Deletes an attachment. */
export async function deleteAttachment(db: Db, id: number): Promise<void> {
  await db.delete(attachments).where(eq(attachments.id, id));
}

/** Rebuilds an edition's search text and vector from everything it shows. */
export async function reindex(db: Db, editionId: number, text: string): Promise<void> {
  await db
    .update(editions)
    .set({ searchText: text, search: sql`to_tsvector('english', ${text})` })
    .where(eq(editions.id, editionId));
}

/** Publishes every scheduled edition whose time has come; returns their ids (atomic, so two processes publish each once). */
export async function publishDue(db: Db, now: Date): Promise<Array<{ id: number; title: string }>> {
  return db
    .update(editions)
    .set({ status: 'published', publishedAt: sql`coalesce(${editions.publishAt}, now())`, updatedAt: new Date() })
    .where(and(eq(editions.status, 'scheduled'), lte(editions.publishAt, now)))
    .returning({ id: editions.id, title: editions.title });
}

/** Full-text search over published editions, best first, with highlighted snippets between \u0001 and \u0002. */
export async function searchPublished(db: Db, q: string, opts: { limit: number; offset: number }) {
  const query = sql`websearch_to_tsquery('english', ${q})`;
  const rows = (await db.execute(sql`
    SELECT id, slug, title, month, ts_rank(search, ${query}) AS rank,
      ts_headline('english', search_text, ${query}, 'StartSel=\u0001, StopSel=\u0002, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
      search_text AS text, count(*) OVER () AS total
    FROM editions
    WHERE status = 'published' AND search @@ ${query}
    ORDER BY rank DESC, month DESC
    LIMIT ${opts.limit} OFFSET ${opts.offset}`)) as unknown as {
    rows: Array<{ id: number; slug: string; title: string; month: string; snippet: string; text: string; total: string | number }>;
  };
  return { rows: rows.rows, total: Number(rows.rows[0]?.total ?? 0) };
}

/** Inserts a comment. */
export async function insertComment(db: Db, values: typeof comments.$inferInsert): Promise<number> {
  const [row] = await db.insert(comments).values(values).returning({ id: comments.id });
  return row!.id;
}

/** Approved comments of an edition, oldest first. */
export function approvedComments(db: Db, editionId: number) {
  return db
    .select()
    .from(comments)
    .where(and(eq(comments.editionId, editionId), eq(comments.status, 'approved')))
    .orderBy(asc(comments.id));
}

/** Comments waiting for an editor, with their edition's title. */
export function pendingComments(db: Db) {
  return db
    .select({
      id: comments.id,
      authorName: comments.authorName,
      body: comments.body,
      createdAt: comments.createdAt,
      editionTitle: editions.title,
      editionSlug: editions.slug,
    })
    .from(comments)
    .innerJoin(editions, eq(comments.editionId, editions.id))
    .where(eq(comments.status, 'pending'))
    .orderBy(asc(comments.id));
}

/** Records an editor's decision on a pending comment; returns its edition, or undefined if it was not pending. */
export async function decideComment(db: Db, id: number, status: 'approved' | 'rejected') {
  const [row] = await db
    .update(comments)
    .set({ status, decidedAt: new Date() })
    .where(and(eq(comments.id, id), eq(comments.status, 'pending')))
    .returning({ editionId: comments.editionId });
  return row;
}

/** Approved-comment counts for editions. */
export async function commentCounts(db: Db, editionIds: number[]): Promise<Map<number, number>> {
  if (!editionIds.length) return new Map();
  const rows = await db
    .select({ editionId: comments.editionId, n: count() })
    .from(comments)
    .where(and(inArray(comments.editionId, editionIds), eq(comments.status, 'approved')))
    .groupBy(comments.editionId);
  return new Map(rows.map((r) => [r.editionId, r.n]));
}

/** Adds views counted in memory to an edition's total. */
export async function addViews(db: Db, slug: string, n: number): Promise<void> {
  await db
    .update(editions)
    .set({ viewCount: sql`${editions.viewCount} + ${n}` })
    .where(eq(editions.slug, slug));
}

/** The attachments of one item, without their bytes, in the order they were added. */
export async function attachmentsOfItem(db: Db, itemId: number): Promise<AttachmentMeta[]> {
  return db.select(attachmentMeta).from(attachments).where(eq(attachments.itemId, itemId)).orderBy(asc(attachments.id));
}

/** How many items a section holds. */
export async function countItems(db: Db, sectionId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(items).where(eq(items.sectionId, sectionId));
  return row?.n ?? 0;
}

/** Replaces an attachment's file, keeping its id (and so its links). */
export async function replaceAttachment(
  db: Db,
  id: number,
  values: Pick<typeof attachments.$inferInsert, 'filename' | 'contentType' | 'size' | 'data'>,
): Promise<void> {
  await db.update(attachments).set(values).where(eq(attachments.id, id));
}
