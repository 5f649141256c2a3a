import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { startSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import * as bulletin from '../bulletin/service.js';
import { SendWorker, startSend } from './sender.js';
import * as sends from './sends.js';
import * as subs from './subscriptions.js';

// Issue 13 item 1: an edition never reaches anyone twice unless the editor asks for it, whichever list or segment.
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
});

async function edition(title = 'Regional Update – June 2023', month = '2023-06') {
  const { id } = await bulletin.createEdition(database.db, editor, { title, month, sections: [{ heading: 'Key events', body: 'Hello' }] });
  await bulletin.transition(database.db, editor, id, 'publish');
  return id;
}

/** Readers `from`..`to`-1 on a list; directors are the odd ones. */
async function readers(list: string, from: number, to: number) {
  const rows = Array.from({ length: to - from }, (_, i) => ({
    email: `reader${from + i}@example.org`,
    name: `Reader ${from + i}`,
    role: (from + i) % 2 ? 'director' : 'team-manager',
  }));
  await subs.upsertSubscribers(database.db, editor, { lists: [list], subscribers: rows });
}

async function deliver() {
  const w = new SendWorker({
    db: database.db,
    secret: baton.ctx.secret,
    baseUrl: 'http://localhost:3000',
    networkName: 'Test Network',
    from: 'Network <network@example.org>',
    smtpUrl: smtp.url,
    rate: 0,
    pool: 2,
  });
  for (let i = 0; i < 5; i++) await w.tick();
  await w.stop();
}

const received = (email: string) => smtp.received.filter((m) => m.to[0] === email).length;

describe('sending an edition again', () => {
  it('refuses a second send to the same list unless told whom, and by default sends only to those who have not had it', async () => {
    const id = await edition();
    await readers('Regional Update', 0, 4);
    const first = await sends.createSend(database.db, editor, id, { list: 'Regional Update' });
    await deliver();
    expect(smtp.received).toHaveLength(4);
    expect((await sends.progress(database.db, editor, first.id)).sent).toBe(4);

    await readers('Regional Update', 4, 6);
    const plan = await sends.planSend(database.db, editor, id, { list: 'Regional Update' });
    expect(plan).toMatchObject({ recipients: 6, alreadyHad: 4, list: { name: 'Regional Update' } });
    await expect(sends.createSend(database.db, editor, id, { list: 'Regional Update' })).rejects.toMatchObject({
      issues: [{ field: 'repeat', message: expect.stringContaining('4 of the 6 people on Regional Update have already been sent') }],
    });

    const missing = await sends.createSend(database.db, editor, id, { list: 'Regional Update', repeat: 'missing' });
    await deliver();
    expect((await sends.progress(database.db, editor, missing.id)).total).toBe(2);
    expect(smtp.received).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(received(`reader${i}@example.org`)).toBe(1);

    const everyone = await sends.createSend(database.db, editor, id, { list: 'Regional Update', repeat: 'everyone' });
    await deliver();
    expect((await sends.progress(database.db, editor, everyone.id)).total).toBe(6);
    expect(received('reader0@example.org')).toBe(2);
  });

  it('leaves out the recipients of an earlier queued send even when a worker starts the later send first', async () => {
    const id = await edition();
    await readers('Regional Update', 0, 4);
    await readers('Directors', 2, 6);
    const first = await sends.createSend(database.db, editor, id, { list: 'Regional Update', segment: { roles: ['director'] } }); // readers 1, 3
    const later = await sends.createSend(database.db, editor, id, { list: 'Directors', repeat: 'missing' });
    await startSend(database.db, later.id, new Date()); // the later one first, as two workers may
    await startSend(database.db, first.id, new Date());
    expect((await sends.progress(database.db, editor, later.id)).total).toBe(3); // 2, 4, 5: reader3 is the first send's
    expect((await sends.progress(database.db, editor, first.id)).total).toBe(2);
  });

  it('leaves out people who had it through another list or segment, even while that send is still queued', async () => {
    const id = await edition();
    await readers('Regional Update', 0, 4);
    await readers('Directors', 2, 6);
    // Queued, not started: its recipients are not delivery rows yet, and still count as having it.
    await sends.createSend(database.db, editor, id, { list: 'Regional Update', segment: { roles: ['director'] } }); // readers 1, 3
    expect(await sends.planSend(database.db, editor, id, { list: 'Directors' })).toMatchObject({ recipients: 4, alreadyHad: 1 });
    await expect(sends.createSend(database.db, editor, id, { list: 'Directors' })).rejects.toMatchObject({ issues: [{ field: 'repeat' }] });
    const other = await sends.createSend(database.db, editor, id, { list: 'Directors', repeat: 'missing' });
    await deliver();
    expect((await sends.progress(database.db, editor, other.id)).total).toBe(3); // 2, 4, 5: reader3 had it from the first
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(
      ['reader1@example.org', 'reader2@example.org', 'reader3@example.org', 'reader4@example.org', 'reader5@example.org'],
    );
    // Another edition is another matter.
    const july = await edition('Regional Update – July 2023', '2023-07');
    expect(await sends.planSend(database.db, editor, july, { list: 'Directors' })).toMatchObject({ recipients: 4, alreadyHad: 0 });
  });

  it('two sends queued at once, both "only those who have not had it", reach each person once', async () => {
    const id = await edition();
    await readers('Regional Update', 0, 3);
    await readers('Everyone', 0, 5);
    await sends.createSend(database.db, editor, id, { list: 'Regional Update' });
    await sends.createSend(database.db, editor, id, { list: 'Everyone', repeat: 'missing' });
    await deliver();
    expect(smtp.received).toHaveLength(5);
    for (let i = 0; i < 5; i++) expect(received(`reader${i}@example.org`)).toBe(1);
  });

  it('the API is refused with 422 naming "repeat", and obeys it when given', async () => {
    const id = await edition();
    await readers('Regional Update', 0, 2);
    const auth = await bearer(database.db, 'editor');
    const post = (body: Record<string, unknown>) =>
      baton.app.inject({ method: 'POST', url: `/api/v1/editions/${id}/sends`, headers: auth, payload: body });
    expect((await post({ list: 'Regional Update' })).statusCode).toBe(201);
    const again = await post({ list: 'Regional Update' });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('repeat');
    expect((await post({ list: 'Regional Update', repeat: 'sometimes' })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await post({ list: 'Regional Update', repeat: 'missing' })).statusCode).toBe(201);
  });
});

describe('the send confirm step', () => {
  it('names the list, the number of recipients and the edition, and asks before sending again', async () => {
    const id = await edition();
    await readers('Regional Update', 0, 3);
    await addPerson(database.db, { email: 'ed@example.org', accessRole: 'editor' });
    const ed = new TestClient(baton.app, database.db);
    await ed.signIn('ed@example.org');
    const form = await ed.get(`/admin/editions/${id}/email`);
    expect(form.body).toContain(`action="/admin/editions/${id}/email/confirm"`);
    const listId = /name="list" type="radio" value="(\d+)"/.exec(form.body)![1]!;

    const none = await ed.get(`/admin/editions/${id}/email/confirm`);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('govuk-error-summary');
    expect(none.body).toContain('Choose a list');

    const check = await ed.get(`/admin/editions/${id}/email/confirm?list=${listId}`);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Check before sending');
    expect(check.body).toContain('Regional Update – June 2023');
    expect(check.body).toMatch(/Recipients\s*<\/dt>\s*<dd[^>]*>\s*3 people/);
    expect(check.body).not.toContain('name="repeat"');
    expect(smtp.received).toHaveLength(0); // looking is not sending

    const sent = await ed.post(`/admin/editions/${id}/email/send`, { list: listId });
    expect(sent.statusCode).toBe(303);
    await deliver();
    expect(smtp.received).toHaveLength(3);

    await readers('Regional Update', 3, 4);
    const again = await ed.get(`/admin/editions/${id}/email/confirm?list=${listId}`);
    expect(again.body).toContain('3 of these 4 people have already been sent');
    expect(again.body).toMatch(/value="missing" checked/);
    expect(again.body).toContain('Send only to those who have not had it (1 person)');
    expect(again.body).toContain('Send again to everyone (4 people)');

    const unasked = await ed.post(`/admin/editions/${id}/email/send`, { list: listId });
    expect(unasked.statusCode).toBe(400);
    expect(unasked.body).toContain('govuk-error-summary');
    expect(unasked.body).toContain('name="repeat"');

    const missing = await ed.post(`/admin/editions/${id}/email/send`, { list: listId, repeat: 'missing' });
    expect(missing.statusCode).toBe(303);
    expect((await ed.get(String(missing.headers.location))).body).toContain('The send has started');
    await deliver();
    expect(smtp.received).toHaveLength(4);
    expect(received('reader3@example.org')).toBe(1);
  });
});
