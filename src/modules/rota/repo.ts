import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { introductions, introLinks, rotaSlots } from './schema.js';

/** A rota slot row. */
export type Slot = typeof rotaSlots.$inferSelect;
/** A submitted introduction row. */
export type Introduction = typeof introductions.$inferSelect;

/** Every slot, by month. */
export async function listSlots(db: Db): Promise<Slot[]> {
  return db.select().from(rotaSlots).orderBy(asc(rotaSlots.month));
}

/** The slot of a month (YYYY-MM-01). */
export async function slotFor(db: Db, month: string): Promise<Slot | undefined> {
  const [row] = await db.select().from(rotaSlots).where(eq(rotaSlots.month, month));
  return row;
}

/** Slots from a month on, by month. */
export async function slotsFrom(db: Db, month: string): Promise<Slot[]> {
  return db
    .select()
    .from(rotaSlots)
    .where(sql`${rotaSlots.month} >= ${month}`)
    .orderBy(asc(rotaSlots.month));
}

/** A person's slots, by month. */
export async function slotsOf(db: Db, personId: number): Promise<Slot[]> {
  return db.select().from(rotaSlots).where(eq(rotaSlots.personId, personId)).orderBy(asc(rotaSlots.month));
}

/** Creates or replaces the slot of a month. */
export async function upsertSlot(
  db: Db,
  values: {
    month: string;
    personId: number | null;
    authorName: string;
    organisationName: string | null;
    source?: 'rota' | 'import';
    deadline?: string | null;
  },
): Promise<void> {
  await db
    .insert(rotaSlots)
    .values({ ...values, source: values.source ?? 'rota' })
    .onConflictDoUpdate({
      target: rotaSlots.month,
      set: {
        personId: values.personId,
        authorName: values.authorName,
        organisationName: values.organisationName,
        source: values.source ?? 'rota',
        updatedAt: new Date(),
        ...(values.deadline !== undefined ? { deadline: values.deadline } : {}),
      },
    });
}

/** Adds a slot only if the month has none (imports never overwrite the rota). */
export async function insertSlotIfMissing(
  db: Db,
  values: { month: string; personId: number | null; authorName: string; organisationName: string | null },
): Promise<boolean> {
  const rows = await db
    .insert(rotaSlots)
    .values({ ...values, source: 'import' })
    .onConflictDoNothing({ target: rotaSlots.month })
    .returning({ id: rotaSlots.id });
  return rows.length > 0;
}

/** Sets who writes a month's slot, keeping its deadline. */
export async function setSlotAuthor(db: Db, id: number, values: Pick<Slot, 'personId' | 'authorName' | 'organisationName'>): Promise<void> {
  await db
    .update(rotaSlots)
    .set({ ...values, source: 'rota', updatedAt: new Date() })
    .where(eq(rotaSlots.id, id));
}

/** Sets a slot's copy deadline (null for the default). */
export async function setDeadline(db: Db, month: string, deadline: string | null): Promise<void> {
  await db.update(rotaSlots).set({ deadline, updatedAt: new Date() }).where(eq(rotaSlots.month, month));
}

/** Deletes a month's slot. */
export async function deleteSlot(db: Db, month: string): Promise<void> {
  await db.delete(rotaSlots).where(eq(rotaSlots.month, month));
}

/** Stores a personal link to the introduction form. */
export async function insertLink(db: Db, values: typeof introLinks.$inferInsert): Promise<void> {
  await db.insert(introLinks).values(values);
}

/** The live link with this hash. */
export async function liveLink(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select()
    .from(introLinks)
    .where(and(eq(introLinks.tokenHash, tokenHash), gt(introLinks.expiresAt, now)));
  return row;
}

/** Stores a submitted introduction. */
export async function insertIntroduction(db: Db, values: typeof introductions.$inferInsert): Promise<number> {
  const [row] = await db.insert(introductions).values(values).returning({ id: introductions.id });
  return row!.id;
}

/** The newest introduction submitted for a month. */
export async function latestIntroduction(db: Db, month: string): Promise<Introduction | undefined> {
  const [row] = await db.select().from(introductions).where(eq(introductions.month, month)).orderBy(desc(introductions.id)).limit(1);
  return row;
}

/** One submitted introduction. */
export async function getIntroduction(db: Db, id: number): Promise<Introduction | undefined> {
  const [row] = await db.select().from(introductions).where(eq(introductions.id, id));
  return row;
}

/** Introductions not yet placed in an edition, oldest first. */
export async function waitingIntroductions(db: Db): Promise<Introduction[]> {
  return db.select().from(introductions).where(eq(introductions.status, 'submitted')).orderBy(asc(introductions.id));
}

/** Marks an introduction placed. */
export async function markPlaced(db: Db, id: number): Promise<void> {
  await db.update(introductions).set({ status: 'placed', placedAt: new Date() }).where(eq(introductions.id, id));
}

/** True when a reminder (with its personal link) has gone to this person for this month. */
export async function wasReminded(db: Db, month: string, personId: number): Promise<boolean> {
  const rows = await db
    .select({ id: introLinks.id })
    .from(introLinks)
    .where(and(eq(introLinks.month, month), eq(introLinks.personId, personId)))
    .limit(1);
  return rows.length > 0;
}

/** The months (YYYY-MM-01) that have at least one introduction submitted: one query for a whole rota. */
export async function monthsWithIntroductions(db: Db): Promise<Set<string>> {
  const rows = await db.selectDistinct({ month: introductions.month }).from(introductions);
  return new Set(rows.map((r) => r.month));
}
