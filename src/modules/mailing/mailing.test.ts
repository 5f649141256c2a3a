import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { startSmtp, textOf, type TestSmtp } from '../../../test/helpers/smtp.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import * as bulletin from '../bulletin/service.js';
import { SendWorker } from './sender.js';
import * as sends from './sends.js';
import * as subs from './subscriptions.js';

let database: TestDatabase;
let baton: Baton;
let smtp: TestSmtp;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  smtp = await startSmtp();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await smtp.close();
  await database.close();
});
beforeEach(async () => {
  await database.reset();
  smtp.received.length = 0;
  smtp.reject = null;
  smtp.rejectFor.clear();
});

const worker = (extra: Partial<ConstructorParameters<typeof SendWorker>[0]> = {}) =>
  new SendWorker({
    db: database.db,
    secret: baton.ctx.secret,
    baseUrl: 'http://localhost:3000',
    networkName: 'Test Network',
    from: 'Network <network@example.org>',
    smtpUrl: smtp.url,
    rate: 0,
    pool: 3,
    ...extra,
  });

async function edition() {
  const { id } = await bulletin.createEdition(database.db, editor, {
    title: 'Regional Update – June 2023',
    month: '2023-06',
    introduction: { author: 'Tina Russell', organisation: 'Worcestershire', body: 'This month I pick up the baton.' },
    sections: [{ heading: 'Key events', body: 'Networking day on [19 May](https://example.org/day)' }],
  });
  await bulletin.transition(database.db, editor, id, 'publish');
  return id;
}

async function subscribers(n: number, list = 'Regional Update', extra: Array<Record<string, string>> = []) {
  const rows = Array.from({ length: n }, (_, i) => ({
    email: `reader${i}@example.org`,
    name: `Reader ${i}`,
    role: i % 2 ? 'director' : 'team-manager',
    organisation: i % 3 ? 'Walsall' : 'Dudley',
  }));
  return subs.upsertSubscribers(database.db, editor, { lists: [list], subscribers: [...rows, ...extra] });
}

async function runUntilSettled(w: SendWorker, sendId: number, rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    await w.tick();
    const p = await sends.progress(database.db, editor, sendId);
    if (!['queued', 'sending'].includes(p.status) || (p.waiting > 0 && p.sent + p.failed === p.total - p.waiting && i > 3)) return p;
  }
  return sends.progress(database.db, editor, sendId);
}

describe('sending an edition', () => {
  it('sends once to each active subscriber, personalised, with one-click unsubscribe headers', async () => {
    const id = await edition();
    await subscribers(12, 'Regional Update', [{ email: 'odd@example.org', name: 'Ann <b>Bold</b>' }]);
    await subs.upsertSubscribers(database.db, editor, { lists: ['Other list'], subscribers: [{ email: 'elsewhere@example.org' }] });
    const send = await sends.createSend(database.db, editor, id, { list: 'Regional Update' });
    const w = worker();
    const p = await runUntilSettled(w, send.id);
    await w.stop();
    expect(p).toMatchObject({ status: 'done', total: 13, sent: 13, failed: 0 });
    const to = smtp.received.map((m) => m.to[0]).sort();
    expect(new Set(to).size).toBe(13);
    expect(to).not.toContain('elsewhere@example.org');
    const ann = smtp.received.find((m) => m.to[0] === 'odd@example.org')!;
    const raw = textOf(ann.raw);
    expect(raw).toContain('Dear Ann &lt;b&gt;Bold&lt;/b&gt;,');
    expect(raw).toContain('Dear Ann <b>Bold</b>,');
    expect(raw).toMatch(
      /List-Unsubscribe: <http:\/\/localhost:3000\/unsubscribe\/[^>]+>,\s+<mailto:network@example\.org\?subject=unsubscribe/,
    );
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(raw).toContain('http://localhost:3000/updates/regional-update-june-2023');
    expect(raw).toContain('Networking day on 19 May (https://example.org/day)');
    expect(raw).toMatch(/text\/plain/);
    expect(raw).toMatch(/text\/html/);
    await w.tick();
    expect(smtp.received).toHaveLength(13);
  });

  it('unsubscribes with one POST (RFC 8058), no sign-in or form token, and records the consent change', async () => {
    const id = await edition();
    await subscribers(2);
    const send = await sends.createSend(database.db, editor, id, { list: 'Regional Update' });
    const w = worker();
    await runUntilSettled(w, send.id);
    await w.stop();
    const raw = textOf(smtp.received.find((m) => m.to[0] === 'reader0@example.org')!.raw);
    const url = /List-Unsubscribe: <http:\/\/localhost:3000(\/unsubscribe\/[^>]+)>/.exec(raw)![1]!;
    const page = await baton.app.inject({ method: 'GET', url });
    expect(page.body).toContain('Unsubscribe from Regional Update');
    expect((await subs.unsubscribeTarget(database.db, baton.ctx.secret, url.split('/').pop()!))!.status).toBe('active');
    const res = await baton.app.inject({
      method: 'POST',
      url,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect((await subs.unsubscribeTarget(database.db, baton.ctx.secret, url.split('/').pop()!))!.status).toBe('unsubscribed');
    const events = await database.query<{ action: string; source: string }>(
      sql`SELECT action, source FROM consent_events WHERE subscriber_id = (SELECT id FROM subscribers WHERE email = 'reader0@example.org') ORDER BY id`,
    );
    expect(events.map((e) => `${e.action}/${e.source}`)).toEqual(['subscribe/api', 'unsubscribe/one-click']);
    const forged = url.replace(/\.[^.]+$/, '.AAAA');
    expect(
      (
        await baton.app.inject({
          method: 'POST',
          url: forged,
          payload: 'List-Unsubscribe=One-Click',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).statusCode,
    ).toBe(404);
    const again = await sends.createSend(database.db, editor, id, { list: 'Regional Update', repeat: 'everyone' });
    const w2 = worker();
    await runUntilSettled(w2, again.id);
    await w2.stop();
    expect(smtp.received.filter((m) => m.to[0] === 'reader0@example.org')).toHaveLength(1);
  });

  it('retries a temporary refusal, marks a permanent one as bouncing, and sends to a segment only', async () => {
    const id = await edition();
    await subscribers(6);
    smtp.rejectFor.set('reader1@example.org', { code: 450, message: 'Try later' });
    smtp.rejectFor.set('reader3@example.org', { code: 550, message: 'No such user' });
    const send = await sends.createSend(database.db, editor, id, { list: 'Regional Update', segment: { roles: ['director'] } });
    const w = worker();
    let p = await runUntilSettled(w, send.id, 5);
    expect(p.total).toBe(3);
    expect(p).toMatchObject({ sent: 1, failed: 1, waiting: 1 });
    smtp.rejectFor.clear();
    await database.db.execute(sql`UPDATE deliveries SET next_attempt_at = now() WHERE status = 'pending'`);
    await database.db.execute(sql`UPDATE jobs SET run_at = now() WHERE status = 'pending'`); // the send job waits for its retries too
    p = await runUntilSettled(w, send.id);
    await w.stop();
    expect(p).toMatchObject({ status: 'done', sent: 2, failed: 1, bounced: 1 });
    const [row] = await database.query<{ bouncing: boolean }>(sql`SELECT bouncing FROM subscribers WHERE email = 'reader3@example.org'`);
    expect(row!.bouncing).toBe(true);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['reader1@example.org', 'reader5@example.org']);
  });

  it('pauses itself after too many errors in a row, and can be resumed or cancelled', async () => {
    const id = await edition();
    await subscribers(8);
    smtp.reject = { code: 421, message: 'Service not available' };
    const send = await sends.createSend(database.db, editor, id, { list: 'Regional Update' });
    const w = worker({ maxConsecutiveErrors: 3 });
    const p = await runUntilSettled(w, send.id, 5);
    expect(p.status).toBe('paused');
    expect(p.send.pauseReason).toContain('errors in a row');
    smtp.reject = null;
    await sends.controlSend(database.db, editor, send.id, 'resume');
    await database.db.execute(sql`UPDATE deliveries SET next_attempt_at = now() WHERE status = 'pending'`);
    await database.db.execute(sql`UPDATE jobs SET run_at = now() WHERE status = 'pending'`); // the send job waits for its retries too
    const done = await runUntilSettled(w, send.id);
    await w.stop();
    expect(done).toMatchObject({ status: 'done', sent: 8 });
    await expect(sends.controlSend(database.db, editor, send.id, 'resume')).rejects.toThrow();
    const other = await sends.createSend(database.db, editor, id, { list: 'Regional Update', repeat: 'everyone' });
    await sends.controlSend(database.db, editor, other.id, 'cancel');
    const w2 = worker();
    await w2.tick();
    await w2.stop();
    expect((await sends.progress(database.db, editor, other.id)).status).toBe('cancelled');
    expect(smtp.received).toHaveLength(8);
  });

  it('refuses to send an unpublished edition or to an unknown list', async () => {
    const { id } = await bulletin.createEdition(database.db, editor, { title: 'Draft', month: '2023-07' });
    await expect(sends.createSend(database.db, editor, id, { list: 'Regional Update' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'edition' })],
    });
    const pub = await edition();
    await expect(sends.createSend(database.db, editor, pub, { list: 'Nope' })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'list' })],
    });
  });
});

describe('joining a list', () => {
  it('confirms by emailed link (a GET does not), and waits for an editor where the list asks', async () => {
    await subs.createList(database.db, editor, { name: 'Principal social workers', requiresApproval: true });
    const list = (await subs.allLists(database.db, editor))[0]!;
    const c = new TestClient(baton.app, database.db);
    const bad = await c.post('/subscribe', { list: String(list.id), email: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    const joined = await c.post('/subscribe', { list: String(list.id), email: 'psw@example.org', name: 'Pat' });
    expect(joined.body).toBe('');
    expect(joined.headers.location).toBe('/subscribe/check-email');
    const [m] = await database.query<{ text_body: string }>(sql`SELECT text_body FROM mail_messages WHERE to_address = 'psw@example.org'`);
    const link = /http:\/\/localhost:3000(\/subscribe\/confirm\/\S+)/.exec(m!.text_body)![1]!;
    expect((await c.get(link)).body).toContain('Join Principal social workers');
    expect((await c.get(link)).body).toContain('Join Principal social workers');
    const confirmed = await c.post(link);
    expect(confirmed.body).toContain('The regional team checks requests');
    expect((await c.post(link)).statusCode).toBe(400);
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const ed = new TestClient(baton.app, database.db);
    await ed.signIn('ed@example.org');
    const page = await ed.get(`/admin/lists/${list.id}`);
    expect(page.body).toContain('Waiting for approval');
    const approve = /\/admin\/lists\/\d+\/requests\/\d+\/approve/.exec(page.body)![0]!;
    await ed.post(approve);
    const active = await ed.get(`/admin/lists/${list.id}`);
    expect(active.body).toContain('psw@example.org');
    const events = await database.query<{ action: string; source: string }>(sql`SELECT action, source FROM consent_events ORDER BY id`);
    expect(events.map((e) => `${e.action}/${e.source}`)).toEqual(['request/form', 'confirm/confirm-link', 'approve/editor']);
    const csv = await ed.get(`/admin/lists/${list.id}/subscribers.csv`);
    expect(csv.body.split('\n')[1]).toMatch(/^psw@example.org,Pat,,,active,/);
  });
});

describe('subscribers and sends API', () => {
  it('upserts up to 10,000 subscribers at once, all or nothing, and reports a bad row by index', async () => {
    const auth = { ...(await bearer(database.db, 'editor')), 'content-type': 'application/json' };
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      email: `bulk${i}@example.org`,
      name: `Bulk ${i}`,
      role: 'director',
      organisation: 'Dudley',
    }));
    const bad = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/subscribers',
      headers: auth,
      payload: { lists: ['Regional Update'], subscribers: [...many.slice(0, 9_999), { email: 'broken' }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([{ field: 'subscribers[9999].email', message: expect.stringContaining('correct format') }]);
    expect((await database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM subscribers`))[0]!.n).toBe(0);
    const started = Date.now();
    const ok = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/subscribers',
      headers: auth,
      payload: { lists: ['Regional Update', 'Directors'], subscribers: many },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ lists: ['Regional Update', 'Directors'], created: 10_000, updated: 0 });
    expect(Date.now() - started).toBeLessThan(20_000);
    const again = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/subscribers',
      headers: auth,
      payload: { lists: ['Regional Update'], subscribers: many.slice(0, 2) },
    });
    expect(again.json()).toMatchObject({ created: 0, updated: 2 });
    const listed = await baton.app.inject({ method: 'GET', url: '/api/v1/subscribers?list=Directors&perPage=5', headers: auth });
    expect(listed.json()).toMatchObject({
      total: 10_000,
      items: expect.arrayContaining([expect.objectContaining({ email: expect.stringMatching(/@example.org$/) })]),
    });
    const tooMany = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/subscribers',
      headers: auth,
      payload: { lists: ['X'], subscribers: [...many, { email: 'one.more@example.org' }] },
    });
    expect(tooMany.statusCode).toBe(422);
  });

  it('starts a send and reports its progress', async () => {
    const id = await edition();
    await subscribers(3);
    const auth = { ...(await bearer(database.db, 'editor')), 'content-type': 'application/json' };
    const created = await baton.app.inject({
      method: 'POST',
      url: `/api/v1/editions/${id}/sends`,
      headers: auth,
      payload: { list: 'Regional Update' },
    });
    expect(created.statusCode).toBe(201);
    const sendId = created.json().id;
    expect((await baton.app.inject({ method: 'GET', url: `/api/v1/sends/${sendId}`, headers: auth })).json()).toEqual({
      id: sendId,
      status: 'queued',
      total: 0,
      sent: 0,
      failed: 0,
    });
    const w = worker();
    await runUntilSettled(w, sendId);
    await w.stop();
    expect((await baton.app.inject({ method: 'GET', url: `/api/v1/sends/${sendId}`, headers: auth })).json()).toEqual({
      id: sendId,
      status: 'done',
      total: 3,
      sent: 3,
      failed: 0,
    });
  });
});

describe('the join page', () => {
  it('lists the public lists', async () => {
    await subs.createList(database.db, editor, { name: 'Regional Update', description: 'The monthly bulletin' });
    await subs.createList(database.db, editor, { name: 'Hidden', public: false });
    const res = await baton.app.inject({ method: 'GET', url: '/subscribe' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('The monthly bulletin');
    expect(res.body).not.toContain('Hidden');
    expect((await baton.app.inject({ method: 'GET', url: '/subscribe?list=1' })).body).toMatch(/value="1" checked/);
  });
});

describe('the editors’ sending pages', () => {
  it('show the lists, start a send from the form, and show its progress', async () => {
    const id = await edition();
    await subscribers(2);
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const ed = new TestClient(baton.app, database.db);
    await ed.signIn('ed@example.org');
    const page = await ed.get(`/admin/editions/${id}/email`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Regional Update (2 subscribers)');
    const listId = /name="list" type="radio" value="(\d+)"/.exec(page.body)![1]!;
    const none = await ed.post(`/admin/editions/${id}/email/send`, {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('govuk-error-summary');
    const sent = await ed.post(`/admin/editions/${id}/email/send`, { list: listId });
    expect(sent.statusCode).toBe(303);
    const progress = await ed.get(String(sent.headers.location));
    expect(progress.statusCode).toBe(200);
    expect(progress.body).toContain('<progress');
    expect((await ed.get(`${sent.headers.location}/deliveries.csv`)).body.split('\n')[0]).toBe(
      '\uFEFFemail,name,status,attempts,sent_at,last_error',
    );
    const test = await ed.post(`/admin/editions/${id}/email/test`);
    expect(test.statusCode).toBe(303);
    expect((await ed.get(String(test.headers.location))).body).toContain('A test has been sent to ed@example.org');
    expect((await ed.get(`/admin/editions/${id}/email/preview`)).body).toContain('Dear ed,');
  });
});
