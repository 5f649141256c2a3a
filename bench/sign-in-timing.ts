// Measures POST /sign-in answer times for a known and an unknown address, in alternating pairs (run: npx tsx bench/sign-in-timing.ts).
import { openDatabase } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { loadConfig } from '../src/config.js';
import { systemActor } from '../src/platform/actor.js';
import { createPerson } from '../src/modules/directory/service.js';
import { buildBaton } from '../src/server.js';
import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-timing-'));
const database = await openDatabase({ dataDir: dir, skipLock: true });
await migrate(database);
const config = loadConfig({
  BATON_DEMO: '0',
  LOG_LEVEL: 'silent',
  BATON_BASE_URL: 'http://localhost:3000',
  BATON_DATA_DIR: dir,
  SIGN_IN_RATE_LIMIT: '100000',
});
const baton = await buildBaton({ config, database, prepare: false, logOutbox: false, runJobs: false });
await createPerson(database.db, systemActor(), { name: 'Known', email: 'known@example.org', role: 'director' });
const page = await baton.app.inject({ method: 'GET', url: '/sign-in' });
const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const time = async (email: string) => {
  const t = process.hrtime.bigint();
  await baton.app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: new URLSearchParams({ _csrf: csrf, email }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  await baton.app.afterResponse.idle();
  await database.db.execute(sql`DELETE FROM sign_in_tokens`);
  return ms;
};
const known: number[] = [];
const unknown: number[] = [];
let knownSlower = 0;
const pairs = Number(process.argv[2] ?? 30);
for (let i = 0; i < pairs + 5; i++) {
  const a = await time('known@example.org');
  const b = await time(`nobody${i}@example.org`);
  if (i < 5) continue; // warm-up
  known.push(a);
  unknown.push(b);
  if (a > b) knownSlower++;
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(
  `known median ${median(known).toFixed(2)} ms, unknown median ${median(unknown).toFixed(2)} ms, known slower in ${knownSlower} of ${pairs} pairs`,
);
await baton.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
