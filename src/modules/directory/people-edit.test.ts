import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import type { Baton } from '../../server.js';

let database: TestDatabase;
let baton: Baton;
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database, { SIGN_IN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const form = (p: { name: string; email: string; organisationId: number | null }, email: string) => ({
  name: p.name,
  email,
  role: 'head-of-service',
  organisation: String(p.organisationId ?? ''),
});
const emailOf = async (id: number) => (await database.query<{ email: string }>(sql`SELECT email FROM people WHERE id = ${id}`))[0]!.email;
const mailTo = (address: string) =>
  database.query<{ subject: string; text_body: string }>(sql`SELECT subject, text_body FROM mail_messages WHERE to_address = ${address}`);
const audits = (id: number) =>
  database.query<{ action: string; data: { before: Record<string, unknown>; after: Record<string, unknown> } }>(
    sql`SELECT action, data FROM audit_events WHERE entity_type = 'person' AND entity_id = ${String(id)} AND action LIKE 'person.%' ORDER BY id`,
  );

async function directorOf(org: string) {
  await addPerson(database.db, { email: `dcs@${org}.example`, accessRole: 'director', org });
  const c = new TestClient(baton.app, database.db);
  await c.signIn(`dcs@${org}.example`);
  return c;
}

describe("a director editing their own organisation's people", () => {
  it('may not change the email address of an editor or admin of their own organisation, and nothing changes', async () => {
    const director = await directorOf('walsall');
    for (const accessRole of ['editor', 'admin', 'director']) {
      const target = await addPerson(database.db, { email: `${accessRole}@walsall.example`, accessRole, org: 'walsall' });
      expect((await director.get(`/admin/people/${target.id}`)).statusCode).toBe(403);
      const res = await director.post(`/admin/people/${target.id}`, form(target, 'attacker@evil.example'));
      expect(res.statusCode).toBe(403);
      expect(await emailOf(target.id)).toBe(`${accessRole}@walsall.example`);
      expect(await audits(target.id)).toEqual([expect.objectContaining({ action: 'person.create' })]);
      expect(await mailTo(`${accessRole}@walsall.example`)).toEqual([]);
    }
    const page = await director.get('/directory');
    expect(page.body).not.toContain('href="/admin/people/');
  });

  it('may change a member of their own organisation: the change is audited and the old address is told', async () => {
    const director = await directorOf('walsall');
    const member = await addPerson(database.db, { email: 'sam@walsall.example', accessRole: 'member', org: 'walsall', name: 'Sam' });
    expect((await director.get('/directory')).body).toContain(`href="/admin/people/${member.id}"`);
    const res = await director.post(`/admin/people/${member.id}`, form(member, 'sam.new@walsall.example'));
    expect(res.statusCode).toBe(303);
    expect(await emailOf(member.id)).toBe('sam.new@walsall.example');
    const log = await audits(member.id);
    expect(log.at(-1)).toMatchObject({
      action: 'person.email',
      data: { before: { email: 'sam@walsall.example' }, after: { email: 'sam.new@walsall.example' } },
    });
    const [notice] = await mailTo('sam@walsall.example');
    expect(notice!.subject).toContain('email address');
    expect(notice!.text_body).toContain('from sam@walsall.example to sam.new@walsall.example by dcs <dcs@walsall.example>');
  });

  it('may not give anyone a higher access role, or edit people of another organisation', async () => {
    const director = await directorOf('walsall');
    const member = await addPerson(database.db, { email: 'kim@walsall.example', accessRole: 'member', org: 'walsall' });
    const other = await addPerson(database.db, { email: 'lee@dudley.example', accessRole: 'member', org: 'dudley' });
    const raise = await director.post(`/admin/people/${member.id}`, { ...form(member, member.email), accessRole: 'admin' });
    expect(raise.statusCode).toBe(403);
    expect((await director.post(`/admin/people/${other.id}`, form(other, 'x@evil.example'))).statusCode).toBe(403);
    expect(await emailOf(other.id)).toBe('lee@dudley.example');
  });
});

describe('email changes through the API', () => {
  it("lets an editor token change a director's address but not an admin's, and tells the old address", async () => {
    const auth = { ...(await bearer(database.db, 'editor')), 'content-type': 'application/json' };
    const admin = await addPerson(database.db, { email: 'root@network.example', accessRole: 'admin' });
    const dcs = await addPerson(database.db, { email: 'dcs@sandwell.example', accessRole: 'director' });
    const patch = (id: number, email: string) =>
      baton.app.inject({ method: 'PATCH', url: `/api/v1/people/${id}`, headers: auth, payload: JSON.stringify({ email }) });
    expect((await patch(admin.id, 'attacker@evil.example')).statusCode).toBe(403);
    expect(await emailOf(admin.id)).toBe('root@network.example');
    expect((await patch(dcs.id, 'dcs2@sandwell.example')).statusCode).toBe(200);
    expect(await mailTo('dcs@sandwell.example')).toHaveLength(1);
  });
});
