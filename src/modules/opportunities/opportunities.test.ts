import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { FieldConflictError, ForbiddenError } from '../../platform/errors.js';
import type { Baton } from '../../server.js';
import * as opportunities from './service.js';

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

describe('opportunities', () => {
  it('takes one sign-up per organisation from its director, until the closing date', async () => {
    const d = await addPerson(database.db, { email: 'dcs@example.org', org: 'Worcestershire', accessRole: 'director' });
    await addPerson(database.db, { email: 'o@example.org', org: 'Shropshire', accessRole: 'member' });
    const director: Actor = { kind: 'person', id: d.id, label: 'dcs', role: 'director', organisationId: d.organisationId };
    const o = await opportunities.createOpportunity(database.db, editor, { title: 'Kinship care study', partner: 'University of Birmingham', description: 'A research project', closes: '2031-03-31' });
    await opportunities.signUp(database.db, director, o.id, { organisation: 'Worcestershire', contact: 'dcs@example.org' }, '2031-03-31');
    await expect(opportunities.signUp(database.db, director, o.id, { organisation: 'Worcestershire', contact: 'dcs@example.org' }, '2031-03-01')).rejects.toThrow(FieldConflictError);
    await expect(opportunities.signUp(database.db, director, o.id, { organisation: 'Shropshire', contact: 'dcs@example.org' }, '2031-03-01')).rejects.toThrow(ForbiddenError);
    await expect(opportunities.signUp(database.db, editor, o.id, { organisation: 'Shropshire', contact: 'o@example.org' }, '2031-04-01')).rejects.toThrow(/closed on 2031-03-31/);
    const list = await opportunities.signups(database.db, editor, o.id);
    expect(list.map((s) => s.organisation)).toEqual(['Worcestershire']);
    const all = await opportunities.listOpportunities(database.db, editor, '2031-01-01');
    expect(all[0]).toMatchObject({ partner: 'University of Birmingham', open: true });
  });

  it('answers the API: 201 with id, 409 for a second sign-up, 422 and 404 naming what is wrong', async () => {
    await addPerson(database.db, { email: 'x@example.org', org: 'Telford', accessRole: 'member' });
    const auth = await bearer(database.db, 'editor');
    const made = await baton.app.inject({ method: 'POST', url: '/api/v1/opportunities', headers: auth, payload: { title: 'Pilot', partner: 'Research in Practice', description: 'A pilot', closes: '2099-12-31' } });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as number;
    const sign = (payload: Record<string, unknown>) => baton.app.inject({ method: 'POST', url: `/api/v1/opportunities/${id}/signups`, headers: auth, payload });
    expect((await sign({ organisation: 'Telford', contact: 'x@example.org', note: 'Keen' })).statusCode).toBe(201);
    const again = await sign({ organisation: 'Telford', contact: 'x@example.org' });
    expect(again.statusCode).toBe(409);
    expect(again.json().errors[0].field).toBe('organisation');
    const badEmail = await sign({ organisation: 'Telford', contact: 'not an email' });
    expect(badEmail.json().errors[0].field).toBe('contact');
    const badDate = await baton.app.inject({ method: 'POST', url: '/api/v1/opportunities', headers: auth, payload: { title: 'P', partner: 'R', description: 'D', closes: '31/12/2099' } });
    expect(badDate.json().errors[0].field).toBe('closes');
    expect((await baton.app.inject({ method: 'POST', url: '/api/v1/opportunities/99999/signups', headers: auth, payload: { organisation: 'Telford', contact: 'x@example.org' } })).statusCode).toBe(404);
  });
});
