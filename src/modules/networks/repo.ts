import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { networkComments, networkDocuments, networkMembers, networks } from './schema.js';

/** A network row. */
export type Network = typeof networks.$inferSelect;
/** A document row. */
export type NetworkDocument = typeof networkDocuments.$inferSelect;

/** Inserts a network. */
export async function insertNetwork(db: Db, v: typeof networks.$inferInsert): Promise<Network> {
  return (await db.insert(networks).values(v).returning())[0]!;
}

/** One network. */
export async function getNetwork(db: Db, id: number): Promise<Network | undefined> {
  return (await db.select().from(networks).where(eq(networks.id, id)))[0];
}

/** Every network by name. */
export async function listNetworks(db: Db): Promise<Network[]> {
  return db.select().from(networks).orderBy(asc(networks.name));
}

/** Adds a member (once). */
export async function addMember(db: Db, networkId: number, personId: number): Promise<void> {
  await db.insert(networkMembers).values({ networkId, personId }).onConflictDoNothing();
}

/** The ids of a network's members. */
export async function memberIds(db: Db, networkId: number): Promise<number[]> {
  return (await db.select({ id: networkMembers.personId }).from(networkMembers).where(eq(networkMembers.networkId, networkId))).map((r) => r.id);
}

/** Inserts a document. */
export async function insertDocument(db: Db, v: typeof networkDocuments.$inferInsert): Promise<NetworkDocument> {
  return (await db.insert(networkDocuments).values(v).returning())[0]!;
}

/** One document. */
export async function getDocument(db: Db, id: number): Promise<NetworkDocument | undefined> {
  return (await db.select().from(networkDocuments).where(eq(networkDocuments.id, id)))[0];
}

/** Documents whose comment deadline is still ahead. */
export async function openDocuments(db: Db, now: Date): Promise<NetworkDocument[]> {
  return db.select().from(networkDocuments).where(gt(networkDocuments.deadline, now));
}

/** Inserts a comment. */
export async function insertComment(db: Db, v: typeof networkComments.$inferInsert) {
  return (await db.insert(networkComments).values(v).returning())[0]!;
}

/** A document's comments, oldest first. */
export async function commentsOf(db: Db, documentId: number) {
  return db.select().from(networkComments).where(eq(networkComments.documentId, documentId)).orderBy(asc(networkComments.id));
}

/** True when the person has commented on the document. */
export async function hasCommented(db: Db, documentId: number, personId: number): Promise<boolean> {
  const rows = await db.select({ id: networkComments.id }).from(networkComments).where(and(eq(networkComments.documentId, documentId), eq(networkComments.personId, personId))).limit(1);
  return rows.length > 0;
}
