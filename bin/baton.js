#!/usr/bin/env node
// The `baton` command: runs the compiled dist/ when it is up to date (fast start), otherwise src/ through tsx (a dev tool).
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './freshness.js';

// A server runs for days on a small machine: V8's memory-saving mode keeps its heap about a third smaller under load, at no
// throughput we could measure (docs/decisions.md, "V8 flags"). Set at run time, before the heap grows, so `node bin/baton.js`,
// `npm start` and `npx baton` all get it, unless Node's own command line chose (`node --no-optimize-for-size bin/baton.js`).
const command = process.argv[2];
const chosen = process.execArgv.some((a) => a.includes('optimize-for-size'));
if ((command === undefined || command === 'serve') && !chosen) v8.setFlagsFromString('--optimize-for-size');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!isStale(root)) {
  await import(pathToFileURL(path.join(root, 'dist/main.js')).href);
} else {
  // tsx is a development tool (devDependencies): a production install runs the dist/ it was built with.
  const tsx = await import('tsx/esm/api').catch(() => null);
  if (!tsx) {
    console.error('baton: dist/ is missing or older than src/, and tsx is not installed to run src/: run `npm install` or `npm run build`.');
    process.exit(1);
  }
  tsx.register();
  await import(pathToFileURL(path.join(root, 'src/main.ts')).href);
}
