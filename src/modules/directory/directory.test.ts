import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { ForbiddenError, ValidationError } from '../../platform/errors.js';
import { listAudit } from '../audit/service.js';
import * as directory from './service.js';

let database: TestDatabase;
const admin = systemActor('test');
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(() => database.reset());

async function issuesOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('directory', () => {
  it('adds people to organisations found by exact name, and audits each change', async () => {
    const org = await directory.createOrganisation(database.db, admin, { name: 'Walsall', kind: 'council' });
    const p = await directory.createPerson(database.db, admin, {
      name: 'Ana Davies',
      email: ' Ana.Davies@Example.org ',
      role: 'head-of-service',
      organisation: 'walsall',
      jobTitle: 'Head of Service',
    });
    expect(p).toMatchObject({
      email: 'ana.davies@example.org',
      organisationId: org.id,
      organisationName: 'Walsall',
      jobRole: 'head-of-service',
      accessRole: 'member',
    });
    await directory.updatePerson(database.db, admin, p.id, { paEmail: 'pa@example.org' });
    const audit = await listAudit(database.db, { page: 1, perPage: 10 });
    expect(audit.map((a) => a.action)).toEqual(['person.update', 'person.create', 'organisation.create']);
    expect(audit[0]!.data).toMatchObject({ before: { paEmail: null }, after: { paEmail: 'pa@example.org' } });
    expect(audit[0]!.actorLabel).toBe('test');
  });

  it('names the field and changes nothing for bad input', async () => {
    await directory.createOrganisation(database.db, admin, { name: 'Dudley', kind: 'council' });
    expect(await issuesOf(directory.createPerson(database.db, admin, { name: '', email: 'nope', role: 'king' }))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'name' }),
        expect.objectContaining({ field: 'email', message: expect.stringContaining('correct format') }),
        expect.objectContaining({ field: 'role' }),
      ]),
    );
    expect(
      await issuesOf(
        directory.createPerson(database.db, admin, { name: 'X', email: 'x@example.org', role: 'director', organisation: 'Atlantis' }),
      ),
    ).toEqual([{ field: 'organisation', message: 'No organisation named Atlantis' }]);
    await directory.createPerson(database.db, admin, { name: 'X', email: 'x@example.org', role: 'director' });
    expect(await issuesOf(directory.createPerson(database.db, admin, { name: 'Y', email: 'X@example.org', role: 'director' }))).toEqual([
      { field: 'email', message: 'x@example.org is already in the directory' },
    ]);
    expect(await issuesOf(directory.createOrganisation(database.db, admin, { name: 'dudley', kind: 'council' }))).toEqual([
      expect.objectContaining({ field: 'name' }),
    ]);
    const [{ n }] = (await database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM people`)) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('lets a director edit people of their own organisation only', async () => {
    await directory.createOrganisation(database.db, admin, { name: 'Coventry', kind: 'council' });
    await directory.createOrganisation(database.db, admin, { name: 'Solihull', kind: 'council' });
    const dir = await directory.createPerson(database.db, admin, {
      name: 'D',
      email: 'd@example.org',
      role: 'director',
      organisation: 'Coventry',
      accessRole: 'director',
    });
    const own = await directory.createPerson(database.db, admin, {
      name: 'Own',
      email: 'own@example.org',
      role: 'team-manager',
      organisation: 'Coventry',
    });
    const other = await directory.createPerson(database.db, admin, {
      name: 'Other',
      email: 'other@example.org',
      role: 'team-manager',
      organisation: 'Solihull',
    });
    const director: Actor = { kind: 'person', id: dir.id, label: 'D', role: 'director', organisationId: dir.organisationId };
    await expect(directory.updatePerson(database.db, director, own.id, { jobTitle: 'Team Manager' })).resolves.toMatchObject({
      jobTitle: 'Team Manager',
    });
    await expect(directory.updatePerson(database.db, director, other.id, { jobTitle: 'Hacked' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(directory.updatePerson(database.db, director, own.id, { organisation: 'Solihull' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(directory.updatePerson(database.db, director, own.id, { accessRole: 'admin' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await directory.getPerson(database.db, admin, other.id)).jobTitle).toBeNull();
  });

  it('answers who held which office when, ending the previous chair the day before', async () => {
    await directory.createOrganisation(database.db, admin, { name: 'Staffordshire', kind: 'council' });
    const a = await directory.createPerson(database.db, admin, {
      name: 'Emma',
      email: 'emma@example.org',
      role: 'director',
      organisation: 'Staffordshire',
    });
    const b = await directory.createPerson(database.db, admin, { name: 'Jenny', email: 'jenny@example.org', role: 'director' });
    const c = await directory.createPerson(database.db, admin, { name: 'Jo', email: 'jo@example.org', role: 'director' });
    const d = await directory.createPerson(database.db, admin, { name: 'Nigel', email: 'nigel@example.org', role: 'director' });
    const e = await directory.createPerson(database.db, admin, { name: 'Third', email: 'third@example.org', role: 'director' });
    await directory.appointToOffice(database.db, admin, { office: 'chair', personId: a.id, startsOn: '2021-04-01' });
    await directory.appointToOffice(database.db, admin, { office: 'chair', personId: b.id, startsOn: '2023-03-01', confirmed: 'yes' });
    await directory.appointToOffice(database.db, admin, { office: 'co-vice-chair', personId: d.id, startsOn: '2022-01-01' });
    await directory.appointToOffice(database.db, admin, { office: 'co-vice-chair', personId: c.id, startsOn: '2023-03-01' });
    const names = async (day: string) =>
      (await directory.officeHoldersOn(database.db, day)).map((o) => `${o.office}:${o.personName}`).sort();
    expect(await names('2022-06-01')).toEqual(['chair:Emma', 'co-vice-chair:Nigel']);
    expect(await names('2023-02-28')).toEqual(['chair:Emma', 'co-vice-chair:Nigel']);
    expect(await names('2023-03-01')).toEqual(['chair:Jenny', 'co-vice-chair:Jo', 'co-vice-chair:Nigel']);
    await directory.appointToOffice(database.db, admin, { office: 'co-vice-chair', personId: e.id, startsOn: '2024-01-01', seat: 1, confirmed: 'yes' });
    expect(await names('2024-01-01')).toEqual(['chair:Jenny', 'co-vice-chair:Jo', 'co-vice-chair:Third']);
    const history = await directory.leadershipChanges(database.db);
    expect(history.find((h) => h.personName === 'Emma')).toMatchObject({
      startsOn: '2021-04-01',
      endsOn: '2023-02-28',
      organisationName: 'Staffordshire',
    });
    expect(
      await issuesOf(directory.appointToOffice(database.db, admin, { office: 'emperor' as never, personId: a.id, startsOn: '2023-13-01' })),
    ).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'office' }), expect.objectContaining({ field: 'startsOn' })]));
  });

  it('searches people by name, email or job title, a page at a time', async () => {
    for (let i = 0; i < 7; i++) {
      await directory.createPerson(database.db, admin, {
        name: `Person ${i}`,
        email: `p${i}@example.org`,
        role: 'team-manager',
        jobTitle: i === 3 ? 'Quality lead' : null,
      });
    }
    const page1 = await directory.searchPeople(database.db, admin, { limit: 5, offset: 0 });
    expect(page1.total).toBe(7);
    expect(page1.rows).toHaveLength(5);
    expect((await directory.searchPeople(database.db, admin, { q: 'quality', limit: 5, offset: 0 })).rows.map((r) => r.name)).toEqual([
      'Person 3',
    ]);
    expect((await directory.searchPeople(database.db, admin, { q: '100%', limit: 5, offset: 0 })).total).toBe(0);
  });
});
