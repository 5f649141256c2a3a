import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childDatabase } from './helpers/db.js';

// A real `baton serve` whose stdout is a pipe, not a terminal: logs stay JSON, as a supervisor or log shipper expects.
let env: Record<string, string>;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `baton serve` with `extra` settings, asks for one page, stops it, and returns what it printed on stdout. */
async function serveOnce(extra: Record<string, string>): Promise<string> {
  const port = await freePort();
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    BATON_DEMO: '0',
    ...extra,
  };
  if (!('LOG_FORMAT' in extra)) delete childEnv.LOG_FORMAT;
  const child = spawn(process.execPath, ['bin/baton.js', 'serve'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/updates`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  await exited;
  return out;
}

beforeAll(async () => {
  ({ env, cleanup } = await childDatabase('logs'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cleanup?.();
});

describe('baton serve logs', () => {
  it('are JSON lines, requests at info, when stdout is not a terminal', async () => {
    const out = await serveOnce({ LOG_LEVEL: 'info' });
    const lines = out.split('\n').filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l) as { level: number; msg: string; req?: { url: string } });
    expect(entries.some((e) => e.msg.startsWith('Baton is serving'))).toBe(true);
    expect(entries.find((e) => e.msg === 'incoming request' && e.req?.url === '/updates')?.level).toBe(30);
  }, 60_000);

  it('are readable lines, one per request at debug, when the readable format is chosen', async () => {
    const out = await serveOnce({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' });
    expect(out).toMatch(/^\S*\d\d:\d\d:\d\d\S* \S*INFO\s*\S* Baton is serving/m);
    expect(out).toMatch(/DEBUG\S* GET \/updates 200 [\d.]+ ms/);
    expect(out).not.toContain('incoming request');
    expect(out).not.toMatch(/^\{/m);
  }, 60_000);
});
