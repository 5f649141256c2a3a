import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { systemActor } from '../../platform/actor.js';
import { ValidationError } from '../../platform/errors.js';
import type { Baton } from '../../server.js';
import { exportPeopleCsv, importPeopleCsv } from './csv.js';
import * as directory from './service.js';

// Issue 13 item 5: the directory does not guess.

let database: TestDatabase;
let baton: Baton;
const admin = systemActor('test');
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database, { SIGN_IN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

async function issuesOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected a validation error');
}
const summaries = async () =>
  (await database.query<{ summary: string }>(sql`SELECT summary FROM audit_events ORDER BY id`)).map((r) => r.summary);
const terms = async () =>
  database.query<{ name: string; starts_on: string; ends_on: string | null }>(
    sql`SELECT p.name, o.starts_on::text, o.ends_on::text FROM offices o JOIN people p ON p.id = o.person_id ORDER BY o.id`,
  );

async function signedInAdmin() {
  await addPerson(database.db, { email: 'root@network.example', accessRole: 'admin' });
  const c = new TestClient(baton.app, database.db);
  await c.signIn('root@network.example');
  return c;
}

describe("a person's role in children's services has no default", () => {
  it('is asked for by the service, the form, the CSV import and the API', async () => {
    expect(await issuesOf(directory.createPerson(database.db, admin, { name: 'Ann', email: 'ann@example.org' } as never))).toEqual([
      { field: 'role', message: "Choose the person's role in children's services" },
    ]);
    const c = await signedInAdmin();
    const page = await c.get('/admin/people/new');
    expect(page.body).toContain('<option value="">Choose a role</option>');
    expect(page.body).not.toContain('<option value="director" selected>');
    const res = await c.post('/admin/people/new', { name: 'Ann', email: 'ann@example.org', role: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('Choose the person&#39;s role in children&#39;s services');
    const csv = await issuesOf(importPeopleCsv(database.db, admin, 'name,email,role\nAnn,ann@example.org,\n'));
    expect(csv).toEqual([expect.objectContaining({ line: 2, field: 'role', message: expect.stringContaining('one of director, assistant-director') })]);
    const api = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers: { ...(await bearer(database.db, 'admin')), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'Ann', email: 'ann@example.org' }),
    });
    expect(api.statusCode).toBe(422);
    expect(api.json().errors).toEqual([expect.objectContaining({ field: 'role' })]);
    expect((await database.query(sql`SELECT 1 FROM people WHERE email = 'ann@example.org'`)).length).toBe(0);
  });
});

describe('email errors name their field', () => {
  it("says which address is wrong: the person's or the PA's", async () => {
    const issues = await issuesOf(
      directory.createPerson(database.db, admin, { name: 'Ann', email: 'ann-at-example', paEmail: 'pa@', role: 'director' }),
    );
    expect(issues).toEqual([
      { field: 'email', message: "Enter the person's email address in the correct format, like name@example.org" },
      { field: 'paEmail', message: "Enter the PA's email address in the correct format, like pa@example.org, or leave it empty" },
    ]);
  });
});

describe('appointing to an office already held', () => {
  it('asks whether the current holder steps down, and from when, before changing anything', async () => {
    const emma = await addPerson(database.db, { email: 'emma@example.org', name: 'Emma' });
    const jenny = await addPerson(database.db, { email: 'jenny@example.org', name: 'Jenny' });
    await directory.appointToOffice(database.db, admin, { office: 'chair', personId: emma.id, startsOn: '2021-04-01' });
    const held = await issuesOf(directory.appointToOffice(database.db, admin, { office: 'chair', personId: jenny.id, startsOn: '2023-03-01' }));
    expect(held).toEqual([{ field: 'confirmed', message: 'Emma is Chair: confirm that they step down on 2023-02-28' }]);
    expect((await terms()).map((t) => t.ends_on)).toEqual([null]);
    const tooLate = directory.appointToOffice(database.db, admin, {
      office: 'chair',
      personId: jenny.id,
      startsOn: '2023-03-01',
      confirmed: 'yes',
      holderEndsOn: '2023-03-05',
    });
    expect(await issuesOf(tooLate)).toEqual([expect.objectContaining({ field: 'holderEndsOn' })]);
    await directory.appointToOffice(database.db, admin, {
      office: 'chair',
      personId: jenny.id,
      startsOn: '2023-03-01',
      confirmed: 'yes',
      holderEndsOn: '2023-01-31',
    });
    expect(await terms()).toEqual([
      { name: 'Emma', starts_on: '2021-04-01', ends_on: '2023-01-31' },
      { name: 'Jenny', starts_on: '2023-03-01', ends_on: null },
    ]);
    expect((await summaries()).at(-1)).toBe('Jenny became Chair from 2023-03-01; Emma stepped down on 2023-01-31');
  });

  it('goes through a confirm page on the web, and a co-vice-chair appointment says which seat', async () => {
    const c = await signedInAdmin();
    const [nigel, jo, third] = [
      await addPerson(database.db, { email: 'nigel@example.org', name: 'Nigel' }),
      await addPerson(database.db, { email: 'jo@example.org', name: 'Jo' }),
      await addPerson(database.db, { email: 'third@example.org', name: 'Third' }),
    ];
    await c.get('/admin/offices');
    const first = await c.post('/admin/offices', { office: 'co-vice-chair', personId: String(nigel.id), startsOn: '2022-01-01' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/admin/offices');
    expect((await c.get('/admin/offices')).body).toContain('Nigel is Co-vice-chair (seat 1 of 2) from 2022-01-01');
    await c.post('/admin/offices', { office: 'co-vice-chair', personId: String(jo.id), startsOn: '2023-03-01' });
    expect((await summaries()).at(-1)).toBe('Jo became Co-vice-chair (seat 2 of 2) from 2023-03-01, alongside Nigel');
    // Both seats held: the form leads to the confirm step, and nothing changes until it is confirmed.
    const ask = await c.post('/admin/offices', { office: 'co-vice-chair', personId: String(third.id), startsOn: '2024-01-01' });
    expect(ask.statusCode).toBe(303);
    expect(ask.headers.location).toMatch(/^\/admin\/offices\/confirm\?/);
    const confirm = await c.get(ask.headers.location as string);
    expect(confirm.body).toContain('Seat 1: Nigel steps down');
    expect(confirm.body).toContain('Seat 2: Jo steps down');
    expect((await terms()).filter((t) => t.ends_on)).toEqual([]);
    const fields = { office: 'co-vice-chair', personId: String(third.id), portfolio: '', startsOn: '2024-01-01', confirmed: 'yes' };
    const noSeat = await c.post('/admin/offices/confirm', { ...fields, holderEndsOn: '' });
    expect(noSeat.statusCode).toBe(400);
    expect(noSeat.body).toContain('choose the seat Third takes');
    const done = await c.post('/admin/offices/confirm', { ...fields, seat: '2', holderEndsOn: '' });
    expect(done.statusCode).toBe(303);
    expect(await terms()).toEqual([
      { name: 'Nigel', starts_on: '2022-01-01', ends_on: null },
      { name: 'Jo', starts_on: '2023-03-01', ends_on: '2023-12-31' },
      { name: 'Third', starts_on: '2024-01-01', ends_on: null },
    ]);
    expect((await summaries()).at(-1)).toBe('Third became Co-vice-chair (seat 2 of 2) from 2024-01-01, alongside Nigel; Jo stepped down on 2023-12-31');
  });
});

describe('CSV and the audit log', () => {
  it('exports people as UTF-8 with a byte-order mark, accents intact', async () => {
    await addPerson(database.db, { email: 'zoe@example.org', name: 'Zoë Brontë' });
    const csv = await exportPeopleCsv(database.db, admin);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Zoë Brontë');
    const c = await signedInAdmin();
    const res = await c.get('/admin/people/export.csv');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(res.headers['content-type']).toContain('charset=utf-8');
  });

  it('names what changed in words', async () => {
    await directory.createOrganisation(database.db, admin, { name: 'Solihull', kind: 'council' });
    const p = await addPerson(database.db, { email: 'sam@example.org', name: 'Sam', role: 'head-of-service' });
    await directory.updatePerson(database.db, admin, p.id, { jobTitle: 'Head of Early Help', role: 'director', organisation: 'Solihull' });
    expect((await summaries()).at(-1)).toBe(
      "Changed Sam: job title from none to 'Head of Early Help'; role in children's services from Head of service to Director (DCS) or trust chief executive; organisation from none to Solihull",
    );
  });
});
