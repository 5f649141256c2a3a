import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { TestClient, addPerson, testBaton } from './helpers/app.js';
import { systemActor } from '../src/platform/actor.js';
import type { Baton } from '../src/server.js';
import * as bulletin from '../src/modules/bulletin/service.js';

// The edition editor's buttons and forms over HTTP, as an editor uses them: each checks what changed in the database.
let database: TestDatabase;
let baton: Baton;
let ed: TestClient;
const system = systemActor('editor');

beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
let signIns = 0;
beforeEach(async () => {
  await database.reset();
  // A fresh address per test: sign-in emails to one address are rate-limited.
  const email = `ed${++signIns}@example.org`;
  await addPerson(database.db, { email, accessRole: 'editor' });
  ed = new TestClient(baton.app, database.db);
  await ed.signIn(email);
});

async function edition() {
  return bulletin.createEdition(database.db, system, {
    title: 'Regional Update – May 2026',
    month: '2026-05',
    sections: [
      { heading: 'Key events', items: [{ heading: 'One', body: 'a' }, { heading: 'Two', body: 'b' }, { heading: 'Three', body: 'c' }] },
      { heading: 'Workforce', body: 'w' },
      { heading: 'Research', body: 'r' },
    ],
  });
}
const tree = (id: number) => bulletin.editionForEditor(database.db, system, id);
const headings = async (id: number) => (await tree(id)).sections.map((s) => s.heading);
const itemHeadings = async (id: number) => (await tree(id)).sections[0]!.items.map((i) => i.heading);

/** Follows a 303 and answers the page it leads to. */
async function follow(res: { statusCode: number; headers: Record<string, unknown> }) {
  expect(res.statusCode).toBe(303);
  return ed.get(String(res.headers.location));
}

async function upload(url: string, csrf: string, file: { name: string; type: string; data: string }, fields: Record<string, string> = {}) {
  const boundary = 'baton-editor-boundary';
  const parts = [
    ...Object.entries({ _csrf: csrf, ...fields }).map(
      ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
    ),
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.data}\r\n`,
    `--${boundary}--\r\n`,
  ];
  const res = await baton.app.inject({
    method: 'POST',
    url,
    payload: Buffer.from(parts.join('')),
    headers: { cookie: [...ed.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  for (const c of res.cookies) ed.cookies.set(c.name, c.value);
  return res;
}

describe('the edition editor', () => {
  it('moves a section up and down, one place, and says so', async () => {
    const { id } = await edition();
    const [, workforce, research] = (await tree(id)).sections;
    const up = await ed.post(`/admin/sections/${research!.id}/up`, { anchor: `s${research!.id}` });
    expect(up.headers.location).toBe(`/admin/editions/${id}#s${research!.id}`);
    expect(await headings(id)).toEqual(['Key events', 'Research', 'Workforce']);
    expect((await follow(up)).body).toContain('Moved the section &#39;Research&#39; up');
    await ed.post(`/admin/sections/${workforce!.id}/up`);
    expect(await headings(id)).toEqual(['Key events', 'Workforce', 'Research']);
    await ed.post(`/admin/sections/${workforce!.id}/down`);
    expect(await headings(id)).toEqual(['Key events', 'Research', 'Workforce']);
    // The last section moved down stays where it is.
    await ed.post(`/admin/sections/${workforce!.id}/down`);
    expect(await headings(id)).toEqual(['Key events', 'Research', 'Workforce']);
  });

  it('moves an item up and down within its section', async () => {
    const { id } = await edition();
    const [one, two, three] = (await tree(id)).sections[0]!.items;
    // The editor lists items compactly: a summary list row each, no "Up" on the first nor "Down" on the last.
    const page = (await ed.get(`/admin/editions/${id}`)).body;
    expect(page).toContain('govuk-summary-list');
    expect(page).not.toContain(`/admin/items/${one!.id}/up`);
    expect(page).toContain(`/admin/items/${one!.id}/down`);
    expect(page).not.toContain(`/admin/items/${three!.id}/down`);
    expect(page).toContain(`href="/admin/items/${two!.id}/delete"`);
    await ed.post(`/admin/items/${three!.id}/up`);
    expect(await itemHeadings(id)).toEqual(['One', 'Three', 'Two']);
    await ed.post(`/admin/items/${one!.id}/down`);
    expect(await itemHeadings(id)).toEqual(['Three', 'One', 'Two']);
    await ed.post(`/admin/items/${two!.id}/down`);
    expect(await itemHeadings(id)).toEqual(['Three', 'One', 'Two']);
  });

  it('deletes a section, an item and an edition only after a confirm page', async () => {
    const { id } = await edition();
    const [keyEvents, workforce] = (await tree(id)).sections;
    const confirm = await ed.get(`/admin/sections/${workforce!.id}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Are you sure you want to delete the section &#39;Workforce&#39;?');
    expect(await headings(id)).toHaveLength(3);
    expect((await follow(await ed.post(`/admin/sections/${workforce!.id}/delete`))).body).toContain('Deleted the section');
    expect(await headings(id)).toEqual(['Key events', 'Research']);

    const item = keyEvents!.items[1]!;
    expect((await ed.get(`/admin/items/${item.id}/delete`)).body).toContain('delete the item &#39;Two&#39;?');
    await ed.post(`/admin/items/${item.id}/delete`);
    expect(await itemHeadings(id)).toEqual(['One', 'Three']);

    expect((await ed.get(`/admin/editions/${id}/delete`)).body).toContain('Yes, delete it');
    const gone = await ed.post(`/admin/editions/${id}/delete`);
    expect(gone.headers.location).toBe('/admin/editions');
    expect((await follow(gone)).body).toContain('Deleted the edition Regional Update – May 2026');
    expect((await ed.get(`/admin/editions/${id}`)).statusCode).toBe(404);
  });

  it('moves an item to another edition', async () => {
    const { id } = await edition();
    const other = await bulletin.createEdition(database.db, system, { title: 'June', month: '2026-06' });
    const item = (await tree(id)).sections[0]!.items[0]!;
    const refused = await ed.post(`/admin/items/${item.id}/move`, { edition: '' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Choose an edition');
    await ed.post(`/admin/items/${item.id}/move`, { edition: String(other.id) });
    expect(await itemHeadings(id)).toEqual(['Two', 'Three']);
    expect((await tree(other.id)).sections.map((s) => [s.heading, s.items.map((i) => i.heading)])).toEqual([['Key events', ['One']]]);
  });

  it('attaches, replaces and removes an item’s file', async () => {
    const { id } = await edition();
    const item = (await tree(id)).sections[0]!.items[0]!;
    const page = await ed.get(`/admin/items/${item.id}`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const bad = await upload(`/admin/items/${item.id}/attachments`, csrf, { name: 'x.exe', type: 'application/x-msdownload', data: 'MZ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The file must be a PDF');
    const added = await upload(`/admin/items/${item.id}/attachments`, csrf, { name: 'flyer.csv', type: 'text/csv', data: 'a,b' });
    expect((await follow(added)).body).toContain('Attached flyer.csv');
    const [a] = (await tree(id)).sections[0]!.items[0]!.attachments;
    expect(a!.filename).toBe('flyer.csv');
    const replaced = await upload(
      `/admin/items/${item.id}/attachments`,
      csrf,
      { name: 'flyer-v2.csv', type: 'text/csv', data: 'c,d' },
      { replace: String(a!.id) },
    );
    expect((await follow(replaced)).body).toContain('Replaced the attachment with flyer-v2.csv');
    const after = (await tree(id)).sections[0]!.items[0]!.attachments;
    expect(after.map((x) => [x.id, x.filename])).toEqual([[a!.id, 'flyer-v2.csv']]);
    expect((await ed.get(`/attachments/${a!.id}`)).body).toBe('c,d');
    expect((await ed.get(`/admin/attachments/${a!.id}/delete`)).body).toContain('delete the attachment flyer-v2.csv?');
    expect((await follow(await ed.post(`/admin/attachments/${a!.id}/delete`))).body).toContain('Removed the attachment flyer-v2.csv');
    expect((await tree(id)).sections[0]!.items[0]!.attachments).toEqual([]);
  });

  it('saves the edition’s title, introduction and a new section, each with a banner', async () => {
    const { id } = await edition();
    const saved = await ed.post(`/admin/editions/${id}/details`, { title: 'Regional Update – June 2026', month: '2026-06' });
    expect((await follow(saved)).body).toContain('Saved the title and month');
    const e = (await tree(id)).edition;
    expect([e.title, e.month]).toEqual(['Regional Update – June 2026', '2026-06-01']);
    const bad = await ed.post(`/admin/editions/${id}/details`, { title: '', month: '2026-13' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    await ed.post(`/admin/editions/${id}/sections`, { heading: 'Dates', standing: 'yes' });
    const dates = (await tree(id)).sections.at(-1)!;
    expect([dates.heading, dates.standing]).toEqual(['Dates', true]);
    // Saving the section with the box unticked makes it not standing.
    expect((await follow(await ed.post(`/admin/sections/${dates.id}/update`, { heading: 'Dates ahead' }))).body).toContain(
      'Saved the section &#39;Dates ahead&#39;',
    );
    expect((await tree(id)).sections.at(-1)).toMatchObject({ heading: 'Dates ahead', standing: false });
  });
});

describe('bulletin settings', () => {
  it('saves and redirects with a banner, or re-renders with the problem', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const bad = await admin.post('/admin/bulletin-settings', { forwardingNote: 'x', feedbackEmail: 'nope', mailingListUrl: '/subscribe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    const ok = await admin.post('/admin/bulletin-settings', {
      forwardingNote: 'Forward freely',
      feedbackEmail: 'team@example.org',
      mailingListUrl: '/subscribe',
    });
    expect(ok.statusCode).toBe(303);
    const page = await admin.get(String(ok.headers.location));
    expect(page.body).toContain('Saved the bulletin settings');
    expect(page.body).toContain('team@example.org');
  });
});

describe('starting an edition', () => {
  it('refuses a second edition for a month, naming the one there', async () => {
    await edition();
    const res = await ed.post('/admin/editions', { title: 'Another May', month: '2026-05' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is already an edition for May 2026 (Regional Update – May 2026)');
    const other = await bulletin.createEdition(database.db, system, { title: 'June', month: '2026-06' });
    const moved = await ed.post(`/admin/editions/${other.id}/details`, { title: 'June', month: '2026-05' });
    expect(moved.statusCode).toBe(400);
    expect(moved.body).toContain('There is already an edition for May 2026');
  });

  it('copies last month’s standing headings and says so, including when there were none', async () => {
    const none = await ed.post('/admin/editions', { title: 'First ever', month: '2026-01', fromPrevious: '1' });
    expect((await follow(none)).body).toContain('There was no earlier edition, so there were no standing sections to copy');
    const noStanding = await ed.post('/admin/editions', { title: 'February', month: '2026-02', fromPrevious: '1' });
    expect((await follow(noStanding)).body).toContain('First ever had no standing sections, so there were none to copy');
    await bulletin.createEdition(database.db, system, {
      title: 'March',
      month: '2026-03',
      sections: [{ heading: 'Key dates', standing: true, body: 'old news' }, { heading: 'One-off', body: 'x' }],
    });
    const copied = await ed.post('/admin/editions', { title: 'April', month: '2026-04', fromPrevious: '1' });
    expect((await follow(copied)).body).toContain('Created April with 1 standing section from March (headings only): Key dates');
    const id = Number(/(\d+)$/.exec(String(copied.headers.location))![1]);
    expect((await tree(id)).sections.map((s) => [s.heading, s.items.length])).toEqual([['Key dates', 0]]);
  });
});
