import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/platform/db/client.js';
import autocannon from 'autocannon';

/** One load run's figures. */
export interface LoadResult {
  tool: string;
  requestsPerSec: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  bytesPerResponse?: number;
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status === 1; // wrk --version exits 1 but exists
  }
}

const useWrk = process.env.BENCH_TOOL !== 'autocannon' && hasWrk();

function wrkMs(v: string): number {
  const m = /([\d.]+)(us|ms|s)/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

/** Loads a URL for some seconds with a number of connections, with wrk if installed (apt-get install wrk), else autocannon. */
export async function load(url: string, opts: { connections: number; seconds: number }): Promise<LoadResult> {
  if (useWrk) {
    const out = execFileSync('wrk', ['-t', '1', '-c', String(opts.connections), '-d', `${opts.seconds}s`, '--latency', url], {
      encoding: 'utf8',
    });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const p50 = wrkMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
    const p99 = wrkMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
    const errors =
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+)/.exec(out)?.[1] ?? 0);
    return { tool: 'wrk -t1', requestsPerSec: rps, p50ms: p50, p99ms: p99, errors };
  }
  const r = await autocannon({ url, connections: opts.connections, duration: opts.seconds });
  return {
    tool: 'autocannon',
    requestsPerSec: r.requests.average,
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    errors: r.non2xx + r.errors,
    bytesPerResponse: r.throughput.average / Math.max(1, r.requests.average),
  };
}

/** Peak and current resident memory of a process, in MB, from /proc. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/** Starts a command and resolves when a URL first answers 200, with the milliseconds it took. */
export async function startAndWait(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyUrl: string,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`${readyUrl} did not answer within ${timeoutMs} ms`);
    }
    try {
      const res = await fetch(readyUrl);
      if (res.status === 200) {
        await res.arrayBuffer();
        return { child, ms: Math.round(performance.now() - started) };
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Stops a child process and waits for it to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A bench's data: a fresh data dir and, when `pgUrl` is given, a fresh schema of its own on that server. */
export interface BenchData {
  dir: string;
  /** What `baton serve` needs to use it. */
  env: Record<string, string>;
  /** The PostgreSQL URL that uses the schema, when on PostgreSQL. */
  url?: string;
  /** Removes the data dir and the schema. */
  drop(): Promise<void>;
}

/** Makes a bench's data dir and, on PostgreSQL, a schema named after the bench and this process (never another's). */
export async function benchData(name: string, pgUrl?: string): Promise<BenchData> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-bench-${name}-`));
  const dropDir = async () => fs.rmSync(dir, { recursive: true, force: true });
  if (!pgUrl) return { dir, env: { BATON_DATA_DIR: dir }, drop: dropDir };
  const schema = `bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  const onServer = async (statement: string) => {
    const admin = await openDatabase({ databaseUrl: pgUrl, dataDir: dir });
    await admin.db.execute(sql.raw(statement));
    await admin.close();
  };
  await onServer(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const u = new URL(pgUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const url = u.toString();
  return {
    dir,
    url,
    env: { BATON_DATA_DIR: dir, DATABASE_URL: url },
    drop: async () => {
      await onServer(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await dropDir();
    },
  };
}
