#!/usr/bin/env node
// The `baton` command: runs the TypeScript entry point through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
const main = new URL('../src/main.ts', import.meta.url);
await import(fileURLToPath(main));
