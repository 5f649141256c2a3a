import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, testBaton } from './helpers/app.js';
import { childDatabase, testDatabase, type TestDatabase } from './helpers/db.js';
import { openDatabase, queryRows, type Database } from '../src/platform/db/client.js';
import { systemActor } from '../src/platform/actor.js';
import { createApiToken } from '../src/modules/auth/service.js';
import type { Baton } from '../src/server.js';

// A rush on the last places of the learning day: many people book at once for three places.
const PLACES = 3;
const RUSH = 200;
const url = process.env.DATABASE_URL;

const EVENT = {
  title: 'Face-to-face learning event',
  summary: 'Places are limited so book early.',
  start: '2031-06-30T09:30:00+01:00',
  end: '2031-06-30T16:30:00+01:00',
  venue: { name: 'Fazeley Studios', room: 'Fazeley room', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
  onlineUrl: null,
  capacity: PLACES,
  bookingOpens: null,
  bookingCloses: '2031-06-23T17:00:00+01:00',
  offerHours: 48,
};

type Send = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<{ status: number; json: () => unknown }>;

/** Creates and publishes the event through the API, returning its id. */
async function publishedEvent(send: Send): Promise<number> {
  const created = await send('POST', '/api/v1/events', EVENT);
  expect(created.status).toBe(201);
  const { id } = created.json() as { id: number };
  expect((await send('POST', `/api/v1/events/${id}/publish`)).status).toBe(200);
  return id;
}

/** Books one person, trying again (as the page asks) while the answer is "busy, please try again". */
async function bookRetrying(send: Send, eventId: number, n: number, tag: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await send('POST', `/api/v1/events/${eventId}/bookings`, { email: `rush${n}.${tag}@example.org`, name: `Rush ${n}` });
    if (res.status === 201) return (res.json() as { status: string }).status;
    if (res.status !== 503) throw new Error(`booking ${n}: ${res.status} ${JSON.stringify(res.json())}`);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 50));
  }
  throw new Error(`booking ${n}: still busy`);
}

/** Confirmed places for the event, counted in the database itself. */
async function confirmedInDb(db: Database['db'], eventId: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM event_bookings WHERE event_id = ${eventId} AND status = 'confirmed'`,
  );
  return Number(rows[0]!.n);
}

const tally = (statuses: string[]) => ({
  confirmed: statuses.filter((s) => s === 'confirmed').length,
  waitlisted: statuses.filter((s) => s === 'waitlisted').length,
});

describe('a rush on limited places, in one process', () => {
  let database: TestDatabase;
  let baton: Baton;
  beforeAll(async () => {
    database = await testDatabase();
    baton = await testBaton(database);
  });
  afterAll(async () => {
    await baton.close();
    await database.close();
  });

  it(`gives ${PLACES} places to ${RUSH} people booking at once and puts everyone else on the waiting list`, async () => {
    const auth = await bearer(database.db, 'editor');
    const send: Send = async (method, path, body) => {
      const res = await baton.app.inject({
        method,
        url: path,
        headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: () => res.json() };
    };
    const id = await publishedEvent(send);
    const statuses = await Promise.all(Array.from({ length: RUSH }, (_, n) => bookRetrying(send, id, n, 'one')));
    expect(tally(statuses)).toEqual({ confirmed: PLACES, waitlisted: RUSH - PLACES });
    expect(await confirmedInDb(database.db, id)).toBe(PLACES);
  }, 60_000);
});

describe.runIf(url)('a rush on limited places, two Baton processes on one PostgreSQL', () => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  let database: Database;
  let token: string;
  const children: ChildProcess[] = [];

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
  }

  async function startServer(locking: 'on' | 'off'): Promise<string> {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/baton.js', 'serve'], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', BATON_DEMO: '0', LOG_LEVEL: 'warn', CAPACITY_LOCKING: locking },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) return base;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('server did not start');
  }

  const over = (base: string): Send => async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: () => JSON.parse(text) };
  };

  /** Runs the rush against two fresh servers, half the people on each, and stops them. */
  async function rush(locking: 'on' | 'off') {
    const bases = await Promise.all([startServer(locking), startServer(locking)]);
    try {
      const id = await publishedEvent(over(bases[0]!));
      const statuses = await Promise.all(
        Array.from({ length: RUSH }, (_, n) => bookRetrying(over(bases[n % 2]!), id, n, `${locking}${id}`)),
      );
      return { ...tally(statuses), inDb: await confirmedInDb(database.db, id) };
    } finally {
      for (const c of children.splice(0)) {
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await exited;
      }
    }
  }

  beforeAll(async () => {
    ({ env, cleanup } = await childDatabase('rush'));
    database = await openDatabase({ databaseUrl: env.DATABASE_URL!, dataDir: '' });
    const { migrate } = await import('../src/platform/db/migrate.js');
    await migrate(database);
    ({ token } = await createApiToken(database.db, systemActor('test'), { name: 'rush', role: 'editor' }));
  }, 60_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await database?.close();
    await cleanup?.();
  });

  it('control: with CAPACITY_LOCKING=off the same rush overbooks', async () => {
    const result = await rush('off');
    expect(result.inDb).toBeGreaterThan(PLACES);
  }, 120_000);

  it(`with the lock, gives exactly ${PLACES} places and waitlists everyone else`, async () => {
    const result = await rush('on');
    expect(result).toEqual({ confirmed: PLACES, waitlisted: RUSH - PLACES, inDb: PLACES });
  }, 120_000);
});
