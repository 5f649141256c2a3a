import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import * as bulletin from './service.js';

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

const get = (url: string, headers: Record<string, string> = {}) => baton.app.inject({ method: 'GET', url, headers });
async function published(title: string, month: string, extra: Record<string, unknown> = {}) {
  const e = await bulletin.createEdition(database.db, editor, { title, month, ...extra });
  await bulletin.transition(database.db, editor, e.id, 'publish');
  return e;
}

describe('public bulletin pages', () => {
  it('lists published editions newest first and hides drafts', async () => {
    await published('Regional Update – May 2022', '2022-05');
    await published('Regional Update – April 2023', '2023-04');
    await bulletin.createEdition(database.db, editor, { title: 'Secret draft', month: '2023-05' });
    const res = await get('/updates');
    expect(res.statusCode).toBe(200);
    expect(res.body.indexOf('April 2023')).toBeLessThan(res.body.indexOf('May 2022'));
    expect(res.body).not.toContain('Secret draft');
    expect((await get('/updates/secret-draft')).statusCode).toBe(404);
  });

  it('shows an edition with its author, a contents list and anchored sections, safely', async () => {
    await published('Regional Update – June 2023', '2023-06', {
      introduction: {
        author: 'Tina Russell',
        organisation: 'Worcestershire',
        body: 'Hello <script>alert(1)</script> [x](javascript:alert(1))',
      },
      sections: [{ heading: 'Key events', body: '<img src=x onerror=alert(1)> Networking day' }],
    });
    const res = await get('/updates/regional-update-june-2023');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('By Tina Russell, Worcestershire');
    expect(res.body).toContain('<a class="govuk-link" href="#key-events">Key events</a>');
    expect(res.body).toContain('id="key-events"');
    expect(res.body).not.toMatch(/<script>alert|<img|href="javascript:/);
    expect(res.body).toContain('&lt;script&gt;');
  });

  it('serves the public from a cache that a change empties', async () => {
    const e = await published('Cached', '2023-06', { sections: [{ heading: 'Old heading', body: 'x' }] });
    expect((await get('/updates/cached')).headers['x-cache']).toBe('miss');
    expect((await get('/updates/cached')).headers['x-cache']).toBe('hit');
    const auth = await bearer(database.db, 'editor');
    const patch = await baton.app.inject({
      method: 'PATCH',
      url: `/api/v1/editions/${e.id}`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: { sections: [{ heading: 'New heading', body: 'y' }] },
    });
    expect(patch.statusCode).toBe(200);
    const after = await get('/updates/cached');
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.body).toContain('New heading');
    expect(after.body).not.toContain('Old heading');
  });

  it('counts one view per reader per day without cookies or a write per request', async () => {
    await published('Counted', '2023-06');
    for (let i = 0; i < 3; i++) await get('/updates/counted', { 'user-agent': 'reader-a' });
    await get('/updates/counted', { 'user-agent': 'reader-b' });
    const before = await database.query<{ view_count: number }>(sql`SELECT view_count FROM editions WHERE slug = 'counted'`);
    expect(before[0]!.view_count).toBe(0);
    const res = await get('/updates/counted');
    expect(res.headers['set-cookie']).toBeUndefined();
    await baton.close();
    const [row] = await database.query<{ view_count: number }>(sql`SELECT view_count FROM editions WHERE slug = 'counted'`);
    expect(row!.view_count).toBe(3);
    baton = await testBaton(database);
  });

  it('publishes an Atom feed with full content', async () => {
    await published('Feed edition', '2023-06', {
      introduction: { body: 'Full introduction text' },
      sections: [{ heading: 'News', body: 'Full item text' }],
    });
    const res = await get('/updates/feed.xml');
    expect(res.headers['content-type']).toContain('application/atom+xml');
    expect(res.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(res.body).toContain('Feed edition');
    expect(res.body).toContain('Full item text');
    expect(res.body).toContain('http://localhost:3000/updates/feed-edition');
  });

  it('searches published editions, best first, with escaped snippets that mark the words', async () => {
    await published('Hubs edition', '2023-01', {
      sections: [{ heading: 'Family hubs', body: 'Family hubs roll out across the region. Family hubs again. <b>bold</b>' }],
    });
    await published('Other edition', '2023-02', {
      sections: [{ heading: 'Workforce', body: 'Recruitment, and a mention of family hubs.' }],
    });
    await bulletin.createEdition(database.db, editor, {
      title: 'Draft hubs',
      month: '2023-03',
      sections: [{ heading: 'Family hubs', body: 'family hubs family hubs' }],
    });
    const res = await get('/search?q=family+hubs');
    expect(res.body).toContain('2 editions match');
    expect(res.body.indexOf('Hubs edition')).toBeLessThan(res.body.indexOf('Other edition'));
    expect(res.body).not.toContain('Draft hubs');
    expect(res.body).toContain('<mark>Family</mark> <mark>hubs</mark>');
    expect(res.body).not.toContain('<b>bold</b>');
    expect((await get('/search?q=%22unclosed')).statusCode).toBe(200);
  });
});

describe('comments', () => {
  it('holds a member’s comment until an editor approves it', async () => {
    await published('Talk', '2023-06');
    await addPerson(database.db, { email: 'reader@example.org', name: 'Rita Reader' });
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const reader = new TestClient(baton.app, database.db);
    expect((await reader.get('/updates/talk')).body).toContain('to comment');
    await reader.signIn('reader@example.org');
    const empty = await reader.post('/updates/talk/comments', { body: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write your comment');
    const sent = await reader.post('/updates/talk/comments', { body: 'Great edition <script>x</script>' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/updates/talk#comments');
    expect((await reader.get('/updates/talk')).body).toContain('will appear once an editor has approved it');
    expect((await get('/updates/talk')).body).not.toContain('Great edition');
    const ed = new TestClient(baton.app, database.db);
    await ed.signIn('ed@example.org');
    const queue = await ed.get('/admin/comments');
    const id = /\/admin\/comments\/(\d+)\/approve/.exec(queue.body)![1]!;
    await ed.post(`/admin/comments/${id}/approve`);
    const page = (await get('/updates/talk')).body;
    expect(page).toContain('Great edition &lt;script&gt;');
    expect(page).toContain('Rita Reader');
    expect(page).toContain('1 comment');
  });
});

describe('editions API', () => {
  it('creates, reads, changes and publishes an edition', async () => {
    const auth = { ...(await bearer(database.db, 'editor')), 'content-type': 'application/json' };
    const created = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/editions',
      headers: auth,
      payload: {
        title: 'Regional Update – July 2023',
        month: '2023-07',
        introduction: { author: 'Jo Britton', body: 'Hello' },
        sections: [{ heading: 'News', body: 'Item' }],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(Number), slug: 'regional-update-july-2023' });
    const id = created.json().id;
    const got = await baton.app.inject({ method: 'GET', url: `/api/v1/editions/${id}`, headers: auth });
    expect(got.json()).toMatchObject({
      status: 'draft',
      month: '2023-07',
      introduction: { author: 'Jo Britton' },
      sections: [{ heading: 'News', items: [{ body: 'Item' }] }],
    });
    const patched = await baton.app.inject({
      method: 'PATCH',
      url: `/api/v1/editions/${id}`,
      headers: auth,
      payload: { title: 'Regional Update – July 2023 (revised)' },
    });
    expect(patched.json().title).toBe('Regional Update – July 2023 (revised)');
    const pub = await baton.app.inject({ method: 'POST', url: `/api/v1/editions/${id}/publish`, headers: auth });
    expect(pub.json().status).toBe('published');
    expect((await get('/updates/regional-update-july-2023')).statusCode).toBe(200);
    const bad = await baton.app.inject({ method: 'POST', url: '/api/v1/editions', headers: auth, payload: { title: 'x', month: 'July' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'month' })]);
    const member = { ...(await bearer(database.db, 'member')), 'content-type': 'application/json' };
    expect(
      (await baton.app.inject({ method: 'POST', url: '/api/v1/editions', headers: member, payload: { title: 'x', month: '2023-01' } }))
        .statusCode,
    ).toBe(403);
  });
});

describe('editors’ pages', () => {
  it('escape headings everywhere, including inside buttons', async () => {
    const e = await bulletin.createEdition(database.db, editor, {
      title: 'T',
      month: '2023-06',
      sections: [{ heading: '<img src=x onerror=alert(1)>', items: [{ heading: '<script>alert(2)</script>', body: 'b' }] }],
    });
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const ed = new TestClient(baton.app, database.db);
    await ed.signIn('ed@example.org');
    const page = await ed.get(`/admin/editions/${e.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/<img src=x|<script>alert/);
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('re-renders the edition page with the error summary when a form is refused', async () => {
    const e = await bulletin.createEdition(database.db, editor, { title: 'T', month: '2023-06' });
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const ed = new TestClient(baton.app, database.db);
    await ed.signIn('ed@example.org');
    const res = await ed.post(`/admin/editions/${e.id}/details`, { title: '', month: '2023-6' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('Give the month as YYYY-MM');
    expect((await bulletin.editionForEditor(database.db, editor, e.id)).edition.title).toBe('T');
  });
});
