import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { TestClient, addPerson, testBaton } from './helpers/app.js';
import type { Baton } from '../src/server.js';

// The query counter that page tests hold their pages to: it sees every statement sent inside its window and none outside.
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

describe('countQueries', () => {
  it('records the statements sent inside its window only', async () => {
    await database.query(sql`SELECT 1`);
    const { result, statements } = await database.countQueries(async () => {
      await database.query(sql`SELECT 2 AS two`);
      return database.query<{ three: number }>(sql`SELECT 3 AS three`);
    });
    expect(result[0]?.three).toBe(3);
    expect(statements).toEqual(['SELECT 2 AS two', 'SELECT 3 AS three']);
  });

  it('sees the queries a page sends through the app', async () => {
    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin', name: 'Ada Admin' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const { result, statements } = await database.countQueries(() => admin.get('/admin/people'));
    expect(result.statusCode).toBe(200);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.some((s) => /from "people"/i.test(s))).toBe(true);
  });
});
