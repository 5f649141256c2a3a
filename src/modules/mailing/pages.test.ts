import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, testBaton } from '../../../test/helpers/app.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import * as bulletin from '../bulletin/service.js';
import { saveBulletinSettings } from '../bulletin/public.js';
import { emailEdition } from '../bulletin/read-model.js';
import * as sends from './sends.js';
import * as subs from './subscriptions.js';

// The editors' mailing pages over HTTP (issue 12 item 2) and the queries they send (item 4).
let database: TestDatabase;
let baton: Baton;
let ed: TestClient;
const editor = systemActor('editor');
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
  await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
  ed = new TestClient(baton.app, database.db);
  await ed.signIn('ed@example.org');
});

async function edition() {
  const { id } = await bulletin.createEdition(database.db, editor, {
    title: 'Regional Update – June 2023',
    month: '2023-06',
    introduction: { author: 'Tina Russell', organisation: 'Worcestershire', body: 'This month I pick up the **baton**.' },
    sections: [
      { heading: 'Key events', body: 'Networking day on [19 May](https://example.org/day)' },
      { heading: 'Practice', body: 'Second section' },
    ],
  });
  await bulletin.transition(database.db, editor, id, 'publish');
  await subs.upsertSubscribers(database.db, editor, {
    lists: ['Regional Update'],
    subscribers: [1, 2, 3].map((i) => ({ email: `r${i}@example.org`, name: `R ${i}` })),
  });
  return id;
}
const listId = async () => (await subs.allLists(database.db, editor))[0]!.id;

describe('scheduling and controlling a send over HTTP', () => {
  it('schedules a send for later, then pauses, resumes and cancels it, each a POST that redirects with a notice', async () => {
    const id = await edition();
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
    const past = await ed.post(`/admin/editions/${id}/email/send`, { list: String(await listId()), scheduledAt: '2001-01-01T09:00' });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('Choose a time in the future');
    const res = await ed.post(`/admin/editions/${id}/email/send`, { list: String(await listId()), scheduledAt: at });
    expect(res.statusCode).toBe(303);
    const sendUrl = String(res.headers.location);
    const sendId = Number(sendUrl.split('/').pop());
    const page = await ed.get(sendUrl);
    expect(page.body).toContain('The send is scheduled');
    expect(page.body).toContain('starts');
    expect((await sends.progress(database.db, editor, sendId)).send.scheduledAt).not.toBeNull();

    const status = async () => (await sends.progress(database.db, editor, sendId)).status;
    const pause = await ed.post(`${sendUrl}/pause`);
    expect(pause.statusCode).toBe(303);
    expect(pause.headers.location).toBe(sendUrl);
    expect(await status()).toBe('paused');
    expect((await ed.get(sendUrl)).body).toContain('The send is paused');
    expect((await ed.post(`${sendUrl}/pause`)).statusCode).toBe(400); // a paused send cannot be paused
    expect((await ed.post(`${sendUrl}/resume`)).statusCode).toBe(303);
    expect(await status()).toBe('queued'); // it never started, so it waits for its time again
    expect((await ed.post(`${sendUrl}/cancel`)).statusCode).toBe(303);
    expect(await status()).toBe('cancelled');
    expect((await ed.get(sendUrl)).body).toContain('nothing more will go out');
    expect((await ed.post(`${sendUrl}/resume`)).statusCode).toBe(400);
    const json = await ed.get(`${sendUrl}/progress.json`);
    expect(JSON.parse(json.body)).toMatchObject({ status: 'cancelled' });
  });
});

describe('list pages over HTTP', () => {
  it('adds a list (with its joining settings), refuses a duplicate name in words, and adds a subscriber', async () => {
    const none = await ed.post('/admin/lists', { name: '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Enter a name');
    const add = await ed.post('/admin/lists', { name: 'Principal social workers', description: 'PSWs', requiresApproval: 'yes' });
    expect(add.statusCode).toBe(303);
    expect((await ed.get('/admin/lists')).body).toContain('Added the list Principal social workers');
    const [list] = await subs.allLists(database.db, editor);
    expect(list).toMatchObject({ name: 'Principal social workers', public: false, requiresApproval: true });
    const dup = await ed.post('/admin/lists', { name: 'principal social workers' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('already exists');
    expect(dup.body).toContain('value="principal social workers"');

    const bad = await ed.post(`/admin/lists/${list!.id}`, { email: 'not an address' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#email"');
    const ok = await ed.post(`/admin/lists/${list!.id}`, { email: 'psw@example.org', name: 'Pat' });
    expect(ok.statusCode).toBe(303);
    const page = await ed.get(String(ok.headers.location));
    expect(page.body).toContain('psw@example.org');
    expect((await ed.get('/admin/lists/999')).statusCode).toBe(404);
  });
});

describe('queries per page', () => {
  it('the lists page, a list, the email page and the email edition each send a few queries', async () => {
    const id = await edition();
    await saveBulletinSettings(database.db, editor, {
      forwardingNote: 'Forward with care',
      feedbackEmail: 'news@example.org',
      mailingListUrl: '/subscribe',
    });
    const count = async (url: string) => {
      const { result, statements } = await database.countQueries(() => ed.get(url));
      expect(result.statusCode).toBe(200);
      return statements.length;
    };
    const lists = await count("/admin/lists");
    const list = await count(`/admin/lists/${await listId()}`);
    const email = await count(`/admin/editions/${id}/email`);
    const { result: source, statements } = await database.countQueries(() => emailEdition(database.db, id));
    // Two for the session and its person, then what the page shows: one query per thing.
    expect({ lists, list, email }).toEqual({ lists: 2 + 1, list: 2 + 5, email: 2 + 4 });
    expect(source.sections.map((s) => s.heading)).toEqual(['Key events', 'Practice']);
    expect(source.settings.forwardingNote).toBe('Forward with care');
    expect(statements).toHaveLength(3); // the edition, its sections with items, the settings (one query, not three)
  });
});
