import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childDatabase } from './helpers/db.js';

// A real `baton serve`, as a supervisor runs it: a rejection nobody handles must be logged and end the
// process with status 1 (docs/decisions.md, "Unhandled rejections"), and a new process must then start.
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

/** Starts `baton serve` with the planted-rejection preload, and resolves once /healthz answers. */
async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', './test/helpers/plant-rejection.mjs', 'bin/baton.js', 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', BATON_DEMO: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base, exited, output: () => output };
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${output}`);
}

beforeAll(async () => {
  ({ env, cleanup } = await childDatabase('rej'));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cleanup?.();
});

describe('baton serve and a rejection nobody handles', () => {
  it('logs it, exits with status 1, and a restarted process serves again', async () => {
    const first = await startServer();
    first.child.kill('SIGUSR2');
    const code = await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code).toBe(1);
    // Logged as structured fatal log line, with the error, not just Node's dying stack trace.
    const fatal = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } })
      .find((l) => l.level === 60);
    expect(fatal?.msg).toContain('unhandled promise rejection');
    expect(fatal?.err?.message).toBe('planted rejection');

    const second = await startServer();
    expect((await fetch(`${second.base}/healthz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
