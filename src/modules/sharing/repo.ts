import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { shares, type ShareStatus } from './schema.js';

/** A submission row. */
export type Share = typeof shares.$inferSelect;

/** Inserts a submission. */
export async function insertShare(db: Db, v: typeof shares.$inferInsert): Promise<Share> {
  return (await db.insert(shares).values(v).returning())[0]!;
}

/** One submission. */
export async function getShare(db: Db, id: number): Promise<Share | undefined> {
  return (await db.select().from(shares).where(eq(shares.id, id)))[0];
}

/** Submissions, newest first, optionally of one status. */
export async function listShares(db: Db, status?: ShareStatus): Promise<Share[]> {
  const q = db.select().from(shares);
  return (status ? q.where(eq(shares.status, status)) : q).orderBy(desc(shares.createdAt), desc(shares.id));
}

/** Changes a submission. */
export async function updateShare(db: Db, id: number, v: Partial<typeof shares.$inferInsert>): Promise<void> {
  await db.update(shares).set({ ...v, updatedAt: new Date() }).where(eq(shares.id, id));
}
