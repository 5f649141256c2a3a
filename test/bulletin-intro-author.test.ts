import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { TestClient, addPerson, testBaton } from './helpers/app.js';
import { systemActor } from '../src/platform/actor.js';
import type { Baton } from '../src/server.js';
import * as bulletin from '../src/modules/bulletin/service.js';

// The introduction's author over HTTP (its own file: sign-ins are rate-limited per address and client), as an editor uses them: each checks what changed in the database.
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

describe('the introduction’s author', () => {
  it('fills name, organisation and sign-off from the chosen director, and never signs off twice', async () => {
    const grace = await addPerson(database.db, { email: 'grace@example.org', name: 'Grace Iqbal', org: 'Walsall' });
    await addPerson(database.db, { email: 'hos@example.org', name: 'Harry Head', role: 'head-of-service' });
    const { id, slug } = await edition();
    const editor = (await ed.get(`/admin/editions/${id}`)).body;
    expect(editor).toContain('Grace Iqbal, Walsall');
    expect(editor).not.toContain('Harry Head');
    await ed.post(`/admin/editions/${id}/introduction`, {
      personId: String(grace.id),
      author: '',
      organisation: '',
      body: 'Thank you all for a busy month.\n\nBest wishes\nGrace Iqbal',
      signOff: '',
    });
    const e = (await tree(id)).edition;
    expect([e.introAuthor, e.introOrganisation, e.introSignOff]).toEqual(['Grace Iqbal', 'Walsall', 'Best wishes']);
    await bulletin.transition(database.db, system, id, 'publish');
    const page = (await ed.get(`/updates/${slug}`)).body;
    expect(page).toContain('By Grace Iqbal, Walsall');
    expect(page.match(/Best wishes/g)).toHaveLength(1);
    await ed.post(`/admin/editions/${id}/introduction`, { personId: String(grace.id), author: 'Grace Iqbal', organisation: 'Walsall', body: 'No sign-off here.', signOff: '' });
    const again = (await ed.get(`/updates/${slug}`)).body;
    expect(again.match(/Best wishes/g)).toHaveLength(1);
    expect(again).toContain('<strong>Grace Iqbal</strong>');
  });
});
