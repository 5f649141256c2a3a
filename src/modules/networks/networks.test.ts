import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { addPerson, testBaton, testConfig } from '../../../test/helpers/app.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { FieldConflictError, ForbiddenError } from '../../platform/errors.js';
import type { Baton } from '../../server.js';
import { createScheduler } from '../../jobs.js';
import * as networks from './service.js';

let database: TestDatabase;
let baton: Baton;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const person = (p: { id: number; organisationId: number | null }): Actor => ({ kind: 'person', id: p.id, label: `p${p.id}`, role: 'member', organisationId: p.organisationId });
const at = (iso: string) => new Date(iso);

async function setUp() {
  const chair = await addPerson(database.db, { email: 'chair@example.org', name: 'Chris Chair', org: 'Worcestershire', accessRole: 'member' });
  const ann = await addPerson(database.db, { email: 'ann@example.org', name: 'Ann Able', org: 'Shropshire', accessRole: 'member' });
  const bob = await addPerson(database.db, { email: 'bob@example.org', name: 'Bob Baker', org: 'Telford', accessRole: 'member' });
  const n = await networks.createNetwork(database.db, editor, { name: 'Participation Leads network', chair: chair.id });
  await networks.addMembers(database.db, editor, n.id, [ann.id, bob.id]);
  const doc = await networks.circulateDocument(database.db, person(chair), n.id, { title: 'Participation strategy', deadline: '2031-05-20T17:00:00Z' }, at('2031-05-01T09:00:00Z'));
  return { chair, ann, bob, n, doc };
}

describe('networks: documents circulated for comment', () => {
  it('takes comments with author and organisation until the deadline, and only the lead sees them all', async () => {
    const { chair, ann, doc } = await setUp();
    await networks.comment(database.db, person(ann), doc.id, { body: 'Looks good' }, at('2031-05-20T16:59:00Z'));
    await expect(networks.comment(database.db, person(ann), doc.id, { body: 'Late' }, at('2031-05-20T17:00:00Z'))).rejects.toThrow(FieldConflictError);
    const all = await networks.commentsFor(database.db, person(chair), doc.id);
    expect(all.comments.map((c) => [c.authorName, c.organisationName, c.body])).toEqual([['Ann Able', 'Shropshire', 'Looks good']]);
    await expect(networks.commentsFor(database.db, person(ann), doc.id)).rejects.toThrow(ForbiddenError);
    await expect(networks.circulateDocument(database.db, person(ann), doc.networkId, { title: 'x', deadline: '2031-06-01T00:00:00Z' }, at('2031-05-01T00:00:00Z'))).rejects.toThrow(ForbiddenError);
  });

  it('reminds members who have not commented 3 days before the deadline, once', async () => {
    const { ann, doc } = await setUp();
    await networks.comment(database.db, person(ann), doc.id, { body: 'Done' }, at('2031-05-02T09:00:00Z'));
    const s = createScheduler(database.db, baton.ctx.mailer, testConfig());
    const reminders = async () =>
      (await database.query<{ to_address: string }>(sql`SELECT to_address FROM mail_messages WHERE subject LIKE 'Reminder: comments%' ORDER BY to_address`)).map((r) => r.to_address);
    await s.runDue(at('2031-05-17T16:59:00Z'));
    expect(await reminders()).toEqual([]);
    await s.runDue(at('2031-05-17T17:00:00Z'));
    await s.runDue(at('2031-05-18T09:00:00Z'));
    expect(await reminders()).toEqual(['bob@example.org', 'chair@example.org']);
  });
});
