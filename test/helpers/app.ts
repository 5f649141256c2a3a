import { desc, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { systemActor } from '../../src/platform/actor.js';
import { mailMessages } from '../../src/platform/mail/schema.js';
import { createApiToken } from '../../src/modules/auth/service.js';
import { createOrganisation, createPerson } from '../../src/modules/directory/service.js';
import { buildBaton, type Baton } from '../../src/server.js';
import type { TestDatabase } from './db.js';

/** Settings for tests: no demo, silent logs, a fixed base URL; extra variables override. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    BATON_DEMO: '0',
    LOG_LEVEL: 'silent',
    BATON_BASE_URL: 'http://localhost:3000',
    BATON_DATA_DIR: '/nonexistent',
    ...env,
  });
}

/** Builds Baton on a test database (already migrated). */
export async function testBaton(database: TestDatabase, env: Record<string, string> = {}): Promise<Baton> {
  return buildBaton({ config: testConfig(env), database, prepare: false, logOutbox: false, runJobs: false });
}

/** A browser-like client over app.inject: keeps cookies and fills in the form token. */
export class TestClient {
  cookies = new Map<string, string>();
  private csrfToken?: string;

  constructor(
    readonly app: FastifyInstance,
    readonly db: TestDatabase['db'],
  ) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: { cookies: Array<{ name: string; value: string; maxAge?: number; expires?: Date }> }) {
    for (const c of res.cookies) {
      // Form tokens are bound to the session: a new (or no) session needs a fresh token, as a browser gets with the next page.
      if (c.name === 'baton_session') this.csrfToken = undefined;
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  /** GETs a URL with the client's cookies. */
  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.keep(res);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrfToken = token;
    return res;
  }

  /** POSTs a form, adding a valid form token unless `_csrf` is given. */
  async post(url: string, fields: Record<string, string | string[]> = {}) {
    if (!this.csrfToken && !('_csrf' in fields)) await this.get('/sign-in');
    // A field given as a list is sent once per value, as a browser sends ticked checkboxes.
    const body = new URLSearchParams(
      Object.entries({ _csrf: this.csrfToken ?? '', ...fields }).flatMap(([k, v]) => [v].flat().map((one) => [k, one])),
    ).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.keep(res);
    // Some work (the sign-in email) starts only once the answer has gone; a person reads their email after that.
    await this.app.afterResponse.idle();
    return res;
  }

  /** Signs in through the emailed link, as a person would: ask, open the link, press the button. */
  async signIn(email: string) {
    await this.post('/sign-in', { email });
    const link = await latestSignInLink(this.db, email);
    await this.get(link);
    const res = await this.post('/sign-in/confirm', { token: new URL(link, 'http://x').searchParams.get('token')! });
    if (!this.cookies.has('baton_session')) throw new Error(`sign-in failed: ${res.statusCode}`);
    return res;
  }
}

/** The path of the newest sign-in link emailed to an address, read from the outbox table; waits up to 5 s for it to be queued, as a person waits for their email. */
export async function latestSignInLink(db: TestDatabase['db'], email: string): Promise<string> {
  for (let waited = 0; ; waited += 50) {
    const [row] = await db
      .select({ text: mailMessages.textBody })
      .from(mailMessages)
      .where(sql`${mailMessages.toAddress} = ${email}`)
      .orderBy(desc(mailMessages.id))
      .limit(1);
    const url = /(https?:\/\/[^/\s]+)(\/sign-in\/confirm\?\S+)/.exec(row?.text ?? '')?.[2];
    if (url) return url;
    if (waited >= 5000) throw new Error(`no sign-in email for ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Adds an organisation and a person with an access role, returning the person. */
export async function addPerson(
  db: TestDatabase['db'],
  opts: { email: string; accessRole?: string; org?: string; role?: string; name?: string },
) {
  if (opts.org) {
    try {
      await createOrganisation(db, systemActor(), { name: opts.org, kind: 'council' });
    } catch {
      /* already there */
    }
  }
  return createPerson(db, systemActor(), {
    name: opts.name ?? opts.email.split('@')[0],
    email: opts.email,
    role: opts.role ?? 'director',
    organisation: opts.org ?? null,
    accessRole: opts.accessRole ?? 'member',
  });
}

/** Creates an API token with a role and returns the Authorization header for it. */
export async function bearer(db: TestDatabase['db'], role = 'admin'): Promise<{ authorization: string }> {
  const { token } = await createApiToken(db, systemActor(), { name: `test ${role}`, role });
  return { authorization: `Bearer ${token}` };
}
