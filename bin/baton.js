#!/usr/bin/env node
// The `baton` command: runs the compiled dist/ when it is up to date (fast start), otherwise src/ through tsx (a dev tool).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './freshness.js';

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
