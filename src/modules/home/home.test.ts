import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, testBaton } from '../../../test/helpers/app.js';
import { registerFeature } from '../../platform/http/features.js';
import type { Baton } from '../../server.js';

let database: TestDatabase;
let baton: Baton;
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const home = async (client?: TestClient) => (client ? await client.get('/') : await baton.app.inject({ method: 'GET', url: '/' })).body;
const menu = (body: string) => body.slice(body.indexOf('aria-label="Menu"'), body.indexOf('</nav>'));

describe('the home page', () => {
  it('describes only what exists: events, but no programmes or priority plan until a module registers them', async () => {
    const body = await home();
    expect(body).toContain('Regional Update');
    expect(body).toContain('href="/directory"');
    expect(body).not.toMatch(/programmes|priority plan/i);
    expect(menu(body)).toContain('href="/events"');
    expect(menu(body)).toContain('href="/updates"');
    // What the public may not use is not offered to them.
    expect(body).not.toContain('Introduction rota');
  });

  it('shows a feature, and its menu link, once its module registers it; each to whom the policy allows', async () => {
    registerFeature(baton.app, { title: 'Programmes', summary: 'Leadership programmes and how to apply.', href: '/programmes', nav: true });
    registerFeature(baton.app, {
      title: 'Priority plan',
      summary: 'The regional priority plan.',
      href: '/plan',
      visible: (can) => can('rota.manage'),
    });
    const body = await home();
    expect(body).toContain('Leadership programmes and how to apply.');
    expect(menu(body)).toContain('href="/programmes"');
    expect(body).not.toContain('The regional priority plan.');
    await addPerson(database.db, { email: 'team@example.org', name: 'Regional Team', accessRole: 'editor', role: 'regional-team' });
    const team = new TestClient(baton.app, database.db);
    await team.signIn('team@example.org');
    const theirs = await home(team);
    expect(theirs).toContain('The regional priority plan.');
    expect(theirs).toContain('Introduction rota');
    expect(menu(theirs)).not.toContain('href="/plan"');
  });
});
