import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { ident, openDatabase, type Database } from '../../src/platform/db/client.js';
import { migrate } from '../../src/platform/db/migrate.js';

/** A test database and how to throw it away. */
export interface TestDatabase extends Database {
  /** Where this database lives: a PGlite data dir or a schema on the server. */
  location: { dataDir?: string; schema?: string };
  /** Empties every table, keeping the schema. */
  reset(): Promise<void>;
  /** Runs work and answers the SQL statements it sent, to hold a page to the queries it needs. */
  countQueries<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
}

/** A fresh migrated database: a copy of the PGlite template, or a new schema on DATABASE_URL's server. */
export async function testDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  let database: Database;
  let location: TestDatabase['location'];
  let dispose: () => Promise<void>;
  // Statements are counted in the async context of the work being measured, so a background poll (the page cache's
  // content_version check, a view-count flush) that happens to run meanwhile is not counted with it.
  const recording = new AsyncLocalStorage<string[]>();
  const onQuery = (statement: string) => recording.getStore()?.push(statement);
  if (url) {
    const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    database = await openDatabase({ databaseUrl: url, dataDir: '', searchPath: schema, poolSize: 5, onQuery });
    await migrate(database);
    location = { schema };
    dispose = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    };
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-test-'));
    fs.cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
    database = await openDatabase({ dataDir, skipLock: true, onQuery });
    location = { dataDir };
    dispose = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    ...database,
    location,
    countQueries: async (work) => {
      const statements: string[] = [];
      return { result: await recording.run(statements, work), statements };
    },
    reset: async () => {
      const tables = await database.query<{ tablename: string }>(
        sql`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
      );
      if (tables.length) {
        await database.db.execute(
          sql`TRUNCATE ${sql.join(
            tables.map((t) => ident(t.tablename)),
            sql`, `,
          )} RESTART IDENTITY CASCADE`,
        );
      }
    },
    close: async () => {
      await database.close();
      await dispose();
    },
  };
}

/** Where a `baton serve` child process keeps its data: the env that names it, and how to throw it away. */
export interface ChildDatabase {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A database for child processes: a new (empty) schema on DATABASE_URL's server, or a copy of the migrated PGlite template. */
export async function childDatabase(prefix: string): Promise<ChildDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-${prefix}-`));
    fs.cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
    return { env: { BATON_DATA_DIR: dataDir }, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `${prefix}_${crypto.randomBytes(5).toString('hex')}`;
  const onServer = async (statement: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(statement);
    await c.end();
  };
  await onServer(`CREATE SCHEMA ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { env: { DATABASE_URL: u.toString() }, cleanup: async () => onServer(`DROP SCHEMA ${schema} CASCADE`) };
}
