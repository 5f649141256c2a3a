import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { opportunities, opportunitySignups } from './schema.js';

/** An opportunity row. */
export type Opportunity = typeof opportunities.$inferSelect;

/** Inserts an opportunity. */
export async function insertOpportunity(db: Db, v: typeof opportunities.$inferInsert): Promise<Opportunity> {
  return (await db.insert(opportunities).values(v).returning())[0]!;
}

/** One opportunity. */
export async function getOpportunity(db: Db, id: number): Promise<Opportunity | undefined> {
  return (await db.select().from(opportunities).where(eq(opportunities.id, id)))[0];
}

/** Every opportunity, soonest closing first. */
export async function listOpportunities(db: Db): Promise<Opportunity[]> {
  return db.select().from(opportunities).orderBy(desc(opportunities.closesOn), asc(opportunities.id));
}

/** Inserts a sign-up unless the organisation has one; answers whether it was added. */
export async function insertSignup(db: Db, v: typeof opportunitySignups.$inferInsert): Promise<number | null> {
  const rows = await db.insert(opportunitySignups).values(v).onConflictDoNothing().returning({ id: opportunitySignups.id });
  return rows[0]?.id ?? null;
}

/** An opportunity's sign-ups, oldest first. */
export async function signupsOf(db: Db, opportunityId: number) {
  return db.select().from(opportunitySignups).where(eq(opportunitySignups.opportunityId, opportunityId)).orderBy(asc(opportunitySignups.id));
}
