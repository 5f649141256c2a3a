import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton, testConfig } from '../../../test/helpers/app.js';
import { startSmtp, textOf } from '../../../test/helpers/smtp.js';
import { systemActor } from '../../platform/actor.js';
import { Mailer } from '../../platform/mail/mailer.js';
import type { Baton } from '../../server.js';
import { createScheduler } from '../../jobs.js';
import * as bulletin from '../bulletin/service.js';
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

// A month far enough ahead that personal links made now are still live.
const MONTH = '2031-06';
const at = (iso: string) => new Date(iso);
const scheduler = () => createScheduler(database.db, baton.ctx.mailer, testConfig());
const mail = () =>
  database.query<{
    to_address: string;
    cc_address: string | null;
    subject: string;
    text_body: string;
    ical: { method: string; content: string } | null;
  }>(sql`SELECT to_address, cc_address, subject, text_body, ical FROM mail_messages ORDER BY id`);

async function setUp() {
  await addPerson(database.db, { email: 'tina@example.org', name: 'Tina Russell', org: 'Worcestershire', accessRole: 'director' });
  await database.db.execute(sql`UPDATE people SET pa_email = 'pa.tina@example.org' WHERE email = 'tina@example.org'`);
  await addPerson(database.db, { email: 'team@example.org', name: 'Regional Team', accessRole: 'editor', role: 'regional-team' });
  await rota.assignSlot(database.db, editor, { month: MONTH, person: 'tina@example.org' });
}

describe('reminders', () => {
  it('reminds the author (PA in copy) 28 and 7 days before the deadline, then tells the editors, each once', async () => {
    await setUp();
    const s = scheduler();
    await s.runDue(at('2031-04-17T08:59:00Z'));
    expect(await mail()).toEqual([]);
    await s.runDue(at('2031-04-17T09:00:00Z'));
    await s.runDue(at('2031-04-17T09:00:00Z'));
    await s.runDue(at('2031-04-20T10:00:00Z'));
    let sent = await mail();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to_address: 'tina@example.org', cc_address: 'pa.tina@example.org' });
    expect(sent[0]!.subject).toContain('June 2031');
    expect(sent[0]!.text_body).toContain('Thursday 15 May 2031');
    expect(sent[0]!.text_body).toMatch(/http:\/\/localhost:3000\/introduction\/\S+/);
    expect(sent[0]!.ical!.method).toBe('REQUEST');
    expect(sent[0]!.ical!.content).toContain('METHOD:REQUEST');
    expect(sent[0]!.ical!.content).toContain('UID:introduction-deadline-2031-06@localhost');
    expect(sent[0]!.ical!.content).toContain('DTSTART:20310515T090000Z');

    await s.runDue(at('2031-05-08T09:00:00Z'));
    await s.runDue(at('2031-05-09T09:00:00Z'));
    sent = await mail();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.subject).toContain('Reminder');
    expect(sent[1]!.ical).toBeNull();

    await s.runDue(at('2031-05-15T12:00:00Z'));
    expect(await mail()).toHaveLength(2);
    await s.runDue(at('2031-05-16T09:00:00Z'));
    await s.runDue(at('2031-05-17T09:00:00Z'));
    sent = await mail();
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({ to_address: 'team@example.org', subject: 'Overdue: introduction for June 2031' });
  });

  it('sends nothing more once the introduction has come, and gives the same result from two schedulers at once', async () => {
    await setUp();
    await Promise.all([scheduler().runDue(at('2031-04-17T09:00:00Z')), scheduler().runDue(at('2031-04-17T09:00:00Z'))]);
    expect(await mail()).toHaveLength(1);
    const link = /http:\/\/localhost:3000(\/introduction\/\S+)/.exec((await mail())[0]!.text_body)![1]!;
    const pa = new TestClient(baton.app, database.db);
    expect((await pa.get(link)).body).toContain('Your introduction');
    const sent = await pa.post(link, { body: 'As the nights draw in…\n\nBest wishes' });
    expect(sent.statusCode).toBe(303);
    expect((await pa.get(String(sent.headers.location))).body).toContain('the regional team has your introduction');
    await scheduler().runDue(at('2031-05-08T09:00:00Z'));
    await scheduler().runDue(at('2031-05-16T09:00:00Z'));
    const subjects = (await mail()).map((m) => m.subject);
    expect(subjects.filter((x) => x.includes('Reminder'))).toEqual([]);
    expect(subjects.filter((x) => x.includes('Overdue'))).toEqual([]);
    expect(subjects).toContain('Introduction received: June 2031');
  });

  it('follows the rota when the author changes, and carries the invitation over real SMTP', async () => {
    await setUp();
    await addPerson(database.db, { email: 'jo@example.org', name: 'Jo Britton', org: 'Telford', accessRole: 'director' });
    await rota.assignSlot(database.db, editor, { month: MONTH, person: 'jo@example.org', replace: true });
    const smtp = await startSmtp();
    try {
      const mailer = new Mailer({ db: database.db, smtpUrl: smtp.url, from: 'Network <network@example.org>' });
      await createScheduler(database.db, mailer, testConfig()).runDue(at('2031-04-17T09:00:00Z'));
      await mailer.deliverDue();
      const [m] = await smtp.waitFor(1);
      expect(m!.to).toEqual(['jo@example.org']);
      expect(m!.raw).toMatch(/text\/calendar; charset=utf-8; method=REQUEST/i);
      expect(textOf(m!.raw)).toContain('Jo Britton');
      // The personal link reached Jo; the stored copy keeps no live link.
      const token = /\/introduction\/([\w-]+)/.exec(textOf(m!.raw))![1]!;
      expect((await mail())[0]!.text_body).not.toContain(token);
      expect((await mail())[0]!.text_body).toContain('/introduction/[removed once sent]');
      await mailer.stop();
    } finally {
      await smtp.close();
    }
  });
});

describe('the introduction form', () => {
  it('opens from the personal link without a password, is not used up by a GET, and expires', async () => {
    await setUp();
    await scheduler().runDue(at('2031-04-17T09:00:00Z'));
    const link = /http:\/\/localhost:3000(\/introduction\/\S+)/.exec((await mail())[0]!.text_body)![1]!;
    const scanner = new TestClient(baton.app, database.db);
    for (let i = 0; i < 3; i++) expect((await scanner.get(link)).statusCode).toBe(200);
    const empty = await scanner.post(link, { body: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write the introduction');
    await database.db.execute(sql`UPDATE intro_links SET expires_at = now() - interval '1 second'`);
    expect((await scanner.get(link)).statusCode).toBe(404);
    expect((await scanner.post(link, { body: 'late' })).statusCode).toBe(404);
    expect((await scanner.get('/introduction/made-up-token')).statusCode).toBe(404);
  });

  it('lets editors place a received introduction in the edition, which ends with the hand-off line', async () => {
    await setUp();
    await addPerson(database.db, { email: 'jo@example.org', name: 'Jo Britton', org: 'Telford and Wrekin', accessRole: 'director' });
    await rota.assignSlot(database.db, editor, { month: '2031-07', person: 'jo@example.org' });
    const tina = new TestClient(baton.app, database.db);
    await tina.signIn('tina@example.org');
    expect((await tina.get('/rota')).body).toContain('June 2031');
    await tina.post(`/rota/${MONTH}/introduction`, { body: 'This month I pick up the baton.' });
    const team = new TestClient(baton.app, database.db);
    await team.signIn('team@example.org');
    const page = await team.get('/admin/rota');
    expect(page.body).toContain('Introductions received');
    const id = /\/admin\/introductions\/(\d+)\/place/.exec(page.body)![1]!;
    const placed = await team.post(`/admin/introductions/${id}/place`);
    const editionId = Number(/\/admin\/editions\/(\d+)/.exec(String(placed.headers.location))![1]);
    await scheduler().runDue(at('2031-05-20T09:00:00Z'));
    await bulletin.transition(database.db, editor, editionId, 'publish');
    const pub = await baton.app.inject({ method: 'GET', url: '/updates/regional-update-june-2031' });
    expect(pub.body).toContain('This month I pick up the baton.');
    expect(pub.body).toContain('Next month Jo Britton from Telford and Wrekin will be writing this introduction.');
    expect(pub.body).toContain('By Tina Russell, Worcestershire');
  });
});

describe('the rota', () => {
  it('fills its past from imported editions and their hand-off lines', async () => {
    const { importBulletins } = await import('../bulletin/import.js');
    const fs = await import('node:fs');
    const text = fs.readFileSync(new URL('../demo/bulletins/2022-05-regional-update.txt', import.meta.url), 'utf8');
    await importBulletins(database.db, editor, [{ name: 'may.txt', text }]);
    expect(await rota.fillFromEditions(database.db)).toBe(2);
    expect(await rota.fillFromEditions(database.db)).toBe(0);
    const entries = await rota.listRota(database.db, editor);
    expect(entries.map((e) => [e.month, e.authorName, e.organisationName, e.source])).toEqual([
      ['2022-05', 'Nigel Minns', 'Warwickshire', 'import'],
      ['2022-06', 'Tina Russell', 'Worcestershire', 'import'],
    ]);
  });

  it('swaps two months, shows fairness, and refuses bad input', async () => {
    await setUp();
    await addPerson(database.db, { email: 'jo@example.org', name: 'Jo Britton', org: 'Walsall', accessRole: 'director' });
    await rota.assignSlot(database.db, editor, { month: '2031-07', person: 'jo@example.org' });
    await rota.swapSlots(database.db, editor, { first: MONTH, second: '2031-07' });
    const entries = await rota.listRota(database.db, editor);
    expect(entries.map((e) => [e.month, e.authorName, e.deadline])).toEqual([
      ['2031-06', 'Jo Britton', '2031-05-15'],
      ['2031-07', 'Tina Russell', '2031-06-15'],
    ]);
    await expect(rota.assignSlot(database.db, editor, { month: '2031-13', person: 'nobody@example.org' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'month' })],
    });
    await expect(rota.assignSlot(database.db, editor, { month: '2031-08', person: 'nobody@example.org' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'person' })],
    });
    await expect(rota.swapSlots(database.db, editor, { first: MONTH, second: '2035-01' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'second' })],
    });
    const csv = await rota.rotaCsv(database.db, editor);
    expect(csv.split('\n').slice(0, 2)).toEqual([
      '\uFEFFmonth,author,organisation,email,pa_email,deadline,introduction_received,source',
      '2031-06,Jo Britton,Walsall,jo@example.org,,2031-05-15,no,rota',
    ]);
    const fair = await rota.fairness(database.db, editor, at('2031-08-01T00:00:00Z'));
    expect(fair.find((f) => f.organisation === 'Walsall')).toMatchObject({ lastWrote: '2031-06', times: 1 });
  });

  it('is listed and set through the API', async () => {
    await setUp();
    const auth = { ...(await bearer(database.db, 'editor')), 'content-type': 'application/json' };
    const set = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/rota',
      headers: auth,
      payload: { month: '2031-09', person: 'team@example.org' },
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ month: '2031-09', person: { name: 'Regional Team', email: 'team@example.org' } });
    const list = await baton.app.inject({ method: 'GET', url: '/api/v1/rota', headers: auth });
    expect(list.json()).toEqual([
      {
        month: '2031-06',
        person: { name: 'Tina Russell', email: 'tina@example.org' },
        organisation: 'Worcestershire',
        deadline: '2031-05-15',
      },
      { month: '2031-09', person: { name: 'Regional Team', email: 'team@example.org' }, organisation: null, deadline: '2031-08-15' },
    ]);
    const bad = await baton.app.inject({ method: 'POST', url: '/api/v1/rota', headers: auth, payload: { month: 'June', person: 'x' } });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['month', 'person']);
  });
});
