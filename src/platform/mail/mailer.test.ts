import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { startSmtp, textOf, type TestSmtp } from '../../../test/helpers/smtp.js';
import { Mailer, REDACTED } from './mailer.js';
import { getMessage } from './outbox.js';

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
    await database.db.execute(sql`UPDATE jobs SET run_at = now()`); // the retry's backoff has passed
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

  describe('secrets in messages', () => {
    const secretMail = {
      ...mail,
      text: 'Sign in: https://baton.example/sign-in/confirm?token=TOKEN-abcdef-123 or type 654321',
      html: '<a href="https://baton.example/sign-in/confirm?token=TOKEN-abcdef-123">Sign in</a> <p>654321</p>',
      secrets: ['TOKEN-abcdef-123', '654321'],
    };
    const stored = async () =>
      (
        await database.query<{ text_body: string; html_body: string; secrets: unknown; status: string }>(
          sql`SELECT text_body, html_body, secrets, status FROM mail_messages ORDER BY id DESC LIMIT 1`,
        )
      )[0]!;

    it('strips them from the stored copy once SMTP has the message, and the recipient still gets them', async () => {
      const mailer = new Mailer({ db: database.db, smtpUrl: smtp.url, from: 'n@example.org' });
      await mailer.queue(database.db, secretMail);
      await mailer.deliverDue();
      const [m] = await smtp.waitFor(1);
      expect(textOf(m!.raw)).toContain('token=TOKEN-abcdef-123');
      expect(textOf(m!.raw)).toContain('654321');
      const row = await stored();
      expect(row.status).toBe('sent');
      for (const body of [row.text_body, row.html_body]) {
        expect(body).not.toContain('TOKEN-abcdef-123');
        expect(body).not.toContain('654321');
        expect(body).toContain(REDACTED);
      }
      expect(row.secrets).toBeNull();
      await mailer.stop();
    });

    it('strips them when delivery fails for good, keeps them for a retry, and never shows them while queued', async () => {
      const mailer = new Mailer({ db: database.db, smtpUrl: smtp.url, from: 'n@example.org' });
      smtp.reject = { code: 450, message: 'Mailbox busy' };
      await mailer.queue(database.db, secretMail);
      await mailer.deliverDue();
      expect((await stored()).text_body).toContain('TOKEN-abcdef-123');
      const [{ id }] = await database.query<{ id: number }>(sql`SELECT id FROM mail_messages`);
      const shown = (await getMessage(database.db, id))!;
      expect(shown.textBody + shown.htmlBody).not.toMatch(/TOKEN-abcdef-123|654321/);
      smtp.reject = { code: 550, message: 'No such user' };
      await database.db.execute(sql`UPDATE jobs SET run_at = now()`); // the retry's backoff has passed
      await mailer.deliverDue();
      const row = await stored();
      expect(row.status).toBe('failed');
      expect(row.text_body + row.html_body).not.toMatch(/TOKEN-abcdef-123|654321/);
      await mailer.stop();
    });

    it('keeps them in the development outbox, where nothing leaves the machine', async () => {
      const mailer = new Mailer({ db: database.db, from: 'n@example.org' });
      await mailer.queue(database.db, secretMail);
      const row = await stored();
      expect(row.status).toBe('outbox');
      expect(row.text_body).toContain('token=TOKEN-abcdef-123');
      expect(row.text_body).toContain('654321');
    });
  });
});
