// Bad input at the edge answers 400/404/422 with a clear message and changes nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/actor.js';
import { ValidationError } from '../src/platform/errors.js';
import { badInputFromDatabase } from '../src/platform/db/input-errors.js';
import * as bulletin from '../src/modules/bulletin/service.js';
import * as content from '../src/modules/bulletin/content.js';
import { importPeopleCsv } from '../src/modules/directory/csv.js';
import * as subs from '../src/modules/mailing/subscriptions.js';
import type { Baton } from '../src/server.js';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from './helpers/app.js';

let database: TestDatabase;
let baton: Baton;
let auth: { authorization: string };
const sys = systemActor();

beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(async () => {
  await database.reset();
  auth = await bearer(database.db);
});

const rows = async (table: string) => (await database.query<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n;
const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  baton.app.inject({
    method,
    url,
    headers: { ...auth, ...(payload ? { 'content-type': 'application/json' } : {}) },
    payload: payload ? JSON.stringify(payload) : undefined,
  });
const longEmail = `${'a'.repeat(100_000)}@example.org`;

describe('the API refuses bad input with 422 and stores nothing', () => {
  it('refuses NUL, lone surrogates, line breaks in names and over-long emails in a new person', async () => {
    const good = { name: 'Tina Russell', email: 'tina@example.org', role: 'director' };
    for (const [field, value, message] of [
      ['name', 'Tina\u0000Russell', /control character \(U\+0000\)/],
      ['name', 'Tina \uD800', /broken character/],
      ['name', 'Tina\nRussell', /one line/],
      ['jobTitle', 'Director\u001b', /control character \(U\+001B\)/],
      ['email', longEmail, /254 characters/],
      ['paEmail', `${'p'.repeat(250)}@example.org`, /254 characters/],
    ] as const) {
      const res = await api('POST', '/api/v1/people', { ...good, [field]: value });
      expect(res.statusCode, field).toBe(422);
      expect(
        res.json().errors.some((e: { field: string; message: string }) => e.field === field && message.test(e.message)),
        res.body,
      ).toBe(true);
    }
    expect(await rows('people')).toBe(0);
    expect((await api('POST', '/api/v1/people', good)).statusCode).toBe(201);
  });

  it('refuses year 0000 and month 13 in editions and the rota, and leaves an edition as it was', async () => {
    for (const month of ['0000-01', '2026-13', '2101-01']) {
      expect((await api('POST', '/api/v1/editions', { title: 'Regional Update', month })).statusCode).toBe(422);
      expect((await api('POST', '/api/v1/rota', { month, person: 'tina@example.org' })).statusCode).toBe(422);
    }
    expect(await rows('editions')).toBe(0);
    const { id } = (await api('POST', '/api/v1/editions', { title: 'Regional Update', month: '2026-05' })).json();
    const res = await api('PATCH', `/api/v1/editions/${id}`, { month: '0000-01', title: 'Changed' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'month', message: 'The year must be between 2000 and 2100' });
    expect((await api('GET', `/api/v1/editions/${id}`)).json()).toMatchObject({ title: 'Regional Update', month: '2026-05' });
  });

  it('answers 404 for ids beyond the integer range', async () => {
    for (const url of [
      '/api/v1/people/99999999999',
      '/api/v1/editions/99999999999999999999',
      '/api/v1/sends/1e20',
      '/api/v1/organisations/-1',
    ]) {
      expect((await api('GET', url)).statusCode, url).toBe(404);
    }
    expect((await api('GET', '/api/v1/people?organisation=99999999999')).statusCode).toBe(422);
    expect((await api('GET', '/api/v1/people?page=99999999999')).statusCode).toBe(422);
  });

  it('refuses a NUL in a subscriber and over-long emails, adding nobody', async () => {
    for (const subscriber of [{ email: 'a@example.org', name: 'A\u0000' }, { email: longEmail }]) {
      const res = await api('POST', '/api/v1/subscribers', { lists: ['Directors'], subscribers: [subscriber] });
      expect(res.statusCode).toBe(422);
    }
    expect(await rows('subscribers')).toBe(0);
    expect(await rows('mailing_lists')).toBe(0);
  });
});

describe('pages refuse bad input with 400 or 404 and change nothing', () => {
  let client: TestClient;
  beforeEach(async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin', org: 'Dudley' });
    client = new TestClient(baton.app, database.db);
    await client.signIn('admin@example.org');
  });

  it('answers 404 for path ids beyond the integer range and a year 0000 month', async () => {
    for (const url of [
      '/attachments/99999999999999999999',
      '/admin/editions/99999999999',
      '/admin/people/1e20',
      '/admin/sends/2147483648',
      '/admin/sends/%0A1/deliveries.csv',
    ]) {
      expect((await client.get(url)).statusCode, url).toBe(404);
    }
    expect((await client.get('/rota/0000-01/introduction')).statusCode).toBe(400);
  });

  it('refuses a NUL in a search, a comment and the join form', async () => {
    expect((await client.get('/search?q=a%00b')).statusCode).toBe(400);
    const e = await bulletin.createEdition(database.db, sys, { title: 'Regional Update – May 2026', month: '2026-05' });
    await bulletin.transition(database.db, sys, e.id, 'publish');
    await client.get(`/updates/${e.slug}`);
    const comment = await client.post(`/updates/${e.slug}/comments`, { body: 'Hello\u0000' });
    expect(comment.statusCode).toBe(400);
    expect(comment.body).toContain('invisible control character (U+0000)');
    expect(await rows('comments')).toBe(0);
    await subs.createList(database.db, sys, { name: 'Directors' });
    const join = await client.post('/subscribe', { list: '1', email: 'new@example.org', name: 'New\u0000Person' });
    expect(join.statusCode).toBe(400);
    expect((await client.post('/subscribe', { list: '99999999999', email: 'new@example.org' })).statusCode).toBe(400);
    expect(await rows('subscribers')).toBe(0);
  });

  it('refuses an office from year 0000 or 30 February, and an item moved to edition 1e20', async () => {
    const person = await addPerson(database.db, { email: 'chair@example.org', accessRole: 'member' });
    for (const startsOn of ['0000-01-01', '2026-02-30']) {
      await client.get('/admin/offices');
      const res = await client.post('/admin/offices', { office: 'chair', personId: String(person.id), startsOn });
      expect(res.statusCode, startsOn).toBe(400);
    }
    expect(await rows('offices')).toBe(0);
    const e = await bulletin.createEdition(database.db, sys, { title: 'Regional Update – May 2026', month: '2026-05' });
    const s = await content.addSection(database.db, sys, e.id, { heading: 'Key updates' });
    const item = await content.addItem(database.db, sys, s.id, { heading: 'An item', body: 'Text' });
    await client.get(`/admin/editions/${e.id}`);
    const res = await client.post(`/admin/items/${item.id}/move`, { edition: '1e20' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose an edition');
    expect(await content.editionOfItem(database.db, item.id)).toBe(e.id);
  });
});

describe('CSV import', () => {
  it('answers an uploaded file with a NUL cell with 400 naming the line, importing nobody', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin', org: 'Dudley' });
    const client = new TestClient(baton.app, database.db);
    await client.signIn('admin@example.org');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await client.get('/admin/people/import')).body)![1]!;
    const boundary = 'sweep';
    const part = (name: string, value: string, file?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: text/csv` : ''}\r\n\r\n${value}\r\n`;
    const payload = `${part('_csrf', csrf)}${part('file', 'name,email,role\nBad\u0000Cell,nul@example.org,director\n', 'people.csv')}--${boundary}--\r\n`;
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await baton.app.inject({
      method: 'POST',
      url: '/admin/people/import',
      payload,
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Line 2, name: Contains an invisible control character (U+0000)');
    expect(await rows('people')).toBe(1);
  });

  it('refuses a NUL cell, a line break in a name and a 100,000-character email, naming the line, and imports nothing', async () => {
    const csv = [
      'name,email,role',
      'Good One,good@example.org,director',
      'Bad\u0000Cell,nul@example.org,director',
      '"Two\nLines",two@example.org,director',
      `Long Email,${longEmail},director`,
    ].join('\n');
    const err = await importPeopleCsv(database.db, sys, csv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, field: 'name', message: expect.stringContaining('U+0000') }),
        expect.objectContaining({ field: 'name', message: 'Must be on one line' }),
        expect.objectContaining({ field: 'email', message: expect.stringContaining('254') }),
      ]),
    );
    expect(await rows('people')).toBe(0);
  });
});

describe('the last-resort net for input the database refuses', () => {
  const refusal = (q: ReturnType<typeof sql>) =>
    database.db.execute(q).then(
      () => null,
      (e: unknown) => e,
    );

  it('recognises the database refusing a NUL, an int4 overflow and year 0000, but not a fault of ours', async () => {
    expect(badInputFromDatabase(await refusal(sql`SELECT ${'a\u0000b'}::text`))).toBe(true);
    expect(badInputFromDatabase(await refusal(sql`SELECT ${'99999999999'}::int4`))).toBe(true);
    expect(badInputFromDatabase(await refusal(sql`SELECT ${'0000-01-01'}::date`))).toBe(true);
    expect(badInputFromDatabase(await refusal(sql`SELECT * FROM no_such_table`))).toBe(false);
  });
});
