import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { consentEvents, deliveries, mailingLists, sends, subscribers, subscriptions } from './schema.js';

// The mailing module's part of a person's data on request (UK GDPR): read-only, by email address, no permission
// check (the caller, the directory's personal-data export, decides who may see it).

/** Everything mailing holds about one email address: the subscriber, subscriptions, consent record and messages sent. */
export async function mailingRecordOf(db: Db, email: string) {
  const [subscriber] = await db.select().from(subscribers).where(eq(subscribers.email, email.trim().toLowerCase()));
  if (!subscriber) return { subscriber: null, subscriptions: [], consent: [], received: [] };
  const id = subscriber.id;
  const [subs, consent, received] = await Promise.all([
    db
      .select({ list: mailingLists.name, status: subscriptions.status })
      .from(subscriptions)
      .innerJoin(mailingLists, eq(mailingLists.id, subscriptions.listId))
      .where(eq(subscriptions.subscriberId, id))
      .orderBy(asc(mailingLists.name)),
    db
      .select({ at: consentEvents.at, listId: consentEvents.listId, action: consentEvents.action, source: consentEvents.source })
      .from(consentEvents)
      .where(eq(consentEvents.subscriberId, id))
      .orderBy(asc(consentEvents.id)),
    db
      .select({ sendId: deliveries.sendId, editionId: sends.editionId, list: mailingLists.name, status: deliveries.status, sentAt: deliveries.sentAt })
      .from(deliveries)
      .innerJoin(sends, eq(sends.id, deliveries.sendId))
      .innerJoin(mailingLists, eq(mailingLists.id, sends.listId))
      .where(eq(deliveries.subscriberId, id))
      .orderBy(asc(deliveries.id)),
  ]);
  return { subscriber: { email: subscriber.email, name: subscriber.name, role: subscriber.role, organisation: subscriber.organisation, since: subscriber.createdAt }, subscriptions: subs, consent, received };
}
