import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, addPerson, testBaton, testConfig } from './helpers/app.js';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { createScheduler } from '../src/jobs.js';
import { enqueue } from '../src/platform/jobs/scheduler.js';
import type { Baton } from '../src/server.js';

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

const statusOf = async (key: string) =>
  (await database.query<{ status: string; attempts: number }>(sql`SELECT status, attempts FROM jobs WHERE key = ${key}`))[0]!;

describe('the jobs page', () => {
  it('shows counts by kind, a dead job with its error, and retries it for an admin only', async () => {
    let fail = true;
    const queue = createScheduler(database.db, baton.ctx.mailer, testConfig()).handle(
      'test.flaky',
      async () => {
        if (fail) throw new Error('The <printer> is on fire');
      },
      { maxAttempts: 1 },
    );
    await enqueue(database.db, { kind: 'test.flaky', key: 'flaky:1', runAt: new Date() });
    await enqueue(database.db, { kind: 'test.other', key: 'other:1', runAt: new Date(Date.now() + 3_600_000) });
    expect(await queue.runDue(new Date())).toMatchObject({ failed: 1 });
    expect(await statusOf('flaky:1')).toEqual({ status: 'dead', attempts: 1 });

    await addPerson(database.db, { email: 'admin@example.org', accessRole: 'admin' });
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const admin = new TestClient(baton.app, database.db);
    await admin.signIn('admin@example.org');
    const page = await admin.get('/admin/jobs');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<code>test\.flaky<\/code><\/th>(\s*<td[^>]*>\d+<\/td>){4}/);
    expect(page.body).toContain('The &lt;printer&gt; is on fire');
    expect(page.body).toContain('Dead');
    const action = /action="(\/admin\/jobs\/\d+\/retry)"/.exec(page.body)![1]!;

    const editor = new TestClient(baton.app, database.db);
    await editor.signIn('ed@example.org');
    expect((await editor.get('/admin/jobs')).statusCode).toBe(403);
    expect((await editor.post(action)).statusCode).toBe(403);
    expect((await admin.post(action, { _csrf: 'forged' })).statusCode).toBe(403);
    expect((await statusOf('flaky:1')).status).toBe('dead');

    const retried = await admin.post(action);
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/admin/jobs');
    expect(await statusOf('flaky:1')).toEqual({ status: 'pending', attempts: 0 });
    expect((await admin.post(action)).statusCode).toBe(404); // no longer dead
    const [audit] = await database.query<{ summary: string }>(sql`SELECT summary FROM audit_events WHERE action = 'job.retry'`);
    expect(audit!.summary).toContain('flaky:1');

    fail = false;
    expect(await queue.runDue(new Date())).toMatchObject({ done: 1, failed: 0 });
    expect((await statusOf('flaky:1')).status).toBe('done');
    expect((await admin.get('/admin/jobs')).body).toContain('No job is failing.');
  });
});
