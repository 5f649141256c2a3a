import { and, asc, count, eq, getTableColumns, gt, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import {
  confirmTokens,
  consentEvents,
  deliveries,
  mailingLists,
  sends,
  subscribers,
  subscriptions,
  type Segment,
  type SubscriptionStatus,
} from './schema.js';

/** A mailing list row. */
export type MailingList = typeof mailingLists.$inferSelect;
/** A subscriber row. */
export type Subscriber = typeof subscribers.$inferSelect;
/** A send row. */
export type Send = typeof sends.$inferSelect;

/** Every list with its counts of active subscribers and of requests waiting for approval, in one query. */
export async function listsWithCounts(db: Db) {
  return db
    .select({
      ...getTableColumns(mailingLists),
      active: sql<number>`(count(*) FILTER (WHERE ${subscriptions.status} = 'active'))::int`.mapWith(Number),
      waiting: sql<number>`(count(*) FILTER (WHERE ${subscriptions.status} = 'awaiting_approval'))::int`.mapWith(Number),
    })
    .from(mailingLists)
    .leftJoin(subscriptions, eq(subscriptions.listId, mailingLists.id))
    .groupBy(mailingLists.id)
    .orderBy(asc(mailingLists.name));
}

/** A list by id. */
export async function getList(db: Db, id: number): Promise<MailingList | undefined> {
  const [row] = await db.select().from(mailingLists).where(eq(mailingLists.id, id));
  return row;
}

/** A list by name, ignoring case. */
export async function findList(db: Db, name: string): Promise<MailingList | undefined> {
  const [row] = await db
    .select()
    .from(mailingLists)
    .where(sql`lower(${mailingLists.name}) = lower(${name})`);
  return row;
}

/** Creates a list. */
export async function insertList(db: Db, values: typeof mailingLists.$inferInsert): Promise<MailingList> {
  const [row] = await db.insert(mailingLists).values(values).returning();
  return row!;
}

/** Creates or updates a subscriber by address, returning its id; details not given are kept. */
export async function upsertSubscriber(
  db: Db,
  values: { email: string; name?: string | null; role?: string | null; organisation?: string | null },
): Promise<number> {
  const result = (await db.execute(sql`
    INSERT INTO subscribers (email, name, role, organisation) VALUES (${values.email}, ${values.name ?? null}, ${values.role ?? null}, ${values.organisation ?? null})
    ON CONFLICT (lower(email)) DO UPDATE SET name = coalesce(excluded.name, subscribers.name), role = coalesce(excluded.role, subscribers.role),
      organisation = coalesce(excluded.organisation, subscribers.organisation), updated_at = now()
    RETURNING id`)) as unknown as { rows: Array<{ id: number }> };
  return result.rows[0]!.id;
}

/** A subscriber by id. */
export async function getSubscriber(db: Db, id: number): Promise<Subscriber | undefined> {
  const [row] = await db.select().from(subscribers).where(eq(subscribers.id, id));
  return row;
}

/** A subscription's status, if any. */
export async function subscriptionStatus(db: Db, listId: number, subscriberId: number): Promise<SubscriptionStatus | undefined> {
  const [row] = await db
    .select({ status: subscriptions.status })
    .from(subscriptions)
    .where(and(eq(subscriptions.listId, listId), eq(subscriptions.subscriberId, subscriberId)));
  return row?.status;
}

/** Sets a subscription's status, creating it if needed. */
export async function setSubscription(db: Db, listId: number, subscriberId: number, status: SubscriptionStatus): Promise<void> {
  await db
    .insert(subscriptions)
    .values({ listId, subscriberId, status })
    .onConflictDoUpdate({ target: [subscriptions.listId, subscriptions.subscriberId], set: { status, updatedAt: new Date() } });
}

/** Records a consent event. */
export async function recordConsent(db: Db, values: typeof consentEvents.$inferInsert): Promise<void> {
  await db.insert(consentEvents).values(values);
}

/** A subscriber's consent record, oldest first. */
export function consentOf(db: Db, subscriberId: number) {
  return db.select().from(consentEvents).where(eq(consentEvents.subscriberId, subscriberId)).orderBy(asc(consentEvents.id));
}

/** Stores a double opt-in token. */
export async function insertConfirmToken(db: Db, values: typeof confirmTokens.$inferInsert): Promise<void> {
  await db.insert(confirmTokens).values(values);
}

/** A live, unused confirmation token. */
export async function liveConfirmToken(db: Db, tokenHash: string) {
  const [row] = await db
    .select()
    .from(confirmTokens)
    .where(and(eq(confirmTokens.tokenHash, tokenHash), isNull(confirmTokens.usedAt), gt(confirmTokens.expiresAt, new Date())));
  return row;
}

/** Uses up a confirmation token atomically; returns it, or undefined if it was already used. */
export async function useConfirmToken(db: Db, tokenHash: string) {
  const [row] = await db
    .update(confirmTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(confirmTokens.tokenHash, tokenHash), isNull(confirmTokens.usedAt), gt(confirmTokens.expiresAt, new Date())))
    .returning();
  return row;
}

function segmentWhere(listId: number, segment: Segment, status: SubscriptionStatus = 'active'): SQL {
  const parts: SQL[] = [eq(subscriptions.listId, listId), eq(subscriptions.status, status)];
  if (segment.roles?.length) parts.push(inArray(subscribers.role, segment.roles));
  if (segment.organisations?.length)
    parts.push(
      sql`lower(${subscribers.organisation}) IN (${sql.join(
        segment.organisations.map((o) => sql`${o.toLowerCase()}`),
        sql`, `,
      )})`,
    );
  return and(...parts)!;
}

/** A page of a list's subscribers in a status, with the total. */
export async function listSubscribers(
  db: Db,
  listId: number,
  opts: { status?: SubscriptionStatus; q?: string; limit: number; offset: number },
) {
  let where = segmentWhere(listId, {}, opts.status ?? 'active');
  if (opts.q) where = and(where, sql`(${subscribers.email} ILIKE ${`%${opts.q}%`} OR ${subscribers.name} ILIKE ${`%${opts.q}%`})`)!;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: subscribers.id,
        email: subscribers.email,
        name: subscribers.name,
        role: subscribers.role,
        organisation: subscribers.organisation,
        bouncing: subscribers.bouncing,
        status: subscriptions.status,
        since: subscriptions.updatedAt,
      })
      .from(subscriptions)
      .innerJoin(subscribers, eq(subscriptions.subscriberId, subscribers.id))
      .where(where)
      .orderBy(asc(subscribers.email))
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(subscriptions).innerJoin(subscribers, eq(subscriptions.subscriberId, subscribers.id)).where(where),
  ]);
  return { rows, total: total!.n };
}

/** Creates a send. */
export async function insertSend(db: Db, values: typeof sends.$inferInsert): Promise<Send> {
  const [row] = await db.insert(sends).values(values).returning();
  return row!;
}

/** A send by id. */
export async function getSend(db: Db, id: number): Promise<Send | undefined> {
  const [row] = await db.select().from(sends).where(eq(sends.id, id));
  return row;
}

/** Sends of an edition, newest first. */
export function sendsOf(db: Db, editionId: number) {
  return db
    .select()
    .from(sends)
    .where(eq(sends.editionId, editionId))
    .orderBy(sql`${sends.id} DESC`);
}

/** Changes a send's status, only from one of the given statuses; returns whether it changed. */
export async function moveSend(db: Db, id: number, from: Send['status'][], values: Partial<typeof sends.$inferInsert>): Promise<boolean> {
  const rows = await db
    .update(sends)
    .set(values)
    .where(and(eq(sends.id, id), inArray(sends.status, from)))
    .returning({ id: sends.id });
  return rows.length > 0;
}

/** The subscriber (in the outer query) has this edition from another send: sent, or still on its way. */
function hasEdition(editionId: number, exceptSendId = 0): SQL {
  return sql`EXISTS (SELECT 1 FROM deliveries had JOIN sends had_send ON had_send.id = had.send_id
    WHERE had_send.edition_id = ${editionId} AND had_send.id <> ${exceptSendId} AND had.subscriber_id = subscribers.id
      AND had.status IN ('pending', 'sending', 'sent'))`;
}

/** Writes one delivery row per recipient of the send's list and segment, in one statement; returns how many. */
export async function resolveRecipients(db: Db, send: Send): Promise<number> {
  const where = segmentWhere(send.listId, send.segment);
  // Sends of one edition resolve one at a time, so "only those who have not had it" sees every earlier send's rows.
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('mailing.edition'), ${send.editionId})`);
  // An earlier send of the edition that is queued and not yet resolved will reach its recipients too: "only those who
  // have not had it" leaves them out as well, whichever of the two sends a worker happens to start first.
  const earlier = send.onlyNew
    ? await db
        .select({ listId: sends.listId, segment: sends.segment })
        .from(sends)
        .where(and(eq(sends.editionId, send.editionId), lt(sends.id, send.id), isNull(sends.startedAt), inArray(sends.status, ['queued', 'paused'])))
    : [];
  const had = sql.join(
    [
      hasEdition(send.editionId, send.id),
      ...earlier.map(
        (w) => sql`subscribers.id IN (SELECT subscriptions.subscriber_id FROM subscriptions JOIN subscribers ON subscribers.id = subscriptions.subscriber_id
          WHERE ${segmentWhere(w.listId, w.segment)} AND NOT subscribers.bouncing)`,
      ),
    ],
    sql` OR `,
  );
  const rows = (await db.execute(sql`
    INSERT INTO deliveries (send_id, subscriber_id, email, name)
    SELECT ${send.id}, subscribers.id, subscribers.email, subscribers.name
    FROM subscriptions JOIN subscribers ON subscribers.id = subscriptions.subscriber_id
    WHERE ${where} AND NOT subscribers.bouncing ${send.onlyNew ? sql`AND NOT (${had})` : sql``}
    ON CONFLICT (send_id, subscriber_id) DO NOTHING`)) as unknown as { rowCount?: number; affectedRows?: number };
  return rows.rowCount ?? rows.affectedRows ?? 0;
}

/**
 * Who a send of an edition to a list (and segment) would reach, and how many of them already have the edition: from
 * another send's deliveries, or as a recipient of a send of it that is queued and not yet resolved. Two queries.
 */
export async function audience(db: Db, editionId: number, listId: number, segment: Segment): Promise<{ recipients: number; alreadyHad: number }> {
  const waiting = await db
    .select({ listId: sends.listId, segment: sends.segment })
    .from(sends)
    .where(and(eq(sends.editionId, editionId), isNull(sends.startedAt), inArray(sends.status, ['queued', 'paused'])));
  const inWaiting = waiting.map(
    (w) => sql`subscribers.id IN (SELECT subscriptions.subscriber_id FROM subscriptions JOIN subscribers ON subscribers.id = subscriptions.subscriber_id
      WHERE ${segmentWhere(w.listId, w.segment)} AND NOT subscribers.bouncing)`,
  );
  const had = sql.join([hasEdition(editionId), ...inWaiting], sql` OR `);
  const result = (await db.execute(sql`
    SELECT count(*)::int AS recipients, (count(*) FILTER (WHERE ${had}))::int AS already
    FROM subscriptions JOIN subscribers ON subscribers.id = subscriptions.subscriber_id
    WHERE ${segmentWhere(listId, segment)} AND NOT subscribers.bouncing`)) as unknown as {
    rows: Array<{ recipients: number; already: number }>;
  };
  const row = result.rows[0]!;
  return { recipients: Number(row.recipients), alreadyHad: Number(row.already) };
}

/** Counts of a send's deliveries by status. */
export async function deliveryCounts(db: Db, sendId: number): Promise<Record<string, number>> {
  const rows = await db
    .select({ status: deliveries.status, n: count() })
    .from(deliveries)
    .where(eq(deliveries.sendId, sendId))
    .groupBy(deliveries.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** A page of a send's deliveries, optionally searched by address or status. */
export function deliveriesOf(db: Db, sendId: number, opts: { q?: string; status?: string; limit: number; offset: number }) {
  const parts: SQL[] = [eq(deliveries.sendId, sendId)];
  if (opts.q) parts.push(sql`${deliveries.email} ILIKE ${`%${opts.q}%`}`);
  if (opts.status) parts.push(eq(deliveries.status, opts.status as never));
  return db
    .select()
    .from(deliveries)
    .where(and(...parts))
    .orderBy(asc(deliveries.id))
    .limit(opts.limit)
    .offset(opts.offset);
}

/** Adds or updates many subscribers by address in a few statements; returns their ids and how many were new. */
export async function bulkUpsertSubscribers(
  db: Db,
  rows: Array<{ email: string; name: string | null; role: string | null; organisation: string | null }>,
): Promise<{ ids: number[]; created: number }> {
  const ids: number[] = [];
  let created = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = sql.join(
      chunk.map((r) => sql`(${r.email}, ${r.name}, ${r.role}, ${r.organisation})`),
      sql`, `,
    );
    const result = (await db.execute(sql`
      INSERT INTO subscribers (email, name, role, organisation) VALUES ${values}
      ON CONFLICT (lower(email)) DO UPDATE SET name = excluded.name, role = excluded.role, organisation = excluded.organisation, updated_at = now()
      RETURNING id, (xmax = 0) AS inserted`)) as unknown as { rows: Array<{ id: number; inserted: boolean }> };
    for (const r of result.rows) {
      ids.push(r.id);
      if (r.inserted) created++;
    }
  }
  return { ids, created };
}

/** Makes subscriptions active for many subscribers on a list, recording consent for each that changed. */
export async function bulkActivate(db: Db, listId: number, subscriberIds: number[], source: string, detail: string): Promise<number> {
  let changed = 0;
  for (let i = 0; i < subscriberIds.length; i += 5000) {
    const chunk = subscriberIds.slice(i, i + 5000);
    const result = (await db.execute(sql`
      WITH changed AS (
        INSERT INTO subscriptions (list_id, subscriber_id, status)
        SELECT ${listId}, unnest(${`{${chunk.join(',')}}`}::int[]), 'active'
        ON CONFLICT (list_id, subscriber_id) DO UPDATE SET status = 'active', updated_at = now() WHERE subscriptions.status <> 'active'
        RETURNING subscriber_id)
      INSERT INTO consent_events (subscriber_id, list_id, action, source, detail)
      SELECT subscriber_id, ${listId}, 'subscribe', ${source}, ${detail} FROM changed
      RETURNING id`)) as unknown as { rows: unknown[] };
    changed += result.rows.length;
  }
  return changed;
}

/** The ids of the lists, among `listIds`, that an email address is an active member of. */
export async function activeListsOf(db: Db, email: string, listIds: number[]): Promise<number[]> {
  if (!listIds.length) return [];
  const rows = await db
    .select({ listId: subscriptions.listId })
    .from(subscriptions)
    .innerJoin(subscribers, eq(subscribers.id, subscriptions.subscriberId))
    .where(and(eq(subscribers.email, email.trim().toLowerCase()), eq(subscriptions.status, 'active'), inArray(subscriptions.listId, listIds)));
  return rows.map((r) => r.listId);
}
