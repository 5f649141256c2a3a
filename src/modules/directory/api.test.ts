import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { bearer, testBaton } from '../../../test/helpers/app.js';
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

const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, auth: Record<string, string>, payload?: unknown) =>
  baton.app.inject({
    method,
    url,
    headers: { ...auth, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    payload: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('JSON API: people and organisations', () => {
  it('asks for a bearer token', async () => {
    const res = await api('GET', '/api/v1/people', {});
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toContain('Bearer');
    expect((await api('GET', '/api/v1/people', { authorization: 'Bearer nonsense' })).statusCode).toBe(401);
  });

  it('creates, gets, lists with paging and updates', async () => {
    const auth = await bearer(database.db, 'editor');
    const org = await api('POST', '/api/v1/organisations', auth, { name: 'Telford and Wrekin', kind: 'council' });
    expect(org.statusCode).toBe(201);
    expect(org.json()).toEqual({ id: expect.any(Number), name: 'Telford and Wrekin', kind: 'council' });
    const person = await api('POST', '/api/v1/people', auth, {
      name: 'Jo Britton',
      email: 'jo@example.org',
      organisation: 'Telford and Wrekin',
      role: 'director',
      jobTitle: 'DCS',
      paEmail: 'pa.jo@example.org',
    });
    expect(person.statusCode).toBe(201);
    expect(person.json()).toEqual({
      id: expect.any(Number),
      name: 'Jo Britton',
      email: 'jo@example.org',
      jobTitle: 'DCS',
      organisation: { id: org.json().id, name: 'Telford and Wrekin' },
      role: 'director',
      paEmail: 'pa.jo@example.org',
    });
    const byId = await api('POST', '/api/v1/people', auth, {
      name: 'By Id',
      email: 'byid@example.org',
      organisation: org.json().id,
      role: 'team-manager',
    });
    expect(byId.json().organisation.name).toBe('Telford and Wrekin');
    for (let i = 0; i < 3; i++) await api('POST', '/api/v1/people', auth, { name: `Z${i}`, email: `z${i}@example.org`, role: 'other' });
    const page2 = await api('GET', '/api/v1/people?page=2&perPage=2', auth);
    expect(page2.json()).toMatchObject({ page: 2, perPage: 2, total: 5 });
    expect(page2.json().items).toHaveLength(2);
    const patched = await api('PATCH', `/api/v1/people/${person.json().id}`, auth, { jobTitle: 'Director of Children’s Services' });
    expect(patched.json()).toMatchObject({ jobTitle: 'Director of Children’s Services', email: 'jo@example.org' });
    expect((await api('GET', `/api/v1/people/${person.json().id}`, auth)).json().jobTitle).toBe('Director of Children’s Services');
    expect((await api('GET', '/api/v1/organisations', auth)).json()).toMatchObject({ total: 1, items: [{ name: 'Telford and Wrekin' }] });
    expect((await api('PATCH', `/api/v1/organisations/${org.json().id}`, auth, { kind: 'trust' })).json().kind).toBe('trust');
    expect((await api('GET', '/api/v1/people/999999', auth)).statusCode).toBe(404);
  });

  it('answers 422 naming each bad field, and 400 for unreadable JSON', async () => {
    const auth = await bearer(database.db, 'admin');
    const bad = await api('POST', '/api/v1/people', auth, { name: '', email: 'nope', role: 'wizard', organisation: 'Nowhere' });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['email', 'name', 'role']);
    const unknownOrg = await api('POST', '/api/v1/people', auth, {
      name: 'A',
      email: 'a@example.org',
      role: 'other',
      organisation: 'Nowhere',
    });
    expect(unknownOrg.statusCode).toBe(422);
    expect(unknownOrg.json().errors).toEqual([{ field: 'organisation', message: 'No organisation named Nowhere' }]);
    const kind = await api('POST', '/api/v1/organisations', auth, { name: 'X', kind: 'county' });
    expect(kind.statusCode).toBe(422);
    expect(kind.json().errors[0].field).toBe('kind');
    expect((await api('POST', '/api/v1/organisations', auth, '{"name":')).statusCode).toBe(400);
    expect((await api('GET', '/api/v1/people?perPage=100000', auth)).json().errors[0].field).toBe('perPage');
    expect((await api('GET', '/api/v1/people', auth)).json().total).toBe(0);
  });

  it('lets a member token read but not write', async () => {
    const auth = await bearer(database.db, 'member');
    expect((await api('GET', '/api/v1/people', auth)).statusCode).toBe(200);
    expect((await api('POST', '/api/v1/organisations', auth, { name: 'X', kind: 'council' })).statusCode).toBe(403);
    const sub = await bearer(database.db, 'subscriber');
    expect((await api('GET', '/api/v1/people', sub)).statusCode).toBe(403);
  });

  it('publishes an OpenAPI 3 document built from the same schemas', async () => {
    const res = await baton.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/people', '/api/v1/people/{id}', '/api/v1/organisations', '/api/v1/organisations/{id}']),
    );
    const body = doc.paths['/api/v1/people'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['name', 'email', 'role']));
    expect(body.properties.role.enum).toContain('principal-social-worker');
    expect(doc.paths['/api/v1/organisations'].post.requestBody.content['application/json'].schema.properties.kind.enum).toEqual([
      'council',
      'trust',
      'partner',
      'network',
    ]);
  });
});
