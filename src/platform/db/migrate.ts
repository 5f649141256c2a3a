import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../root.js';
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Db } from './client.js';

const dir = path.join(projectRoot, 'src/platform/db/migrations');

/** Migration files in order, as {name, sql}. */
function migrationFiles(): Array<{ name: string; body: string }> {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, body: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

/** Splits a migration into statements: each ends with a semicolon at the end of a line (a prepared statement takes one). */
export function splitStatements(body: string): string[] {
  return body
    .split(/;[ \t]*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

/** Applies pending SQL migrations in one transaction each; an advisory lock keeps two processes from racing. */
export async function migrate(database: Database): Promise<string[]> {
  const { db } = database;
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(727001)`);
    await tx.execute(
      sql`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await queryRows<{ name: string }>(tx as unknown as Db, sql`SELECT name FROM schema_migrations`)).map((r) => r.name),
    );
    for (const m of migrationFiles()) {
      if (done.has(m.name)) continue;
      for (const statement of splitStatements(m.body)) await tx.execute(sql.raw(statement));
      await tx.execute(sql`INSERT INTO schema_migrations (name) VALUES (${m.name})`);
      applied.push(m.name);
    }
  });
  return applied;
}
