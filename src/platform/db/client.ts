import fs from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireDataDirLock, type DataDirLock } from './lock.js';

/** A Drizzle database or transaction: repos accept either. */
export type Db = PgDatabase<PgQueryResultHKT, any>;

/** An open database with its kind and a way to close it. */
export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Runs raw SQL and returns its rows. */
  query<T = Record<string, unknown>>(statement: SQL): Promise<T[]>;
  close(): Promise<void>;
}

/** Options for opening the database. */
export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Schema to use on a PostgreSQL server (tests give each file its own). */
  searchPath?: string;
  /** Pool size on a PostgreSQL server. */
  poolSize?: number;
  /** Skip the data-dir lock (only for a copy no server can hold, as the tests make). */
  skipLock?: boolean;
  /** Called with the SQL text of every query Drizzle sends (tests count queries per page with it). */
  onQuery?: (statement: string) => void;
}

function logger(opts: OpenOptions): { logger?: { logQuery(query: string): void } } {
  const onQuery = opts.onQuery;
  return onQuery ? { logger: { logQuery: (query: string) => onQuery(query) } } : {};
}

/** Opens PGlite in the data dir, or a pool to the PostgreSQL server when a URL is given. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts);
  return openPglite(opts);
}

// Each driver is loaded only when used: PGlite's module is large, and a server deployment never needs it.
async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  const { default: pg } = await import('pg');
  const { drizzle: drizzlePg } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    options: opts.searchPath ? `-c search_path=${opts.searchPath}` : undefined,
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  const db = drizzlePg(pool, logger(opts)) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    query: (statement) => queryRows(db, statement),
    close: () => pool.end(),
  };
}

async function openPglite(opts: OpenOptions): Promise<Database> {
  const { createPglite } = await import('./pglite.js');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const dir = path.join(opts.dataDir, 'pglite');
  fs.mkdirSync(dir, { recursive: true });
  let lock: DataDirLock | undefined;
  if (!opts.skipLock) lock = acquireDataDirLock(opts.dataDir);
  try {
    const client = await createPglite(dir);
    const db = drizzlePglite(client, logger(opts)) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      query: (statement) => queryRows(db, statement),
      close: async () => {
        await client.close();
        lock?.release();
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}

/** Runs work in one transaction; everything it writes commits together or not at all. */
export async function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => work(tx as unknown as Db));
}

/** Quotes an SQL identifier we built ourselves (schema names in tests, table names in resets). */
export function ident(name: string): SQL {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Bad identifier ${name}`);
  return sql.raw(`"${name}"`);
}

/** Runs raw SQL on a database or transaction and returns its rows (both drivers answer with `rows`). */
export async function queryRows<T = Record<string, unknown>>(db: Db, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}
