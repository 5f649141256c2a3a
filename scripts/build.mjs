// Builds what `npm start` serves: the stylesheet, and the TypeScript compiled to dist/ (so start-up skips transpiling).
// TypeScript, Sass and tsx are dev tools: after `npm prune --omit=dev` the built stylesheet and dist/ are served as they are.
// Then an initialised PGlite data dir that a first start copies instead of running initdb (docs/decisions.md, "PGlite template").
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifStale = process.argv.includes('--if-stale');
execFileSync(process.execPath, [path.join(root, 'scripts/build-css.mjs'), ...(ifStale ? ['--if-missing'] : [])], { stdio: 'inherit' });

/** Compiles src/ to dist/ unless told to only when stale and it is not; false when TypeScript is not installed. */
async function buildDist() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    console.log('TypeScript is not installed: Baton runs the dist/ already built');
    return false;
  }
  const { isStale } = await import('../bin/freshness.js');
  if (ifStale && !isStale(root)) return true;
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  fs.writeFileSync(path.join(root, 'dist/.stamp'), new Date().toISOString());
  console.log('built dist/');
  return true;
}

await buildDist();
// In its own process: initdb peaks at about 670 MB, which the build, not a server's first start, should carry.
const pglite = path.join(root, 'dist/platform/db/pglite.js');
if (fs.existsSync(pglite)) {
  const code = `const r = await (await import(${JSON.stringify(pathToFileURL(pglite).href)})).buildPgliteTemplate();
if (r === 'built') console.log('built the PGlite template data dir');`;
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { stdio: 'inherit' });
}
