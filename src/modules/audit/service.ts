import { asc, desc, eq, and, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import type { Actor } from '../../platform/actor.js';
import { auditEvents } from './schema.js';

/** One change to record. */
export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  summary: string;
  data?: unknown;
}

/** Records a change in the audit log; call it in the same transaction as the change. */
export async function recordAudit(tx: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({
    actorId: actor.kind === 'person' ? actor.id : null,
    actorLabel: actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId == null ? null : String(entry.entityId),
    summary: entry.summary,
    data: entry.data ?? null,
  });
}

/** Records an unsubscribe (from an email's link or one-click header, with no one signed in), in the change's transaction. */
export async function recordUnsubscribe(tx: Db, who: { subscriberId: number; email: string; listId: number; listName: string; source: string }): Promise<void> {
  await tx.insert(auditEvents).values({
    actorId: null,
    actorLabel: who.email,
    action: 'subscription.unsubscribe',
    entityType: 'subscriber',
    entityId: String(who.subscriberId),
    summary: `${who.email} unsubscribed from ${who.listName} (${who.source.replace('-', ' ')})`,
    data: { listId: who.listId, source: who.source },
  });
}

/** A page of the audit log, newest first, optionally for one entity. */
export async function listAudit(
  db: Db,
  opts: { page: number; perPage: number; entityType?: string; entityId?: string },
): Promise<Array<typeof auditEvents.$inferSelect>> {
  const where: SQL[] = [];
  if (opts.entityType) where.push(eq(auditEvents.entityType, opts.entityType));
  if (opts.entityId) where.push(eq(auditEvents.entityId, opts.entityId));
  return db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(opts.perPage)
    .offset((opts.page - 1) * opts.perPage);
}

/** Every audit entry about a person or made by them (as a person, or as a subscriber by address), oldest first: for their data on request. */
export async function auditAbout(db: Db, who: { personId: number; email: string }) {
  return db
    .select({ at: auditEvents.at, by: auditEvents.actorLabel, action: auditEvents.action, summary: auditEvents.summary })
    .from(auditEvents)
    .where(
      or(
        and(eq(auditEvents.entityType, 'person'), eq(auditEvents.entityId, String(who.personId))),
        eq(auditEvents.actorId, who.personId),
        eq(auditEvents.actorLabel, who.email),
      ),
    )
    .orderBy(asc(auditEvents.id));
}
