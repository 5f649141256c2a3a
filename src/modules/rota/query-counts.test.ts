import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, testBaton } from '../../../test/helpers/app.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import { nextMonth } from './dates.js';
import * as rota from './service.js';

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

/** Adds directors (each booked for a month from 2031-01) and people who are not directors. */
async function grow(directors: number, others: number, from = 0) {
  let month = '2031-01';
  for (let i = 0; i < from; i++) month = nextMonth(month);
  for (let i = from; i < directors; i++, month = nextMonth(month)) {
    await addPerson(database.db, { email: `dcs${i}@example.org`, name: `Director ${i}`, org: `Council ${i % 5}`, accessRole: 'director' });
    await rota.assignSlot(database.db, systemActor(), { month, person: `dcs${i}@example.org` });
  }
  for (let i = 0; i < others; i++) await addPerson(database.db, { email: `staff${from}-${i}@example.org`, name: `Staff ${from}-${i}`, role: 'other' });
}

describe('the rota page', () => {
  it('runs the same small number of queries whatever the size of the rota and the directory, and offers directors only', async () => {
    await addPerson(database.db, { email: 'team@example.org', name: 'Regional Team', accessRole: 'editor', role: 'regional-team' });
    const team = new TestClient(baton.app, database.db);
    await team.signIn('team@example.org');
    await grow(3, 5);
    const small = await database.countQueries(() => team.get('/admin/rota'));
    expect(small.result.statusCode).toBe(200);
    await grow(30, 120, 3);
    const large = await database.countQueries(() => team.get('/admin/rota'));
    expect(large.result.statusCode).toBe(200);
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.statements.length).toBeLessThanOrEqual(12);
    expect(large.result.body).toContain('Director 29');
    expect(large.result.body).not.toContain('Staff 3-0');
  });
});
