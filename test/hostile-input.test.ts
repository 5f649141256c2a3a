// Every route, with hostile path parameters, query values and body fields, answers 4xx and never 500.
// Routes come from Fastify's own table, form fields from the pages' forms and API fields from the OpenAPI
// document, so a new route or field is swept without anyone adding it here.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/actor.js';
import { registeredRoutes, type RouteEntry } from '../src/platform/http/route-table.js';
import { createApiToken } from '../src/modules/auth/service.js';
import * as bulletin from '../src/modules/bulletin/service.js';
import * as content from '../src/modules/bulletin/content.js';
import * as subs from '../src/modules/mailing/subscriptions.js';
import * as rota from '../src/modules/rota/service.js';
import type { Baton } from '../src/server.js';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import { TestClient, addPerson, testBaton } from './helpers/app.js';

let database: TestDatabase;
let baton: Baton;
let client: TestClient;
let apiAuth: Record<string, string>;
let slug = '';

const longEmail = `${'a'.repeat(100_000)}@example.org`;
/** Values that have answered 500 before, or are likely to: NUL, lone surrogates, controls, year 0, ids beyond int4. */
const HOSTILE_TEXT = [
  'a\u0000b',
  '\u0000',
  '\uD800',
  'x\uDFFFy',
  'bell\u0007',
  'esc\u001b[31m',
  'line\r\nbreak',
  'x'.repeat(6000),
  '0000-01',
  '0000-01-01',
  '2026-13',
  '2026-02-30',
  '10000-01-01T00:00',
  '0000-01-01T00:00',
  '99999999999',
  '99999999999999999999',
  '1e20',
  '-1',
  '0',
  '1.5',
  '',
  ' ',
  'abc',
];
/** Values put in every field of a form at once. */
const EVERY_FIELD = ['a\u0000b', '\uD800', 'line\r\nbreak', '0000-01-01', '99999999999999999999', `${'a'.repeat(300)}@example.org`];
const BENIGN_TEXT = ['x', '1', '2', '2026-05', '2030-05-01', '2030-05-01T09:00', 'admin@example.org', 'yes', 'director', 'council'];
const HOSTILE_PARAMS = [
  '99999999999',
  '99999999999999999999',
  '-1',
  '1e20',
  '1.5',
  'abc',
  '0000-01',
  '2026-13',
  'x%00y',
  '%1B',
  '%0A1',
  '1%0D%0ASet-Cookie:%20x=y',
  '%ED%A0%80',
  encodeURIComponent(longEmail),
];
/** A valid value for each path parameter, so the body sweep reaches the handler's parsing. */
const VALID_PARAM: Record<string, () => string> = {
  id: () => '1',
  sub: () => '1',
  slug: () => slug,
  month: () => '2030-05',
  token: () => 'not-a-real-token',
  decision: () => 'approve',
  action: () => 'publish', // an event's editor actions (paths.adminEventAction)
  listId: () => '1', // mailing's join requests (paths.adminListDecision)
  subscriberId: () => '1',
  '*': () => 'x',
};

/** Percent-encodes any string, writing lone surrogates as their (invalid) three UTF-8-style bytes, as a broken client would. */
function enc(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.charCodeAt(0);
    if (ch.length === 1 && u >= 0xd800 && u <= 0xdfff) {
      out += [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}
const formBody = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');

const paramNames = (url: string) => [...url.matchAll(/:(\w+)|(\*)/g)].map((m) => m[1] ?? '*');
function fill(url: string, values: Record<string, string>): string {
  return url.replace(/:(\w+)|\*/g, (m, name: string | undefined) => values[name ?? '*'] ?? m);
}
const isApi = (url: string) => url.startsWith('/api/');
// Routes that end the session or destroy the fixtures run last, so they hide nothing else.
const destructive = (r: RouteEntry) => /(delete|revoke|cancel|sign-out)/.test(r.url);

interface Attempt {
  method: string;
  url: string;
  form?: Record<string, string>;
  json?: unknown;
}
const failures: string[] = [];
let csrf = '';

async function send(a: Attempt) {
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const headers: Record<string, string> = isApi(a.url) ? { ...apiAuth } : { cookie };
  let payload: string | undefined;
  if (a.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(a.json);
  } else if (a.method !== 'GET' && a.method !== 'DELETE') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = formBody({ ...(a.form ?? {}), ...(isApi(a.url) ? {} : { _csrf: csrf }) });
  }
  const res = await baton.app.inject({ method: a.method as 'GET', url: a.url, headers, payload });
  if (res.statusCode >= 500) {
    const shown = JSON.stringify(a.form ?? a.json ?? {}).slice(0, 300);
    failures.push(`${a.method} ${a.url.slice(0, 200)} ${shown} → ${res.statusCode}`);
  }
  return res;
}

/** Every form field name on a page, so the body sweep covers every field a person can fill in. */
const formFieldNames = new Set<string>(['q', 'page', 'organisation', 'status', 'list', 'next']);
function collectFields(html: string) {
  for (const m of html.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"/g))
    if (m[1] !== '_csrf' && !m[1]!.includes('{')) formFieldNames.add(m[1]!);
}

/** A JSON value shaped like an OpenAPI schema, with hostile strings and numbers in every leaf. */
function fromSchema(schema: Record<string, unknown> | undefined, depth = 0): fc.Arbitrary<unknown> {
  const text = fc.oneof(
    { arbitrary: fc.constantFrom(...HOSTILE_TEXT), weight: 6 },
    { arbitrary: fc.constant(longEmail), weight: 1 },
    { arbitrary: fc.constantFrom(...BENIGN_TEXT), weight: 4 },
  );
  const number = fc.constantFrom(99999999999, 1e20, -1, 0, 1.5, 1, 2_147_483_648);
  const anything = fc.oneof(text, number, fc.constant(null), fc.constant(true), fc.constant([]), fc.constant({}));
  if (!schema || depth > 4) return anything;
  const variants = (schema.anyOf ?? schema.oneOf) as Array<Record<string, unknown>> | undefined;
  if (variants) return fc.oneof(...variants.map((v) => fromSchema(v, depth + 1)), anything);
  if (schema.type === 'object' || schema.properties) {
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const rec: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of Object.entries(props)) rec[k] = fromSchema(v, depth + 1);
    return fc.record(rec, { requiredKeys: [] });
  }
  if (schema.type === 'array') return fc.array(fromSchema(schema.items as Record<string, unknown>, depth + 1), { maxLength: 2 });
  if (schema.type === 'string') return fc.oneof(text, anything);
  if (schema.type === 'number' || schema.type === 'integer') return fc.oneof(number, text);
  return anything;
}

beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database, { SIGN_IN_RATE_LIMIT: '1000000' });
  const { db } = database;
  const sys = systemActor();
  // Token 1 is a spare, so that revoking token 1 leaves the sweep's own token working.
  await createApiToken(db, sys, { name: 'spare', role: 'admin' });
  const { token } = await createApiToken(db, sys, { name: 'sweep', role: 'admin' });
  apiAuth = { authorization: `Bearer ${token}` };
  await addPerson(db, { email: 'admin@example.org', accessRole: 'admin', org: 'Dudley', role: 'director' });
  const edition = await bulletin.createEdition(db, sys, { title: 'Regional Update – May 2030', month: '2030-05' });
  slug = edition.slug;
  const section = await content.addSection(db, sys, edition.id, { heading: 'Key updates' });
  await content.addItem(db, sys, section.id, { heading: 'An item', body: 'Text' });
  await content.attachFile(db, sys, 1, { filename: 'a.csv', contentType: 'text/csv', data: Buffer.from('a,b') });
  await bulletin.transition(db, sys, edition.id, 'publish');
  await subs.createList(db, sys, { name: 'Directors' });
  await subs.upsertSubscribers(db, sys, { lists: ['Directors'], subscribers: [{ email: 'sub@example.org' }] }, 'editor');
  await rota.assignSlot(db, sys, { month: '2030-06', person: 'admin@example.org' });
  client = new TestClient(baton.app, db);
  await client.signIn('admin@example.org');
  csrf = /name="_csrf" value="([^"]+)"/.exec((await client.get('/admin/editions')).body)![1]!;
});
afterAll(async () => {
  await baton?.close();
  await database?.close();
});

describe('hostile input at every route', () => {
  it('answers 4xx, never 500, to hostile path parameters, queries and bodies, and keeps serving', async () => {
    const routes = registeredRoutes(baton.app).filter((r) => r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThan(80);
    for (const r of routes) {
      for (const name of paramNames(r.url)) expect(VALID_PARAM[name], `a valid value for :${name} in ${r.url}`).toBeDefined();
    }
    const ordered = [...routes.filter((r) => !destructive(r)), ...routes.filter(destructive)];
    const valid = (url: string) => fill(url, Object.fromEntries(paramNames(url).map((n) => [n, VALID_PARAM[n]!()])));

    // Field names: from every page's forms (GET with valid parameters), and from the API's own document.
    for (const r of ordered)
      if (r.method === 'GET' && !isApi(r.url)) collectFields((await send({ method: 'GET', url: valid(r.url) })).body);
    const doc = JSON.parse((await baton.app.inject({ method: 'GET', url: '/api/openapi.json' })).body) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>>;
    };
    const apiBody = (r: RouteEntry) =>
      doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()]?.requestBody?.content['application/json']?.schema;

    const fieldValue = fc.oneof(
      { arbitrary: fc.constantFrom(...HOSTILE_TEXT), weight: 6 },
      { arbitrary: fc.constant(longEmail), weight: 1 },
      { arbitrary: fc.constantFrom(...BENIGN_TEXT), weight: 4 },
    );
    const formArb = fc.record(Object.fromEntries([...formFieldNames].map((n) => [n, fieldValue])), { requiredKeys: [] });
    const queryOf = (fields: Record<string, unknown>) =>
      Object.entries(fields)
        .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
        .join('&');

    for (const r of ordered) {
      // Table: each hostile value in each path parameter, one at a time.
      for (const name of paramNames(r.url)) {
        await Promise.all(
          HOSTILE_PARAMS.map((bad) => {
            const values = Object.fromEntries(paramNames(r.url).map((n) => [n, n === name ? bad : VALID_PARAM[n]!()]));
            return send({ method: r.method, url: fill(r.url, values), ...(isApi(r.url) && r.method !== 'GET' ? { json: {} } : {}) });
          }),
        );
      }
      // Table: every field of a form at once holding the same hostile value.
      if (r.method !== 'GET' && !isApi(r.url)) {
        await Promise.all(
          EVERY_FIELD.map((bad) =>
            send({ method: r.method, url: valid(r.url), form: Object.fromEntries([...formFieldNames].map((n) => [n, bad])) }),
          ),
        );
      }
      // Properties: hostile queries (GET) or bodies (the rest) at the route with valid parameters.
      const url = valid(r.url);
      const body = isApi(r.url) ? fromSchema(apiBody(r)) : formArb;
      await fc.assert(
        fc.asyncProperty(body, async (fields) => {
          if (r.method === 'GET') await send({ method: 'GET', url: `${url}?${queryOf(fields as Record<string, unknown>)}` });
          else if (isApi(r.url)) await send({ method: r.method, url, json: fields });
          else await send({ method: r.method, url, form: fields as Record<string, string> });
        }),
        { numRuns: r.method === 'GET' ? 4 : 8, seed: 20261123 },
      );
    }
    expect(failures).toEqual([]);
    expect((await baton.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  }, 240_000);
});
