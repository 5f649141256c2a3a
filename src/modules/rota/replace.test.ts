import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import ical from 'node-ical';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, testBaton, testConfig } from '../../../test/helpers/app.js';
import { startSmtp } from '../../../test/helpers/smtp.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import { createScheduler } from '../../jobs.js';
import { monthLabel } from '../bulletin/service.js';
import { monthOf, nextMonth } from './dates.js';
import * as rota from './service.js';

let database: TestDatabase;
let baton: Baton;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database, { BATON_BASE_URL: 'http://localhost:3000' });
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const MONTH = '2031-06';
const slot = async (month: string) =>
  (await database.query<{ author_name: string }>(sql`SELECT author_name FROM rota_slots WHERE month = ${`${month}-01`}`))[0]?.author_name;

async function setUp(on: Baton = baton) {
  await addPerson(database.db, { email: 'tina@example.org', name: 'Tina Russell', org: 'Worcestershire', accessRole: 'director' });
  await addPerson(database.db, { email: 'jo@example.org', name: 'Jo Britton', org: 'Telford', accessRole: 'director' });
  await addPerson(database.db, { email: 'team@example.org', name: 'Regional Team', accessRole: 'editor', role: 'regional-team' });
  await rota.assignSlot(database.db, editor, { month: MONTH, person: 'tina@example.org' });
  const team = new TestClient(on.app, database.db);
  await team.signIn('team@example.org');
  return team;
}

describe('replacing a booked director', () => {
  it('asks first, naming who is replaced, then tells both by email, the first with a calendar cancellation', async () => {
    const smtp = await startSmtp();
    // A Baton whose mailer speaks SMTP to the test server, as in production.
    const live = await testBaton(database, { BATON_BASE_URL: 'http://localhost:3000', SMTP_URL: smtp.url });
    const mailer = live.ctx.mailer;
    try {
      const team = await setUp(live);
      // Tina has had her first reminder, with the deadline as an invitation.
      await createScheduler(database.db, mailer, testConfig()).runDue(new Date('2031-04-17T09:00:00Z'));

      const book = await team.post('/admin/rota', { month: MONTH, person: 'jo@example.org' });
      expect(book.statusCode).toBe(303);
      const confirmUrl = String(book.headers.location);
      expect(confirmUrl).toMatch(/^\/admin\/rota\/replace\?/);
      expect(await slot(MONTH)).toBe('Tina Russell'); // nothing changed yet
      const confirm = await team.get(confirmUrl);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Replace Tina Russell for June 2031?');
      expect(confirm.body).toContain('Jo Britton');
      expect(await slot(MONTH)).toBe('Tina Russell'); // a GET changes nothing

      const done = await team.post('/admin/rota/replace', { month: MONTH, person: 'jo@example.org' });
      expect(done.statusCode).toBe(303);
      expect(done.headers.location).toBe('/admin/rota');
      expect((await team.get('/admin/rota')).body).toContain('Jo Britton replaces Tina Russell for June 2031: both have been told by email');
      expect(await slot(MONTH)).toBe('Jo Britton');

      await mailer.deliverDue();
      const received = (await smtp.waitFor(4)).filter((m) => !/sign-in/i.test(m.raw.slice(0, 2000)));
      const parsed: ParsedMail[] = await Promise.all(received.map((m) => simpleParser(m.raw)));
      const to = (m: ParsedMail) => (m.to as { text: string }).text;
      const invite = parsed.find((m) => to(m).includes('tina@example.org') && m.subject?.includes(': due'))!;
      const toTina = parsed.find((m) => m.subject?.includes('you have been replaced'))!;
      const toJo = parsed.find((m) => to(m).includes('jo@example.org'))!;
      expect(toTina.text).toContain('Jo Britton (Telford) will write the introduction for the June 2031 Regional Update instead of you');
      expect(toJo.subject).toBe('Regional Update introduction for June 2031: due Thursday 15 May 2031');
      expect(toJo.text).toContain('in place of Tina Russell');
      expect(toJo.attachments.filter((a) => a.contentType.startsWith('text/calendar'))).toEqual([]);

      const calendarOf = (m: ParsedMail) => {
        const part = m.attachments.find((a) => a.contentType.startsWith('text/calendar'))!;
        return ical.sync.parseICS(part.content.toString('utf8'));
      };
      const original = Object.values(calendarOf(invite)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
      const cancelParsed = calendarOf(toTina);
      const cancel = Object.values(cancelParsed).find((c) => c?.type === 'VEVENT') as ical.VEvent;
      expect((cancelParsed.vcalendar as unknown as { method: string }).method).toBe('CANCEL');
      expect(cancel.uid).toBe(original.uid);
      expect(cancel.uid).toBe('introduction-deadline-2031-06@localhost');
      expect(Number(cancel.sequence)).toBeGreaterThan(Number(original.sequence ?? 0));
      expect(cancel.status).toBe('CANCELLED');
    } finally {
      await live.close();
      await smtp.close();
    }
  });

  it('keeps the booking when the replacement is not confirmed, and the API needs replace: true', async () => {
    await setUp();
    await expect(rota.assignSlot(database.db, editor, { month: MONTH, person: 'jo@example.org' })).rejects.toBeInstanceOf(
      rota.ReplacementNeeded,
    );
    expect(await slot(MONTH)).toBe('Tina Russell');
    // Booking the same person again is no replacement.
    await rota.assignSlot(database.db, editor, { month: MONTH, person: 'tina@example.org' });
    await rota.assignSlot(database.db, editor, { month: MONTH, person: 'jo@example.org', replace: true });
    expect(await slot(MONTH)).toBe('Jo Britton');
  });
});

describe('booking', () => {
  it('refuses past months in words, and writes every problem for people', async () => {
    const team = await setUp();
    const past = await team.post('/admin/rota', { month: '2020-03', person: 'jo@example.org' });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('March 2020 has passed');
    expect(await slot('2020-03')).toBeUndefined();
    const empty = await team.post('/admin/rota', { month: '', person: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choose the director who will write the introduction');
    expect(empty.body).toContain('Give the month as YYYY-MM');
    expect(empty.body).toContain('govuk-error-summary');
    expect(empty.body).not.toMatch(/Too small|expected|Invalid input/i);
    const missing = await team.post('/admin/rota', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).not.toMatch(/Too small|expected|Invalid input/i);
    const badDeadline = await team.post('/admin/rota/deadline', { deadlineMonth: 'soon', deadline: 'x' });
    expect(badDeadline.statusCode).toBe(400);
    expect(badDeadline.body).toContain('href="#deadlineMonth"');
    expect(badDeadline.body).not.toMatch(/Too small|expected|Invalid input/i);
  });

  it('shows the upcoming months with nobody booked as gaps', async () => {
    const team = await setUp();
    const now = monthOf(new Date());
    await rota.assignSlot(database.db, editor, { month: nextMonth(now), person: 'jo@example.org' });
    const page = (await team.get('/admin/rota')).body;
    const gaps = page.slice(page.indexOf('Gaps in the next year'), page.indexOf('Export the rota'));
    expect(gaps).toContain(monthLabel(now));
    expect(gaps).not.toContain(monthLabel(nextMonth(now)));
    expect(gaps).toContain(monthLabel(nextMonth(nextMonth(now))));
  });
});

describe('a director signed in', () => {
  it('sees when their introduction is due on their pages', async () => {
    await setUp();
    const tina = new TestClient(baton.app, database.db);
    await tina.signIn('tina@example.org');
    const due = 'Your introduction for June 2031 is due on Thursday 15 May 2031';
    expect((await tina.get('/rota')).body).toContain(due);
    expect((await tina.get('/')).body).toContain(due);
    const jo = new TestClient(baton.app, database.db);
    await jo.signIn('jo@example.org');
    expect((await jo.get('/')).body).not.toContain('Your introduction for');
  });
});
