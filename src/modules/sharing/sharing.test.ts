import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { FieldConflictError, ForbiddenError } from '../../platform/errors.js';
import type { Baton } from '../../server.js';
import * as bulletin from '../bulletin/service.js';
import * as sharing from './service.js';

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

describe('Anything to Share', () => {
  it('turns a member’s submission into a draft item in the chosen section, crediting the organisation, once', async () => {
    const p = await addPerson(database.db, { email: 'm@example.org', org: 'Herefordshire', accessRole: 'member' });
    const member: Actor = { kind: 'person', id: p.id, label: 'm', role: 'member', organisationId: p.organisationId };
    const share = await sharing.submitShare(database.db, member, { title: 'Family group conferencing', body: 'We ran it county-wide.', difference: 'Fewer children came into care.' });
    expect(share.organisationId).toBe(p.organisationId);
    await expect(sharing.listShares(database.db, member)).rejects.toThrow(ForbiddenError);
    const edition = await bulletin.createEdition(database.db, editor, { title: 'Regional Update June 2031', month: '2031-06', sections: [{ heading: 'Anything to Share', items: [] }] });
    const section = (await bulletin.editionForEditor(database.db, editor, edition.id)).sections[0]!;
    const placed = await sharing.placeShare(database.db, editor, share.id, { section: section.id });
    const tree = await bulletin.editionForEditor(database.db, editor, edition.id);
    const item = tree.sections[0]!.items[0]!;
    expect(item.id).toBe(placed.itemId);
    expect(item.heading).toBe('Family group conferencing');
    expect(item.body).toContain('Shared by Herefordshire');
    expect((await sharing.getShare(database.db, editor, share.id)).status).toBe('used');
    await expect(sharing.placeShare(database.db, editor, share.id, { section: section.id })).rejects.toThrow(FieldConflictError);
  });

  it('answers POST and GET /api/v1/shares, naming the field when the organisation is unknown', async () => {
    await addPerson(database.db, { email: 'x@example.org', org: 'Telford', accessRole: 'member' });
    const auth = await bearer(database.db, 'editor');
    const made = await baton.app.inject({ method: 'POST', url: '/api/v1/shares', headers: auth, payload: { title: 'Hubs', body: 'What we did', organisation: 'Telford' } });
    expect(made.statusCode).toBe(201);
    const bad = await baton.app.inject({ method: 'POST', url: '/api/v1/shares', headers: auth, payload: { title: 'Hubs', body: 'x', organisation: 'Nowhere' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('organisation');
    const list = await baton.app.inject({ url: '/api/v1/shares?status=new', headers: auth });
    expect(list.json().items).toMatchObject([{ title: 'Hubs', organisation: 'Telford', status: 'new' }]);
    expect((await baton.app.inject({ url: '/api/v1/shares?status=used', headers: auth })).json().items).toEqual([]);
    expect((await baton.app.inject({ url: '/api/v1/shares?status=bogus', headers: auth })).json().errors[0].field).toBe('status');
  });
});
