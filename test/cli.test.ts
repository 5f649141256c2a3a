import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../src/platform/db/client.js';
import { acquireDataDirLock } from '../src/platform/db/lock.js';
import { actorForApiToken } from '../src/modules/auth/service.js';
import { personByEmailForAuth } from '../src/modules/directory/service.js';
import { assignSlot } from '../src/modules/rota/service.js';
import { systemActor } from '../src/platform/actor.js';
import { sql } from 'drizzle-orm';

const run = promisify(execFile);
const url = process.env.DATABASE_URL;
let env: Record<string, string>;
let dataDir = '';
let schema = '';

/** Runs `baton ARGS` as a separate process, as an operator would. */
async function baton(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/baton.js', ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Opens the CLI's database in this process, once the CLI has exited. */
async function open(): Promise<Database> {
  return url ? openDatabase({ databaseUrl: url, dataDir: '', searchPath: schema, poolSize: 1 }) : openDatabase({ dataDir, skipLock: true });
}

beforeAll(async () => {
  if (url) {
    schema = `cli_${crypto.randomBytes(5).toString('hex')}`;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${schema}`);
    env = { DATABASE_URL: u.toString(), BATON_DEMO: '0' };
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-'));
    fs.cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
    env = { BATON_DATA_DIR: dataDir, BATON_DEMO: '0' };
  }
});
afterAll(async () => {
  if (url) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  } else fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npx baton', () => {
  it('explains its commands', async () => {
    const help = await baton('--help');
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'user', 'token', 'DATABASE_URL', 'BATON_DATA_DIR']) expect(help.stdout).toContain(c);
    expect((await baton('user', 'add', '--help')).stdout).toContain('--role');
  });

  it('migrates, adds a user, changes their role, and creates an API token that works', async () => {
    expect((await baton('migrate')).stdout).toContain('up to date');
    const added = await baton('user', 'add', 'Chair@Example.org', '--name', 'Jenny Chair', '--role', 'editor');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added Jenny Chair <chair@example.org> as editor');
    const again = await baton('user', 'add', 'chair@example.org', '--name', 'Jenny Chair', '--role', 'admin');
    expect(again.stdout).toContain('Updated Jenny Chair <chair@example.org> as admin');
    const token = await baton('token', 'create', '--name', 'intranet', '--role', 'member');
    expect(token.code).toBe(0);
    const value = token.stdout.trim();
    expect(value).toMatch(/^baton_[A-Za-z0-9_-]{40,}$/);
    const db = await open();
    try {
      expect((await personByEmailForAuth(db.db, 'chair@example.org'))?.accessRole).toBe('admin');
      expect(await actorForApiToken(db.db, value)).toMatchObject({ kind: 'token', role: 'member' });
    } finally {
      await db.close();
    }
  });

  it('refuses bad input with a clear message and a non-zero exit', async () => {
    const bad = await baton('user', 'add', 'x@example.org', '--name', 'X', '--role', 'emperor');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('emperor');
    const badEmail = await baton('user', 'add', 'not-an-email', '--name', 'X', '--role', 'member');
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('email');
    const badOrg = await baton('user', 'add', 'y@example.org', '--name', 'Y', '--role', 'member', '--org', 'Atlantis');
    expect(badOrg.stderr).toContain('No organisation named Atlantis');
  });

  it.skipIf(Boolean(url))('says plainly when the server holds the embedded database, and exits non-zero', async () => {
    const lock = acquireDataDirLock(dataDir);
    try {
      const res = await baton('user', 'add', 'z@example.org', '--name', 'Z', '--role', 'member');
      expect(res.code).toBe(3);
      expect(res.stderr).toContain(`in use by another Baton process (pid ${process.pid})`);
    } finally {
      lock.release();
    }
    expect((await baton('migrate')).code).toBe(0);
  });

  it('runs the jobs due at a given time once, however often it is run', async () => {
    expect((await baton('migrate')).code).toBe(0);
    expect((await baton('user', 'add', 'dcs@example.org', '--name', 'Dee Director', '--role', 'director')).code).toBe(0);
    const db2 = await open();
    try {
      await assignSlot(db2.db, systemActor(), { month: '2031-06', person: 'dcs@example.org' });
    } finally {
      await db2.close();
    }
    const first = await baton('jobs', 'run', '--now', '2031-04-17T09:00:00Z');
    expect(first.stdout).toContain('1 done, 0 failed');
    expect((await baton('jobs', 'run', '--now', '2031-04-17T09:00:00Z')).stdout).toContain('0 done, 0 failed');
    const bad = await baton('jobs', 'run', '--now', 'tomorrow');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a date and time');
    if (url) {
      // Two Baton processes on one PostgreSQL: the 7-day reminder goes once.
      const both = await Promise.all([
        baton('jobs', 'run', '--now', '2031-05-08T09:00:00Z'),
        baton('jobs', 'run', '--now', '2031-05-08T09:00:00Z'),
      ]);
      expect(both.map((r) => r.code)).toEqual([0, 0]);
    } else {
      await baton('jobs', 'run', '--now', '2031-05-08T09:00:00Z');
    }
    const db3 = await open();
    try {
      const rows = (
        await db3.query<{ subject: string }>(sql`SELECT subject FROM mail_messages WHERE to_address = 'dcs@example.org' ORDER BY id`)
      ).map((r) => r.subject);
      expect(rows).toHaveLength(2);
      expect(rows[1]).toContain('Reminder');
    } finally {
      await db3.close();
    }
  });

  it('imports a folder of bulletins, lists what it dropped as page furniture and ends with a summary table', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-import-'));
    try {
      for (const name of ['2022-05-regional-update.txt', '2023-04-regional-update.txt'])
        fs.copyFileSync(path.join('src/modules/demo/bulletins', name), path.join(dir, name));
      fs.writeFileSync(
        path.join(dir, '2024-09-untitled.txt'),
        'networkteam\nSep 19\n5 min read\nThis month I pick up the baton.\nBest wishes\nJo Britton\nNews:\nFirst.\nMore:\nSecond.\n',
      );
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'Just some notes\n\nwith no date\n');
      fs.writeFileSync(path.join(dir, 'picture.png'), 'not a bulletin');
      const res = await baton('import', dir);
      expect(res.code).toBe(1); // notes.txt is not a bulletin
      expect(res.stdout).toContain('2022-05-regional-update.txt: imported "Regional Update – May 2022"');
      expect(res.stdout).toMatch(/dropped as page furniture:\n {4}site chrome: "top of page", "60 views0 comments"/);
      expect(res.stdout).toContain('imported "Regional Update – September 2024" (no title line: dated by the file name)');
      expect(res.stdout).toContain('post metadata: "networkteam", "Sep 19", "5 min read"');
      expect(res.stdout).not.toContain('picture.png');
      const table = res.stdout.slice(res.stdout.indexOf('\nfile '));
      expect(table).toMatch(/^\nfile +result +month +sections +items +dropped +title or reason\n-+/);
      expect(table).toMatch(/2022-05-regional-update\.txt +imported +2022-05 +4 +9 +4 +Regional Update – May 2022/);
      expect(table).toMatch(/2023-04-regional-update\.txt +imported +2023-04 +6 +10 +3 +Regional Update – April 2023/);
      expect(table).toMatch(/notes\.txt +not imported +no heading with a month and year/);
      expect(res.stdout).toMatch(/3 imported, 0 unchanged or skipped, 1 failed\.\s*$/);
      const again = await baton('import', dir);
      expect(again.stdout).toMatch(/2022-05-regional-update\.txt +unchanged/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
