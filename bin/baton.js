#!/usr/bin/env node
// The `baton` command: runs the compiled dist/ when it is up to date (fast start), otherwise src/ through tsx.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isStale } from './freshness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!isStale(root)) {
  await import(pathToFileURL(path.join(root, 'dist/main.js')).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src/main.ts')).href);
}
