import { and, asc, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { apiTokens, sessions, signInFailures, signInLocks, signInTokens } from './schema.js';

/** Inserts a sign-in token. */
export async function insertSignInToken(db: Db, values: typeof signInTokens.$inferInsert): Promise<void> {
  await db.insert(signInTokens).values(values);
}

/** How many sign-in links were asked for this address since a time. */
export async function countRecentSignIns(db: Db, email: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(signInTokens)
    .where(and(sql`lower(${signInTokens.email}) = lower(${email})`, gt(signInTokens.createdAt, since)));
  return row!.n;
}

/** Marks a live, unused link as used and returns its person: atomic, so a link works once even under a race. */
export async function useSignInToken(db: Db, tokenHash: string): Promise<number | null> {
  const [row] = await db
    .update(signInTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(signInTokens.tokenHash, tokenHash), isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, new Date())))
    .returning({ personId: signInTokens.personId });
  return row?.personId ?? null;
}

/** Whether a link is live (unused and unexpired), without using it. */
export async function signInTokenIsLive(db: Db, tokenHash: string): Promise<boolean> {
  const [row] = await db
    .select({ id: signInTokens.id })
    .from(signInTokens)
    .where(and(eq(signInTokens.tokenHash, tokenHash), isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, new Date())));
  return Boolean(row);
}

/** The newest live token for an address, counting one more code attempt against it. */
export async function takeCodeAttempt(db: Db, email: string, maxAttempts: number) {
  const [row] = await db
    .select()
    .from(signInTokens)
    .where(and(sql`lower(${signInTokens.email}) = lower(${email})`, isNull(signInTokens.usedAt), gt(signInTokens.expiresAt, new Date())))
    .orderBy(desc(signInTokens.id))
    .limit(1);
  if (!row) return null;
  const [counted] = await db
    .update(signInTokens)
    .set({ codeAttempts: sql`${signInTokens.codeAttempts} + 1` })
    .where(and(eq(signInTokens.id, row.id), sql`${signInTokens.codeAttempts} < ${maxAttempts}`))
    .returning({ id: signInTokens.id });
  return counted ? row : null;
}

/** Inserts a session. */
export async function insertSession(db: Db, values: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(values);
}

/** The live session for a token. */
export async function findSession(db: Db, tokenHash: string) {
  const [row] = await db
    .select({ sessionId: sessions.id, lastSeenAt: sessions.lastSeenAt, personId: sessions.personId })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
  return row;
}

/** Records that a session was used. */
export async function touchSession(db: Db, id: number, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: new Date(), expiresAt }).where(eq(sessions.id, id));
}

/** Deletes one session by token. */
export async function deleteSessionByHash(db: Db, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

/** Deletes every session of a person; returns how many. */
export async function deleteSessionsOf(db: Db, personId: number): Promise<number> {
  const rows = await db.delete(sessions).where(eq(sessions.personId, personId)).returning({ id: sessions.id });
  return rows.length;
}

/** A person's live sessions, newest first. */
export function sessionsOf(db: Db, personId: number) {
  return db
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      tokenHash: sessions.tokenHash,
    })
    .from(sessions)
    .where(and(eq(sessions.personId, personId), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt));
}

/** Inserts an API token and returns its id. */
export async function insertApiToken(db: Db, values: typeof apiTokens.$inferInsert): Promise<number> {
  const [row] = await db.insert(apiTokens).values(values).returning({ id: apiTokens.id });
  return row!.id;
}

/** A live API token by hash. */
export async function findApiToken(db: Db, tokenHash: string) {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row;
}

/** Records an API token's use. */
export async function touchApiToken(db: Db, id: number): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}

/** Every API token, without hashes. */
export function listApiTokens(db: Db) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .orderBy(asc(apiTokens.id));
}

/** Revokes an API token; returns its name, or undefined if there was no live one. */
export async function revokeApiToken(db: Db, id: number): Promise<string | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ name: apiTokens.name });
  return row?.name;
}

/** Whether sign-in by code is locked for an address at this moment. */
export async function codeSignInLocked(db: Db, email: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ email: signInLocks.email })
    .from(signInLocks)
    .where(and(eq(signInLocks.email, email), gt(signInLocks.lockedUntil, now)));
  return Boolean(row);
}

/** Records a wrong code for an address and returns how many it has had since a time. */
export async function recordCodeFailure(db: Db, email: string, since: Date): Promise<number> {
  await db.insert(signInFailures).values({ email });
  const [row] = await db
    .select({ n: count() })
    .from(signInFailures)
    .where(and(eq(signInFailures.email, email), gt(signInFailures.createdAt, since)));
  return row!.n;
}

/** Locks sign-in by code for an address; true only for the call that started the lock, so its owner is told once. */
export async function lockCodeSignIn(db: Db, email: string, until: Date): Promise<boolean> {
  const rows = await db
    .insert(signInLocks)
    .values({ email, lockedUntil: until })
    .onConflictDoUpdate({
      target: signInLocks.email,
      set: { lockedUntil: until, createdAt: sql`now()` },
      where: sql`${signInLocks.lockedUntil} <= now()`,
    })
    .returning({ email: signInLocks.email });
  return rows.length > 0;
}
