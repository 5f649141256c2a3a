import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { startSmtp, textOf, type TestSmtp } from '../../../test/helpers/smtp.js';
import { Mailer } from './mailer.js';

let database: TestDatabase;
let smtp: TestSmtp;
beforeAll(async () => {
  database = await testDatabase();
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.close();
  await database.close();
});
beforeEach(async () => {
  await database.reset();
  smtp.received.length = 0;
  smtp.reject = null;
});

const statuses = async () =>
  await database.query<{ status: string; attempts: number }>(sql`SELECT status, attempts FROM mail_messages ORDER BY id`);
const mail = { to: 'reader@example.org', cc: 'pa@example.org', subject: 'Hello', text: 'Plain words', html: '<p>Rich words</p>' };

describe('mailer', () => {
  it('sends a queued message with text and HTML parts through SMTP, once', async () => {
    const mailer = new Mailer({ db: database.db, smtpUrl: smtp.url, from: 'Network <network@example.org>' });
    await mailer.queue(database.db, mail);
    mailer.kick();
    await mailer.idle();
    const [m] = await smtp.waitFor(1);
    expect(m!.to.sort()).toEqual(['pa@example.org', 'reader@example.org']);
    expect(m!.raw).toContain('text/plain');
    expect(m!.raw).toContain('text/html');
    expect(textOf(m!.raw)).toContain('Plain words');
    expect(await statuses()).toEqual([{ status: 'sent', attempts: 1 }]);
    await mailer.deliverDue();
    expect(smtp.received).toHaveLength(1);
    await mailer.stop();
  });

  it('retries a temporary refusal and gives up on a permanent one', async () => {
    const mailer = new Mailer({ db: database.db, smtpUrl: smtp.url, from: 'n@example.org' });
    smtp.reject = { code: 450, message: 'Mailbox busy' };
    await mailer.queue(database.db, mail);
    await mailer.deliverDue();
    expect(await statuses()).toEqual([{ status: 'queued', attempts: 1 }]);
    smtp.reject = null;
    await database.db.execute(sql`UPDATE mail_messages SET next_attempt_at = now()`);
    await mailer.deliverDue();
    expect(await statuses()).toEqual([{ status: 'sent', attempts: 2 }]);

    await database.reset();
    smtp.reject = { code: 550, message: 'No such user' };
    await mailer.queue(database.db, mail);
    await mailer.deliverDue();
    expect(await statuses()).toEqual([{ status: 'failed', attempts: 1 }]);
    await mailer.stop();
  });

  it('keeps messages in the development outbox when no SMTP server is set', async () => {
    const seen: string[] = [];
    const mailer = new Mailer({ db: database.db, from: 'n@example.org', onOutbox: (m) => seen.push(m.subject) });
    await mailer.queue(database.db, mail);
    await mailer.deliverDue();
    expect(await statuses()).toEqual([{ status: 'outbox', attempts: 0 }]);
    expect(seen).toEqual(['Hello']);
  });

  it('does not send a message whose transaction rolled back', async () => {
    const mailer = new Mailer({ db: database.db, smtpUrl: smtp.url, from: 'n@example.org' });
    await expect(
      database.db.transaction(async (tx) => {
        await mailer.queue(tx as never, mail);
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    await mailer.deliverDue();
    expect(smtp.received).toHaveLength(0);
    await mailer.stop();
  });
});
