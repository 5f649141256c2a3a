import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { addPerson, testBaton, TestClient } from '../../../test/helpers/app.js';
import type { Baton } from '../../server.js';
import { paths } from '../../platform/http/paths.js';
import { listAllOrganisations } from './service.js';

// The organisation pages are written with the page helper: these tests pin what the helper does for every form.
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

async function editor() {
  await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
  const client = new TestClient(baton.app, database.db);
  await client.signIn('ed@example.org');
  return client;
}

describe('a form page', () => {
  it('re-renders a refused form with the error summary and what was typed, and stores nothing', async () => {
    const client = await editor();
    const res = await client.post(paths.adminOrganisationsNew, { name: '   ', kind: 'trust' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#name">Enter a name</a>');
    expect(res.body).toMatch(/value="trust" checked/);
    expect(await listAllOrganisations(database.db)).toEqual([]);
  });

  it('redirects after a save and says what was done once, on the next page only', async () => {
    const client = await editor();
    const res = await client.post(paths.adminOrganisationsNew, { name: 'Dudley', kind: 'council' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(paths.adminOrganisations);
    const next = await client.get(paths.adminOrganisations);
    expect(next.body).toContain('govuk-notification-banner--success');
    expect(next.body).toContain('Added Dudley');
    const again = await client.get(paths.adminOrganisations);
    expect(again.body).not.toContain('Added Dudley');
  });

  it('shows the saved values on the edit page and saves a change', async () => {
    const client = await editor();
    await client.post(paths.adminOrganisationsNew, { name: 'Dudley', kind: 'council' });
    const [org] = await listAllOrganisations(database.db);
    const page = await client.get(paths.adminOrganisation(org!.id));
    expect(page.body).toContain('value="Dudley"');
    const res = await client.post(paths.adminOrganisation(org!.id), { name: 'Dudley MBC', kind: 'council' });
    expect(res.statusCode).toBe(303);
    expect((await listAllOrganisations(database.db))[0]!.name).toBe('Dudley MBC');
  });

  it('refuses a member before reading the form, and answers 404 for an organisation that does not exist', async () => {
    await addPerson(database.db, { email: 'm@example.org', accessRole: 'member' });
    const member = new TestClient(baton.app, database.db);
    await member.signIn('m@example.org');
    expect((await member.post(paths.adminOrganisationsNew, { name: '' })).statusCode).toBe(403);
    const client = await editor();
    expect((await client.get(paths.adminOrganisation(999_999))).statusCode).toBe(404);
  });
});
