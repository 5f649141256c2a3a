import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { systemActor } from '../../platform/actor.js';
import * as subs from '../mailing/subscriptions.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(() => database.reset());

describe('the audit log and unsubscribes', () => {
  it('records an unsubscribe from an email link once, naming the address and the list', async () => {
    await subs.upsertSubscribers(database.db, systemActor('test'), { lists: ['Regional Update'], subscribers: [{ email: 'reader@example.org' }] });
    const [ids] = await database.query<{ subscriber_id: number; list_id: number }>(sql`SELECT subscriber_id, list_id FROM subscriptions`);
    const token = subs.unsubscribeToken('secret', ids!.subscriber_id, ids!.list_id);
    expect(await subs.unsubscribe(database.db, 'secret', token, 'one-click')).toBe(true);
    expect(await subs.unsubscribe(database.db, 'secret', token, 'unsubscribe-page')).toBe(true);
    const rows = await database.query<{ action: string; summary: string; actor_label: string }>(
      sql`SELECT action, summary, actor_label FROM audit_events WHERE action = 'subscription.unsubscribe'`,
    );
    expect(rows).toEqual([
      { action: 'subscription.unsubscribe', summary: 'reader@example.org unsubscribed from Regional Update (one click)', actor_label: 'reader@example.org' },
    ]);
  });
});
