// Benchmark for issue 3: an edition page and the archive with 10 and 10,000 editions, beside a bare Fastify ceiling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { loadDemoIfEmpty } from '../src/modules/demo/seed.js';
import { benchData, load, memoryOf, startAndWait, stop, type BenchData } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const SLUG = 'regional-update-may-2022';

const PG = process.env.BENCH_DATABASE_URL;

/** Makes a data dir (or a fresh schema on BENCH_DATABASE_URL's server) with the demo and `editions` published editions. */
async function prepare(editions: number, onPg: boolean): Promise<BenchData> {
  const data = await benchData(`${editions}`, onPg ? PG : undefined);
  const database = await openDatabase({ dataDir: data.dir, databaseUrl: data.url });
  await migrate(database);
  await loadDemoIfEmpty(database.db);
  const extra = editions - 2;
  if (extra > 0) {
    await database.db.execute(sql`
      INSERT INTO editions (slug, title, month, status, published_at, intro_author, intro_organisation, intro_body, search, search_text)
      SELECT 'bench-' || g, 'Regional Update – bench ' || g, date '2000-01-01' + (g || ' days')::interval, 'published', now(),
             e.intro_author, e.intro_organisation, e.intro_body, e.search, e.search_text
      FROM generate_series(1, ${extra}) AS g, (SELECT * FROM editions WHERE slug = ${SLUG}) AS e`);
    await database.db.execute(sql`
      INSERT INTO sections (edition_id, position, heading)
      SELECT n.id, s.position, s.heading FROM editions n, sections s JOIN editions o ON o.id = s.edition_id AND o.slug = ${SLUG}
      WHERE n.slug LIKE 'bench-%'`);
  }
  await database.close();
  return data;
}

async function runFor(editions: number, onPg = false) {
  const { env: dbEnv, drop } = await prepare(editions, onPg);
  const port = 3900 + (editions % 97) + (onPg ? 1 : 0);
  const env = { ...process.env, ...dbEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BATON_DEMO: '0' };
  const base = `http://127.0.0.1:${port}`;
  const { child, ms } = await startAndWait(process.execPath, ['bin/baton.js', 'serve'], env, `${base}/updates/${SLUG}`);
  const page = await (await fetch(`${base}/updates/${SLUG}`)).text();
  await load(`${base}/updates/${SLUG}`, { connections: CONNECTIONS, seconds: 2 }); // warm up
  const edition = await load(`${base}/updates/${SLUG}`, { connections: CONNECTIONS, seconds: SECONDS });
  const memAfterEdition = memoryOf(child.pid!);
  const archive = await load(`${base}/updates`, { connections: CONNECTIONS, seconds: SECONDS });
  const mem = memoryOf(child.pid!);
  await stop(child);
  await drop();
  return {
    editions,
    db: onPg ? 'PostgreSQL' : 'PGlite',
    coldStartMs: ms,
    pageBytes: Buffer.byteLength(page),
    edition,
    archive,
    memAfterEdition,
    mem,
    page,
  };
}

async function ceiling(page: string) {
  const file = path.join(os.tmpdir(), 'baton-bench-page.html');
  fs.writeFileSync(file, page);
  const port = 3899;
  const { child } = await startAndWait(
    process.execPath,
    ['--import', 'tsx', 'bench/ceiling-server.ts', file, String(port)],
    process.env,
    `http://127.0.0.1:${port}/page`,
  );
  await load(`http://127.0.0.1:${port}/page`, { connections: CONNECTIONS, seconds: 2 });
  const r = await load(`http://127.0.0.1:${port}/page`, { connections: CONNECTIONS, seconds: SECONDS });
  await stop(child);
  return r;
}

const fmt = (r: { requestsPerSec: number; p50ms: number; p99ms: number; errors: number }) =>
  `${Math.round(r.requestsPerSec).toLocaleString('en-GB')} req/s, p50 ${r.p50ms.toFixed(2)} ms, p99 ${r.p99ms.toFixed(2)} ms, ${r.errors} errors`;

const small = await runFor(10);
const large = await runFor(10_000);
const runs = [small, large];
if (PG) runs.push(await runFor(10_000, true));
const bare = await ceiling(small.page);
console.log(
  `\n## Edition pages (${os.cpus().length} cores, ${os.cpus()[0]?.model}, Node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s, ${small.edition.tool})`,
);
console.log(`ceiling: bare Fastify, same ${small.pageBytes} bytes from memory: ${fmt(bare)}`);
for (const r of runs) {
  const label = `${r.editions} editions on ${r.db}`;
  console.log(`${label}: /updates/${SLUG}: ${fmt(r.edition)}`);
  console.log(`${label}: /updates: ${fmt(r.archive)}`);
  console.log(
    `${label}: cold start to first edition page ${r.coldStartMs} ms; resident memory ${r.mem.rssMb} MB (peak ${r.mem.peakMb} MB)`,
  );
}
