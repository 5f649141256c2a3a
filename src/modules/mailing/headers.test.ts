import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simpleParser, type AddressObject } from 'mailparser';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, bearer, testBaton } from '../../../test/helpers/app.js';
import { startSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { systemActor } from '../../platform/actor.js';
import { escapeHtml } from '../../platform/http/escape.js';
import type { Baton } from '../../server.js';
import * as bulletin from '../bulletin/service.js';
import * as repo from './repo.js';
import { SendWorker } from './sender.js';
import * as sends from './sends.js';
import * as subs from './subscriptions.js';

// Header injection through names: what reaches the SMTP server is read back with a real mail parser.
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

const EVIL_LIST = 'A\r\nBcc: x@evil.example\r\nX-Injected: list';
const LONG = "Zoë \"Z\" O'Brien $' $& $` — directrice des services à l'enfance et à la famille du conseil régional";
// The names as stored (the last two got in before input was checked) and the display name a reader must see.
const PEOPLE = [
  { email: 'joe@example.org', name: 'Joe, <attacker@evil.example>', shown: 'Joe, <attacker@evil.example>' },
  { email: 'zoe@example.org', name: LONG, shown: LONG },
  {
    email: 'eve@example.org',
    name: 'Eve\r\nBcc: eve@evil.example\r\nX-Injected: name',
    shown: 'Eve Bcc: eve@evil.example X-Injected: name',
  },
  { email: 'sam@example.org', name: 'Sam "the \\ man" Smith;', shown: 'Sam "the \\ man" Smith;' },
];
const HEADERS = [
  'content-type',
  'date',
  'from',
  'list-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'message-id',
  'mime-version',
  'precedence',
  'subject',
  'to',
];

async function sendToPeople(listName: string) {
  const { id } = await bulletin.createEdition(database.db, editor, {
    title: 'Regional Update – June 2023: "news", <b>views</b> & a title long enough to need folding over two lines',
    month: '2023-06',
    sections: [{ heading: 'Key events', body: 'Networking day' }],
  });
  await bulletin.transition(database.db, editor, id, 'publish');
  // Straight into the tables: the forms and the API now refuse these names, and the encoder must hold on its own.
  const list = await repo.insertList(database.db, { name: listName });
  const { ids } = await repo.bulkUpsertSubscribers(
    database.db,
    PEOPLE.map((p) => ({ email: p.email, name: p.name, role: null, organisation: null })),
  );
  await repo.bulkActivate(database.db, list.id, ids, 'import', 'test');
  await sends.createSend(database.db, editor, id, { list: list.id });
  const w = new SendWorker({
    db: database.db,
    secret: baton.ctx.secret,
    baseUrl: 'http://localhost:3000',
    networkName: 'Test Network',
    from: '"Network, West Midlands" <network@example.org>',
    smtpUrl: smtp.url,
    rate: 0,
    pool: 2,
  });
  await w.tick();
  await w.stop();
  return { list, received: await smtp.waitFor(PEOPLE.length) };
}

describe('bulletin headers', () => {
  it('quote and encode names, so no name adds a recipient or a header, and read back intact', async () => {
    const { list, received } = await sendToPeople(EVIL_LIST);
    expect(received).toHaveLength(PEOPLE.length);
    for (const person of PEOPLE) {
      const mail = received.find((m) => m.to[0] === person.email)!;
      expect(mail.to).toEqual([person.email]);
      const parsed = await simpleParser(mail.raw);
      expect([...new Set(parsed.headerLines.map((h) => h.key))].sort()).toEqual(HEADERS);
      const to = parsed.to as AddressObject;
      expect(to.value).toEqual([{ address: person.email, name: person.shown }]);
      expect((parsed.from as AddressObject).value).toEqual([{ address: 'network@example.org', name: 'Network, West Midlands' }]);
      expect(parsed.subject).toBe('Regional Update – June 2023: "news", <b>views</b> & a title long enough to need folding over two lines');
      expect(parsed.headers.get('list')).toMatchObject({
        id: { id: `list-${list.id}.localhost`, name: 'A Bcc: x@evil.example X-Injected: list' },
      });
      expect(parsed.text).toContain(`Dear ${person.shown},`);
      expect(parsed.html).toContain(`Dear ${escapeHtml(person.shown)},`);
      const head = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
      // Folded: every line of the headers that carry names or titles within 78 octets (a long URL may not fold).
      let field = '';
      for (const line of head.split('\r\n')) {
        if (!/^[ \t]/.test(line)) field = line.slice(0, line.indexOf(':'));
        if (field !== 'List-Unsubscribe') expect(Buffer.byteLength(line), line).toBeLessThanOrEqual(78);
      }
    }
  });

  it('are refused with line breaks in names at every way in: the list form, the join form and the API', async () => {
    await expect(subs.createList(database.db, editor, { name: 'A\r\nBcc: x@evil.example' })).rejects.toThrow('Must be on one line');
    const list = await subs.createList(database.db, editor, { name: 'Regional Update' });
    const visitor = new TestClient(baton.app, database.db);
    await visitor.get('/subscribe');
    const join = await visitor.post('/subscribe', { list: String(list.id), email: 'eve@example.org', name: 'Eve\r\nBcc: x@evil.example' });
    expect(join.statusCode).toBe(400);
    expect(join.body).toContain('Must be on one line');
    const api = await baton.app.inject({
      method: 'POST',
      url: '/api/v1/subscribers',
      headers: await bearer(database.db),
      payload: { lists: ['Regional\nUpdate'], subscribers: [{ email: 'eve@example.org', name: 'Eve\nBcc: x@evil.example' }] },
    });
    expect(api.statusCode).toBe(422);
    expect(api.body).toContain('Must be on one line');
    expect(await database.query(sql`SELECT id FROM subscribers`)).toEqual([]);
  });
});
