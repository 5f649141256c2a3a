// Benchmark for hardening item 11: a send of 5,000 killed with SIGKILL at about 30 %. On PGlite the server is restarted;
// on PostgreSQL (BENCH_DATABASE_URL) it is restarted too, and separately one of two servers is killed while the other
// goes on. Measured: time from the restart (or the kill) to the send being done, recipients missed, messages resent.
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { openDatabase } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { systemActor } from '../src/platform/actor.js';
import { loadDemoIfEmpty } from '../src/modules/demo/seed.js';
import { createApiToken } from '../src/modules/auth/service.js';
import { getEditionBySlug } from '../src/modules/bulletin/repo.js';
import { createSend } from '../src/modules/mailing/sends.js';
import { upsertSubscribers } from '../src/modules/mailing/subscriptions.js';
import { benchData, startAndWait, stop } from './lib.js';
import { freePort } from './ports.js';

const RECIPIENTS = Number(process.env.BENCH_KILL_RECIPIENTS ?? 5000);
const POOL = Number(process.env.BENCH_POOL ?? 5);
const KILL_AT = 0.3;
const SUFFIX = '@kill.example';
const PG = process.env.BENCH_DATABASE_URL;
const SMTP_PORT = await freePort();
const SINK_HTTP = await freePort();

const received = async () =>
  (await (await fetch(`http://127.0.0.1:${SINK_HTTP}/recipients?suffix=${encodeURIComponent(SUFFIX)}`)).json()) as {
    messages: number;
    unique: number;
  };

/** A data dir (and on PostgreSQL a fresh schema) with the demo edition, RECIPIENTS subscribers and a queued send. */
async function prepare(name: string, onPg: boolean) {
  const { dir, env, url, drop } = await benchData(`kill_${name}`, onPg ? PG : undefined);
  const database = await openDatabase({ dataDir: dir, databaseUrl: url });
  await migrate(database);
  await loadDemoIfEmpty(database.db);
  const editor = systemActor('bench');
  const list = `Kill ${name}`;
  await upsertSubscribers(database.db, editor, {
    lists: [list],
    subscribers: Array.from({ length: RECIPIENTS }, (_, i) => ({ email: `r${i}.${name}${SUFFIX}`, name: `Reader ${i}` })),
  });
  const edition = (await getEditionBySlug(database.db, 'regional-update-may-2022'))!;
  const send = await createSend(database.db, editor, edition.id, { list });
  const { token } = await createApiToken(database.db, editor, { name: 'bench', role: 'editor' });
  await database.close();
  return { env, sendId: send.id, token, drop, name };
}

async function server(env: Record<string, string>) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { child } = await startAndWait(
    process.execPath,
    ['bin/baton.js', 'serve'],
    {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      MAIL_RATE: '0',
      SMTP_POOL: String(POOL),
      LOG_LEVEL: 'warn',
      BATON_DEMO: '0',
    },
    `${base}/healthz`,
  );
  return { child, base };
}

async function until(check: () => Promise<boolean>, everyMs: number, limitMs = 300_000) {
  const end = performance.now() + limitMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error('the send did not finish in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function kill(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const done = (base: string, token: string, sendId: number) => async () => {
  const res = await fetch(`${base}/api/v1/sends/${sendId}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { status: string }).status === 'done';
};

/** Kills the only server at 30 %, starts a new one, and times the send from the restart to done. */
async function restart(db: 'PGlite' | 'PostgreSQL') {
  const p = await prepare(`restart${db === 'PGlite' ? 'l' : 'p'}`, db === 'PostgreSQL');
  const before = await received();
  const first = await server(p.env);
  await until(async () => (await received()).unique - before.unique >= RECIPIENTS * KILL_AT, 5);
  await kill(first.child);
  const atKill = (await received()).unique - before.unique;
  const restarted = performance.now();
  const second = await server(p.env);
  const readyMs = performance.now() - restarted;
  await until(done(second.base, p.token, p.sendId), 50);
  const seconds = (performance.now() - restarted) / 1000;
  await stop(second.child);
  await p.drop();
  const r = await received();
  return { scenario: `${db}, one server killed and restarted`, atKill, seconds, readyMs, ...outcome(r, before) };
}

/** Two servers on one PostgreSQL, one killed at 30 %: times the other from the kill to done. */
async function survivor() {
  const p = await prepare('pair', true);
  const before = await received();
  const [a, b] = await Promise.all([server(p.env), server(p.env)]);
  await until(async () => (await received()).unique - before.unique >= RECIPIENTS * KILL_AT, 5);
  await kill(a.child);
  const atKill = (await received()).unique - before.unique;
  const killed = performance.now();
  await until(done(b.base, p.token, p.sendId), 50);
  const seconds = (performance.now() - killed) / 1000;
  await stop(b.child);
  await p.drop();
  const r = await received();
  return { scenario: 'PostgreSQL, two servers, one killed', atKill, seconds, readyMs: 0, ...outcome(r, before) };
}

// The sink keeps counting across runs; each run's recipients are distinct, so its figures are differences.
function outcome(r: { messages: number; unique: number }, before: { messages: number; unique: number }) {
  const unique = r.unique - before.unique;
  return { missed: RECIPIENTS - unique, resent: r.messages - before.messages - unique };
}

const { child: sink } = await startAndWait(
  process.execPath,
  ['--import', 'tsx', 'bench/smtp-sink.ts', String(SMTP_PORT), String(SINK_HTTP)],
  process.env,
  `http://127.0.0.1:${SINK_HTTP}/`,
);
try {
  const runs = [await restart('PGlite')];
  if (PG) runs.push(await restart('PostgreSQL'), await survivor());
  console.log(
    `\n## A send killed mid-way (${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}, ` +
      `${RECIPIENTS} recipients, SMTP pool ${POOL}, rate limit off, SIGKILL at ${KILL_AT * 100} %)`,
  );
  for (const r of runs)
    console.log(
      `${r.scenario}: killed at ${r.atKill}; done ${r.seconds.toFixed(1)} s after the ${r.readyMs ? `restart (ready in ${(r.readyMs / 1000).toFixed(1)} s)` : 'kill'}; ` +
        `${r.missed} missed, ${r.resent} resent (bound ${POOL * 2})`,
    );
} finally {
  await stop(sink);
}
