import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { projectRoot } from '../root.js';

// PGlite's default 128 MB of shared buffers would be most of Baton's memory; a small network needs far less.
const POSTGRESQL_CONF = ['shared_buffers = 16MB', 'work_mem = 4MB', 'wal_buffers = 1MB'];
// initdb runs Postgres twice more inside WebAssembly, in a second instance beside the first: with its defaults (128 MB of
// buffers, 16 MB WAL segments) it peaked at about 780 MB, with these at about 670 MB (docs/benchmarks.md).
const INITDB_PARAMS = ['--wal-segsize=1', '-c', 'shared_buffers=16MB'];

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = path.resolve(path.dirname(entry), '..', 'package.json');
  return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/** What a template must have been made with to be copied: the same PGlite and the same initdb parameters. */
function templateKey(): string {
  return JSON.stringify({ pglite: pgliteVersion(), initdb: INITDB_PARAMS });
}

/** Where the build keeps the initialised data dir that first starts copy (beside the installed PGlite, so reinstalls drop it). */
export function pgliteTemplateDir(root = projectRoot): string {
  return path.join(root, 'node_modules', '.cache', 'baton', 'pglite-template');
}

const KEY_FILE = 'baton-template.json';

/**
 * Copies the build's template into an empty data dir, so a first start opens one PGlite instead of running initdb (a second
 * instance, about 670 MB at its peak). Returns false, leaving the dir as it was, when no usable template exists.
 */
function copyTemplate(dir: string, template: string): boolean {
  if (fs.readdirSync(dir).length > 0) return false;
  let key: string;
  try {
    key = fs.readFileSync(path.join(template, KEY_FILE), 'utf8');
  } catch {
    return false;
  }
  if (key !== templateKey()) return false;
  fs.cpSync(template, dir, { recursive: true, filter: (src) => path.basename(src) !== KEY_FILE });
  return true;
}

/**
 * Compiles PGlite's WebAssembly with V8's baseline compiler only: without it V8 recompiles the hot Postgres functions with its
 * optimising compiler in the background, which held about 50 MB more and cost more CPU than it saved over thousands of
 * queries (docs/benchmarks.md, "Where the memory goes"). Set before the module is compiled; it touches only WebAssembly.
 */
function baselineWasmOnly(): void {
  v8.setFlagsFromString('--liftoff-only');
}

/** Opens PGlite on a data dir, starting from the build's template when the dir is empty and a matching template exists. */
export async function createPglite(dir: string, template = pgliteTemplateDir()): Promise<PGlite> {
  fs.mkdirSync(dir, { recursive: true });
  copyTemplate(dir, template);
  baselineWasmOnly();
  const { PGlite } = await import('@electric-sql/pglite');
  const options: PGliteOptions = { postgresqlconf: POSTGRESQL_CONF, initDbStartParams: INITDB_PARAMS };
  return PGlite.create(dir, options);
}

/** Makes the template (initdb once, at build time) in a folder beside it, then moves it into place in one rename. */
export async function buildPgliteTemplate(template = pgliteTemplateDir()): Promise<'built' | 'current'> {
  try {
    if (fs.readFileSync(path.join(template, KEY_FILE), 'utf8') === templateKey()) return 'current';
  } catch {
    /* none yet */
  }
  const parent = path.dirname(template);
  fs.mkdirSync(parent, { recursive: true });
  const work = fs.mkdtempSync(path.join(parent, 'pglite-template-new-'));
  try {
    baselineWasmOnly();
    const { PGlite } = await import('@electric-sql/pglite');
    const client = await PGlite.create(work, { postgresqlconf: POSTGRESQL_CONF, initDbStartParams: INITDB_PARAMS });
    await client.close();
    fs.writeFileSync(path.join(work, KEY_FILE), templateKey());
    fs.rmSync(template, { recursive: true, force: true });
    fs.renameSync(work, template);
    return 'built';
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
