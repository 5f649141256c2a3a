import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, testBaton } from '../../../test/helpers/app.js';
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

describe('the web app', () => {
  it('answers /healthz with {"status":"ok"}', async () => {
    const res = await baton.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('sends a strict Content-Security-Policy and other security headers', async () => {
    const res = await baton.app.inject({ method: 'GET', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script(?![^>]*src=)/);
  });

  it('shows a 404 page that leaks nothing', async () => {
    const res = await baton.app.inject({ method: 'GET', url: '/no/such/page' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Page not found');
    const api = await baton.app.inject({ method: 'GET', url: '/api/nothing' });
    expect(api.statusCode).toBe(404);
  });

  it('sets session cookies httpOnly, SameSite and Secure', async () => {
    await addPerson(database.db, { email: 'cookie@example.org' });
    const c = new TestClient(baton.app, database.db);
    const res = await c.signIn('cookie@example.org');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/baton_session=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
  });

  it('sends the public to sign in, and refuses members the admin pages', async () => {
    const anon = new TestClient(baton.app, database.db);
    const res = await anon.get('/admin/people');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in?next=%2Fadmin%2Fpeople');
    await addPerson(database.db, { email: 'member@example.org', accessRole: 'member' });
    const member = new TestClient(baton.app, database.db);
    await member.signIn('member@example.org');
    expect((await member.get('/admin/people')).statusCode).toBe(403);
    expect((await member.get('/directory')).body).toContain('member@example.org'.split('@')[0]);
  });

  it('lets an editor add a person through the form, re-rendering errors with the values typed', async () => {
    await addPerson(database.db, { email: 'editor@example.org', accessRole: 'editor', org: 'Shropshire' });
    const editor = new TestClient(baton.app, database.db);
    await editor.signIn('editor@example.org');
    const bad = await editor.post('/admin/people/new', { name: 'Half Done', email: 'wrong', role: 'director' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('value="Half Done"');
    expect(bad.body).toContain('href="#email"');
    const ok = await editor.post('/admin/people/new', { name: 'Whole', email: 'whole@example.org', role: 'director', organisation: '' });
    expect(ok.statusCode).toBe(303);
    const list = await editor.get('/admin/people?q=whole');
    expect(list.body).toContain('whole@example.org');
    expect((await editor.get('/admin/audit')).statusCode).toBe(403);
  });

  it('shows admins the audit log and the outbox, and exports people as CSV', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin', name: 'Ada <script>alert(1)</script>' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const audit = await admin.get('/admin/audit');
    expect(audit.body).toContain('person.create');
    expect(audit.body).toContain('signed in');
    expect(audit.body).not.toContain('<script>alert(1)</script>');
    expect(audit.body).toContain('&lt;script&gt;');
    const outbox = await admin.get('/admin/outbox');
    expect(outbox.body).toContain('Sign in to');
    const csv = await admin.get('/admin/people/export.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('\uFEFFname,email,job_title,organisation,role,pa_email,access_role');
  });

  it('imports a CSV upload through the page, listing bad lines and applying nothing', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const bad = await admin.post('/admin/people/import', { csv: 'name,email,role\nGood,good@example.org,director\nBad,bad,director\n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Line 3, email');
    expect((await admin.get('/admin/people?q=good')).body).not.toContain('good@example.org');
    const good = await admin.post('/admin/people/import', { csv: 'name,email,role\nGood,good@example.org,director\n' });
    expect(good.body).toContain('1 added, 0 updated');
  });

  it('creates an API token once and lets an admin revoke it', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const page = await admin.post('/admin/tokens', { name: 'sync', role: 'member' });
    const token = /id="new-token">([^<]+)</.exec(page.body)![1]!;
    const call = () => baton.app.inject({ method: 'GET', url: '/api/v1/people', headers: { authorization: `Bearer ${token}` } });
    expect((await call()).statusCode).toBe(200);
    const id = /\/admin\/tokens\/(\d+)\/revoke/.exec(page.body)![1]!;
    await admin.post(`/admin/tokens/${id}/revoke`);
    expect((await call()).statusCode).toBe(401);
  });
});

describe('paged lists', () => {
  it('show one page when everything fits on it', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const outbox = await admin.get('/admin/outbox');
    expect(outbox.body).not.toContain('Page 1 of');
    const id = /\/admin\/outbox\/(\d+)/.exec(outbox.body)![1]!;
    const html = await admin.get(`/admin/outbox/${id}/html`);
    expect(html.body).toContain('Sign in');
    expect(String(html.headers['content-security-policy'])).toContain("default-src 'none'");
  });
});

describe('a director', () => {
  it('edits the people of their own organisation from the directory, and no one else', async () => {
    await addPerson(database.db, { email: 'dcs@example.org', accessRole: 'director', org: 'Solihull', name: 'Dee Director' });
    const own = await addPerson(database.db, { email: 'tm@example.org', org: 'Solihull', name: 'Tam Manager', role: 'team-manager' });
    const other = await addPerson(database.db, { email: 'x@example.org', org: 'Dudley', name: 'Xander Other', role: 'team-manager' });
    const dcs = new TestClient(baton.app, database.db);
    await dcs.signIn('dcs@example.org');
    const page = await dcs.get('/directory');
    expect(page.body).toContain(`href="/admin/people/${own.id}"`);
    expect(page.body).not.toContain(`href="/admin/people/${other.id}"`);
    const saved = await dcs.post(`/admin/people/${own.id}`, {
      name: 'Tam Manager',
      email: 'tm@example.org',
      role: 'team-manager',
      organisation: String(own.organisationId),
      jobTitle: 'Team Manager, Front Door',
    });
    expect(saved.statusCode).toBe(303);
    expect((await dcs.post(`/admin/people/${other.id}`, { name: 'Hacked', email: 'x@example.org', role: 'other' })).statusCode).toBe(403);
    expect((await dcs.get('/admin/people')).statusCode).toBe(403);
  });
});
