import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLeast, type Role } from '../src/platform/actor.js';
import { buildBaton, type Baton } from '../src/server.js';
import { testConfig } from './helpers/app.js';
import { testDatabase, type TestDatabase } from './helpers/db.js';
import {
  CALLERS,
  HOME_ORG,
  fillParams,
  makeCallers,
  makeTargets,
  type Caller,
  type Shared,
  type Targets,
} from './helpers/route-fixture.js';

// Every route Fastify knows, requested as every kind of caller: a lower role must be turned away,
// nothing may answer 500, and the server must still answer afterwards with no rejection left unhandled.

/** The least role each route needs, first match wins; read from the policy module's rules. */
const MIN_ROLE: Array<[RegExp, Role]> = [
  [/^\w+ \/admin\/(audit|outbox|tokens|jobs)\b/, 'admin'], // audit.view, outbox.view, tokens.manage, jobs.view, jobs.retry
  [/^POST \/admin\/people\/new$/, 'director'], // person.edit: a director adds people to their own council (the form says what is wrong)
  [/^\w+ \/admin\b/, 'editor'], // directory.manage, bulletin.*, rota.manage, mailing.*; person.edit for another council's director
  [/^\w+ \/rota\b/, 'director'], // rota.viewOwn
  [/^GET \/account(\/bookings)?$/, 'subscriber'], // account.view
  [/^POST \/account\/bookings\/calendar-feed(\/stop)?$/, 'subscriber'], // account.view: one's own calendar feed
  [/^POST \/events\/:slug\/book(-for)?$/, 'subscriber'], // events.book (book-for: then events.bookFor, per colleague)
  [/^POST \/updates\/:slug\/comments$/, 'member'], // comment.create
  [/^GET \/api\/v1\/(organisations|people|rota)\b/, 'member'], // directory.view
  [/^GET \/api\/v1\/plan$/, 'subscriber'], // plan.view: any token
  [/^POST \/api\/v1\/shares$/, 'member'], // share.submit
  [/^\w+ \/plan\/(projects|report)/, 'member'], // plan.viewDetail; project.update also for a workstream's lead (plan.test.ts)
  [/^GET \/api\/v1\/events\/:id$/, 'subscriber'], // a published event: any token (drafts only for events.manage)
  [/^\w+ \/api\/v1\//, 'editor'], // directory.manage, bulletin.*, rota.manage, mailing.*
  [/./, 'public'], // includes POST /account/sign-out-everywhere: with no session there is nothing to end
];

/** The role each caller acts with: a revoked session or token is nobody. */
const ROLE_OF: Record<Caller['name'], Role> = {
  none: 'public',
  revoked: 'public',
  subscriber: 'subscriber',
  member: 'member',
  director: 'director',
  editor: 'editor',
  admin: 'admin',
};

/** Bodies and queries for API routes, which validate input before the handler authorises: valid input reaches the policy. */
const API_INPUT: Record<string, (t: Targets, n: number) => { body?: unknown; query?: string }> = {
  'POST /api/v1/organisations': (_t, n) => ({ body: { name: `API council ${n}`, kind: 'council' } }),
  'PATCH /api/v1/organisations/:id': () => ({ body: { kind: 'council' } }),
  'POST /api/v1/people': (_t, n) => ({
    body: { name: `API person ${n}`, email: `api${n}@example.org`, role: 'other', organisation: HOME_ORG }, // not the director's
  }),
  'PATCH /api/v1/people/:id': () => ({ body: { jobTitle: 'Head of service' } }),
  'POST /api/v1/editions': (_t, n) => ({ body: { title: `API edition ${n}`, month: `2042-${String(n + 1).padStart(2, '0')}` } }),
  'PATCH /api/v1/editions/:id': () => ({ body: { title: 'Renamed by the API' } }),
  'POST /api/v1/editions/:id/sends': (t) => ({ body: { list: t.listName } }),
  'POST /api/v1/rota': () => ({ body: { month: '2033-01', person: 'target@example.org' } }),
  'POST /api/v1/subscribers': (t, n) => ({ body: { lists: [t.listName], subscribers: [{ email: `api-reader${n}@example.org` }] } }),
  'GET /api/v1/subscribers': (t) => ({ query: `?list=${encodeURIComponent(t.listName)}` }),
  'POST /api/v1/projects': () => ({ body: { title: 'API project', workstream: 'No such workstream', status: 'active' } }),
  'POST /api/v1/projects/:id/outcomes': () => ({ body: { text: 'An outcome' } }),
  'POST /api/v1/shares': () => ({ body: { title: 'API share', body: 'What we did' } }),
  'POST /api/v1/opportunities': (_t, n) => ({ body: { title: 'API pilot', partner: `API partner ${n}`, description: 'A pilot', closes: '2099-01-31' } }),
  'POST /api/v1/events': (_t, n) => ({ body: { title: `API event ${n}`, start: '2040-07-01T10:00:00+01:00', end: '2040-07-01T12:00:00+01:00', capacity: 5 } }),
  'POST /api/v1/events/:id/bookings': (_t, n) => ({ body: { email: `api-booker${n}@example.org`, name: 'API booker' } }),
  'POST /api/v1/opportunities/:id/signups': () => ({ body: { organisation: 'No such council', contact: 'x@example.org' } }),
};

/** Routes that answer 500 for a reason outside authorisation (input validation, fixed separately); keep this list short. */
const KNOWN_500 = new Set<string>([]);

interface Route {
  method: string;
  url: string;
}

/** Where a route comes in a sweep: POSTs that delete what later requests act on go late, those that end the session last. */
const stage = (r: Route) => (/sign-out/.test(r.url) ? 3 : /\/(delete|revoke|cancel)$/.test(r.url) ? (/items/.test(r.url) ? 1 : 2) : 0);

function minRole(key: string): Role {
  return MIN_ROLE.find(([re]) => re.test(key))![1];
}

let database: TestDatabase;
let baton: Baton;
let callers: Caller[];
let shared: Shared;
const routes: Route[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  database = await testDatabase();
  baton = await buildBaton({
    config: testConfig({ SIGN_IN_RATE_LIMIT: '100000' }),
    database,
    prepare: false,
    logOutbox: false,
    runJobs: false,
    onRoute: (r) => {
      for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
    },
  });
  await baton.app.ready();
  ({ callers, shared } = await makeCallers(baton.app, database.db, baton.ctx.mailer));
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await baton?.close();
  await database?.close();
});

async function call(caller: Caller, route: Route, t: Targets, n: number) {
  const key = `${route.method} ${route.url}`;
  const url = fillParams(route.url, t);
  if (route.url.startsWith('/api/')) {
    const input = API_INPUT[key]?.(t, n) ?? {};
    return baton.app.inject({
      method: route.method as 'GET',
      url: url + (input.query ?? ''),
      headers: { ...caller.api, ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      payload: route.method === 'GET' ? undefined : JSON.stringify(input.body ?? {}),
    });
  }
  if (caller.deadSession) caller.client.cookies.set('baton_session', caller.deadSession);
  if (route.method === 'GET') return caller.client.get(url);
  if (route.method === 'POST') return caller.client.post(url);
  throw new Error(`${key}: the sweep does not know how to call ${route.method} on a page`);
}

/** What is wrong with an answer, or null when it is what the route's least role says. */
function judge(caller: Caller, route: Route, res: { statusCode: number; headers: Record<string, unknown> }): string | null {
  const key = `${route.method} ${route.url}`;
  const status = res.statusCode;
  const location = String(res.headers.location ?? '');
  const api = route.url.startsWith('/api/');
  if (status >= 500) return KNOWN_500.has(key) ? null : `${status}`;
  const role = ROLE_OF[caller.name];
  if (atLeast(role, minRole(key))) {
    const refused = status === 401 || status === 403 || location.startsWith('/sign-in?');
    return refused ? `${status} ${location} but ${role} may (least role ${minRole(key)})` : null;
  }
  let expected: number;
  if (api) expected = role === 'public' ? 401 : 403;
  else expected = role === 'public' && route.method === 'GET' ? 302 : 403;
  if (status !== expected) return `${status} ${location}, expected ${expected} (least role ${minRole(key)})`;
  if (expected === 302 && !location.startsWith('/sign-in?next=')) return `302 to ${location}, expected the sign-in page`;
  return null;
}

describe('every route as every caller', () => {
  it('finds the route table from Fastify', () => {
    const keys = routes.map((r) => `${r.method} ${r.url}`);
    expect(keys).toContain('GET /admin/rota');
    expect(keys).toContain('POST /api/v1/rota');
    expect(routes.length).toBeGreaterThan(80);
  });

  CALLERS.forEach((name, n) => {
    it(`answers ${name} as the policy says, and stays up`, async () => {
      const caller = callers.find((c) => c.name === name)!;
      const t = await makeTargets(database.db, n, shared);
      const ordered = [0, 1, 2, 3].flatMap((s) => routes.filter((r) => stage(r) === s));
      const problems: string[] = [];
      for (const route of ordered) {
        const res = await call(caller, route, t, n);
        const problem = judge(caller, route, res);
        if (problem) problems.push(`${route.method} ${route.url}: ${problem}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(problems).toEqual([]);
      expect((await baton.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      expect(rejections.map(String)).toEqual([]);
    });
  });
});
