// Benchmark for the platform issue's item 5: memory (first start, idle after a restart, peak under the edition page's load),
// time to ready after a restart, and the time of `baton --help`. Run by `BENCH=memory npm run bench`.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchData, load, memoryOf, startAndWait, stop } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;
const SLUG = 'regional-update-may-2022';
const RESTARTS = Number(process.env.BENCH_RESTARTS ?? 5);
const PG = process.env.BENCH_DATABASE_URL;
// Node's own flags for the server, to compare V8 settings (`--no-optimize-for-size` undoes bin/baton.js's default).
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The median wall time of `node bin/baton.js --help` over some runs, after one not counted. */
function helpTime(runs = 7): { medianMs: number; minMs: number; maxMs: number } {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ['bin/baton.js', '--help'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`baton --help failed: ${r.stderr}`);
    if (i > 0) times.push(performance.now() - t);
  }
  return { medianMs: Math.round(median(times)), minMs: Math.round(Math.min(...times)), maxMs: Math.round(Math.max(...times)) };
}

/** A fresh schema of our own on the PostgreSQL server (never another's), and a URL that uses it. */
async function pgSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { url, drop } = await benchData('memory', PG!);
  return { url: url!, drop };
}

interface DbRun {
  db: string;
  firstStartMs: number;
  firstStartPeakMb: number;
  readyMs: number[];
  idleMb: number;
  idlePeakMb: number;
  loadPeakMb: number;
  afterLoadMb: number;
  requestsPerSec: number;
  p99ms: number;
  errors: number;
}

async function serve(env: NodeJS.ProcessEnv, base: string): Promise<{ child: ChildProcess; ms: number }> {
  return startAndWait(process.execPath, [...NODE_FLAGS, 'bin/baton.js', 'serve'], env, `${base}/healthz`, 120_000);
}

/** First start on an empty database (demo import), then restarts: time to ready, idle memory, and the page under load. */
async function runOn(onPg: boolean): Promise<DbRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-memory-'));
  const pg = onPg ? await pgSchema() : undefined;
  const port = onPg ? 3951 : 3950;
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BATON_DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  };
  delete env.BATON_DEMO; // the first start loads the demo, as `npm start` does
  try {
    const first = await serve(env, base);
    const firstStartPeakMb = memoryOf(first.child.pid!).peakMb;
    await stop(first.child);
    const readyMs: number[] = [];
    for (let i = 1; i < RESTARTS; i++) {
      const r = await serve(env, base);
      readyMs.push(r.ms);
      await stop(r.child);
    }
    const { child, ms } = await serve(env, base);
    readyMs.push(ms);
    await sleep(5000);
    const idle = memoryOf(child.pid!);
    const res = await fetch(`${base}/updates/${SLUG}`);
    if (res.status !== 200) throw new Error(`/updates/${SLUG} answered ${res.status}`);
    await res.arrayBuffer();
    await load(`${base}/updates/${SLUG}`, { connections: CONNECTIONS, seconds: 2 });
    const r = await load(`${base}/updates/${SLUG}`, { connections: CONNECTIONS, seconds: SECONDS });
    const after = memoryOf(child.pid!);
    await stop(child);
    return {
      db: onPg ? 'PostgreSQL' : 'PGlite',
      firstStartMs: first.ms,
      firstStartPeakMb,
      readyMs,
      idleMb: idle.rssMb,
      idlePeakMb: idle.peakMb,
      loadPeakMb: after.peakMb,
      afterLoadMb: after.rssMb,
      requestsPerSec: r.requestsPerSec,
      p99ms: r.p99ms,
      errors: r.errors,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await pg?.drop();
  }
}

const help = helpTime();
const runs = [await runOn(false)];
if (PG) runs.push(await runOn(true));
console.log(
  `\n## Memory and start (${os.cpus().length} cores, ${os.cpus()[0]?.model}, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}${NODE_FLAGS.length ? `, server flags ${NODE_FLAGS.join(' ')}` : ''})`,
);
console.log(`baton --help: median ${help.medianMs} ms (min ${help.minMs}, max ${help.maxMs}) over 7 runs`);
for (const r of runs) {
  console.log(`${r.db}: first start (empty database, demo import) ready in ${r.firstStartMs} ms, peak ${r.firstStartPeakMb} MB`);
  console.log(`${r.db}: ready after a restart: median ${median(r.readyMs)} ms (${r.readyMs.join(', ')})`);
  console.log(`${r.db}: idle 5 s after ready ${r.idleMb} MB (peak so far ${r.idlePeakMb} MB)`);
  console.log(
    `${r.db}: /updates/${SLUG} at ${CONNECTIONS} connections for ${SECONDS} s: ${Math.round(r.requestsPerSec)} req/s, p99 ${r.p99ms.toFixed(2)} ms, ${r.errors} errors; peak ${r.loadPeakMb} MB, ${r.afterLoadMb} MB after`,
  );
}
