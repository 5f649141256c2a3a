// Benchmark for issue 8: confirmed bookings per second under contention, 50 clients booking one event of 500 places
// through the API of a `baton serve` process, on PGlite and (with BENCH_DATABASE_URL) on PostgreSQL.
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { systemActor } from '../src/platform/actor.js';
import { createApiToken } from '../src/modules/auth/service.js';
import { benchData, load, memoryOf, startAndWait, stop } from './lib.js';
import { freePort } from './ports.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const PLACES = 500;
// A fifth more requests than places, so the last ones meet a full event and join the waiting list.
const REQUESTS = PLACES + PLACES / 5;

const EVENT = {
  title: 'Bench learning event',
  summary: 'Places are limited so book early.',
  start: '2031-06-30T09:30:00+01:00',
  end: '2031-06-30T16:30:00+01:00',
  venue: { name: 'Fazeley Studios', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
  onlineUrl: null,
  capacity: PLACES,
  bookingOpens: null,
  bookingCloses: '2031-06-23T17:00:00+01:00',
  offerHours: 48,
};

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function run(label: string, pgUrl?: string) {
  const data = await benchData('bookings', pgUrl);
  const prepared = await openDatabase(pgUrl ? { databaseUrl: data.url!, dataDir: data.dir } : { dataDir: data.dir });
  await migrate(prepared);
  const { token } = await createApiToken(prepared.db, systemActor('bench'), { name: 'bench', role: 'editor' });
  if (!pgUrl) await prepared.close();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...data.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BATON_DEMO: '0' };
  const { child } = await startAndWait(process.execPath, ['bin/baton.js', 'serve'], env, `${base}/healthz`);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  try {
    const { id, slug } = (await call('POST', '/api/v1/events', EVENT)).body as { id: number; slug: string };
    await call('POST', `/api/v1/events/${id}/publish`);
    let next = 0;
    let busy = 0;
    const latencies: number[] = [];
    const statuses: string[] = [];
    let lastConfirmedAt = 0;
    const started = performance.now();
    const client = async () => {
      for (let n = next++; n < REQUESTS; n = next++) {
        for (;;) {
          const t = performance.now();
          const res = await call('POST', `/api/v1/events/${id}/bookings`, { email: `b${n}@bench.example`, name: `Booker ${n}` });
          latencies.push(performance.now() - t);
          if (res.status === 503) {
            busy++;
            continue;
          }
          if (res.status !== 201) throw new Error(`booking ${n}: ${res.status} ${JSON.stringify(res.body)}`);
          statuses.push(res.body.status as string);
          if (res.body.status === 'confirmed') lastConfirmedAt = performance.now();
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const confirmed = statuses.filter((s) => s === 'confirmed').length;
    const counter = pgUrl ? prepared : await openDatabase({ dataDir: data.dir, skipLock: true });
    const inDb = Number(
      (
        await queryRows<{ n: number }>(
          counter.db,
          sql`SELECT count(*)::int AS n FROM event_bookings WHERE event_id = ${id} AND status = 'confirmed'`,
        )
      )[0]!.n,
    );
    if (!pgUrl) await counter.close();
    const seconds = (lastConfirmedAt - started) / 1000;
    // The event page as the public sees it once the rush is over: from the page cache, like an edition.
    await load(`${base}/events/${slug}`, { connections: 10, seconds: 2 }); // warm up
    const page = await load(`${base}/events/${slug}`, { connections: 10, seconds: Number(process.env.BENCH_SECONDS ?? 10) });
    pages.push(
      `| ${label} | ${page.tool} | ${Math.round(page.requestsPerSec)} | ${page.p50ms.toFixed(2)} ms | ${page.p99ms.toFixed(2)} ms | ${page.errors} |`,
    );
    console.log(
      `| ${label} | ${CLIENTS} | ${Math.round(confirmed / seconds)} | ${pct(latencies, 50).toFixed(1)} ms | ${pct(latencies, 99).toFixed(1)} ms | ${inDb - PLACES} | ${statuses.length - confirmed} | ${busy} | ${memoryOf(child.pid!).peakMb} MB |`,
    );
  } finally {
    await stop(child);
    if (pgUrl) await prepared.close();
    await data.drop();
  }
}

const pages: string[] = [];
console.log(`\nBookings under contention: ${REQUESTS} booking requests from ${CLIENTS} clients for one event of ${PLACES} places`);
console.log('| database | clients | confirmed bookings/s | p50 | p99 | overbooked | waitlisted | busy answers | peak memory |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
await run('PGlite');
if (process.env.BENCH_DATABASE_URL) await run('PostgreSQL', process.env.BENCH_DATABASE_URL);
console.log('\nThe event page for the public (GET /events/SLUG, 10 connections, from the page cache)');
console.log('| database | load tool | requests/s | p50 | p99 | errors |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const row of pages) console.log(row);
