// Builds what `npm start` serves: the stylesheet, and the TypeScript compiled to dist/ (so start-up skips transpiling).
// TypeScript, Sass and tsx are dev tools: after `npm prune --omit=dev` the built stylesheet and dist/ are served as they are.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifStale = process.argv.includes('--if-stale');
execFileSync(process.execPath, [path.join(root, 'scripts/build-css.mjs'), ...(ifStale ? ['--if-missing'] : [])], { stdio: 'inherit' });

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.log('TypeScript is not installed: Baton runs the dist/ already built');
  process.exit(0);
}
const { isStale } = await import('../bin/freshness.js');
if (ifStale && !isStale(root)) process.exit(0);
fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
fs.writeFileSync(path.join(root, 'dist/.stamp'), new Date().toISOString());
console.log('built dist/');
