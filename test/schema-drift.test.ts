// The Drizzle schema (what the code queries) and the SQL migrations (what the database holds) must not drift apart:
// this compares every table, column, type, nullability and primary key of the migrated database with the schema files.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from './helpers/db.js';

/** Every pgTable exported by a schema.ts under src/. */
async function schemaTables(): Promise<PgTable[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'schema.ts') files.push(p);
    }
  };
  walk(path.resolve(import.meta.dirname, '../src'));
  const tables: PgTable[] = [];
  for (const f of files) {
    const mod = (await import(f)) as Record<string, unknown>;
    for (const value of Object.values(mod)) if (value instanceof PgTable) tables.push(value);
  }
  return tables;
}

/** The database's name for a Drizzle column type, as information_schema reports it. */
function dbType(columnType: string, sqlName: string): string {
  const byDrizzle: Record<string, string> = {
    PgInteger: 'integer',
    PgSerial: 'integer',
    PgBigInt53: 'bigint',
    PgBigInt64: 'bigint',
    PgBigSerial53: 'bigint',
    PgSmallInt: 'smallint',
    PgText: 'text',
    PgVarchar: 'character varying',
    PgBoolean: 'boolean',
    PgJsonb: 'jsonb',
    PgJson: 'json',
    PgTimestamp: sqlName.includes('with time zone') ? 'timestamp with time zone' : 'timestamp without time zone',
    PgTimestampString: sqlName.includes('with time zone') ? 'timestamp with time zone' : 'timestamp without time zone',
    PgDate: 'date',
    PgDateString: 'date',
    PgUUID: 'uuid',
    PgCustomColumn: sqlName,
    PgBytea: 'bytea',
    PgArray: 'ARRAY',
    PgReal: 'real',
    PgDoublePrecision: 'double precision',
    PgNumeric: 'numeric',
  };
  return byDrizzle[columnType] ?? `unknown Drizzle type ${columnType}`;
}

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

describe('the Drizzle schema and the migrations', () => {
  let database: TestDatabase;
  let columns: DbColumn[];
  let primaryKeys: Array<{ table_name: string; column_name: string }>;

  beforeAll(async () => {
    database = await testDatabase();
    columns = await database.query<DbColumn>(
      sql`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    );
    primaryKeys = await database.query(
      sql`SELECT kcu.table_name, kcu.column_name FROM information_schema.table_constraints tc
          JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
          WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()`,
    );
  });
  afterAll(async () => {
    await database?.close();
  });

  it('describe the same tables, columns, types, nullability and primary keys', async () => {
    const tables = await schemaTables();
    expect(tables.length).toBeGreaterThan(10);
    const problems: string[] = [];
    const declared = new Set<string>();
    for (const table of tables) {
      const config = getTableConfig(table);
      declared.add(config.name);
      const inDb = columns.filter((c) => c.table_name === config.name);
      if (!inDb.length) {
        problems.push(`table ${config.name} is in the schema but no migration creates it`);
        continue;
      }
      const pk = new Set(primaryKeys.filter((k) => k.table_name === config.name).map((k) => k.column_name));
      const schemaPk = new Set([
        ...config.columns.filter((c) => c.primary).map((c) => c.name),
        ...config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name)),
      ]);
      if ([...pk].sort().join() !== [...schemaPk].sort().join()) {
        problems.push(
          `${config.name}: primary key is (${[...pk].join(', ')}) in the database, (${[...schemaPk].join(', ')}) in the schema`,
        );
      }
      for (const col of config.columns) {
        const found = inDb.find((c) => c.column_name === col.name);
        if (!found) {
          problems.push(`${config.name}.${col.name} is in the schema but not in the database`);
          continue;
        }
        const expected = dbType(col.columnType, col.getSQLType());
        if (found.data_type !== expected)
          problems.push(`${config.name}.${col.name}: ${found.data_type} in the database, ${expected} in the schema`);
        const nullable = found.is_nullable === 'YES';
        if (nullable !== !col.notNull)
          problems.push(`${config.name}.${col.name}: ${nullable ? 'nullable' : 'not null'} in the database, the opposite in the schema`);
      }
      for (const c of inDb) {
        if (!config.columns.some((col) => col.name === c.column_name))
          problems.push(`${config.name}.${c.column_name} is in the database but not in the schema`);
      }
    }
    const migrationsOnly = new Set(['schema_migrations']);
    for (const name of new Set(columns.map((c) => c.table_name))) {
      if (!declared.has(name) && !migrationsOnly.has(name)) problems.push(`table ${name} is in the database but in no schema.ts`);
    }
    expect(problems).toEqual([]);
  });
});
