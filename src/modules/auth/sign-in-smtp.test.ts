import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, testBaton } from '../../../test/helpers/app.js';
import { startSmtp, textOf, type TestSmtp } from '../../../test/helpers/smtp.js';
import type { Baton } from '../../server.js';

let database: TestDatabase;
let baton: Baton;
let smtp: TestSmtp;
beforeAll(async () => {
  database = await testDatabase();
  smtp = await startSmtp();
  baton = await testBaton(database, { SMTP_URL: smtp.url, SIGN_IN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await baton.close();
  await smtp.close();
  await database.close();
});
beforeEach(async () => {
  await database.reset();
  smtp.received.length = 0;
});

describe('sign-in with a mail server', () => {
  it('keeps no usable link or code in the outbox once sent, and the emailed link still works', async () => {
    await addPerson(database.db, { email: 'reader@example.org' });
    const c = new TestClient(baton.app, database.db);
    expect((await c.post('/sign-in', { email: 'reader@example.org' })).statusCode).toBe(303);
    const [m] = await smtp.waitFor(1);
    await baton.ctx.mailer.idle();
    const text = textOf(m!.raw);
    const link = /https?:\/\/[^/\s]+(\/sign-in\/confirm\?token=[\w-]+)/.exec(text)![1]!;
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const code = /code on the sign-in page: (\d{6})/.exec(text)![1]!;

    const [row] = await database.query<{ status: string; text_body: string; html_body: string }>(
      sql`SELECT status, text_body, html_body FROM mail_messages`,
    );
    expect(row!.status).toBe('sent');
    for (const body of [row!.text_body, row!.html_body]) {
      expect(body).not.toContain(token);
      expect(body).not.toContain(code);
      expect(body).toContain('[removed once sent]');
    }
    expect(row!.text_body).toContain('Sign in to');

    expect((await c.post('/sign-in/confirm', { token })).statusCode).toBe(303);
    expect(c.cookies.has('baton_session')).toBe(true);
  });
});
