// Benchmark for issue 4: sending an edition to 10,000 and 100,000 recipients through a local SMTP sink, beside a bare
// Nodemailer pool sending one pre-rendered message to the same sink (the ceiling).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { openDatabase } from '../src/platform/db/client.js';
import { migrate } from '../src/platform/db/migrate.js';
import { systemActor } from '../src/platform/actor.js';
import { loadDemoIfEmpty } from '../src/modules/demo/seed.js';
import { emailEdition } from '../src/modules/bulletin/read-model.js';
import { createApiToken } from '../src/modules/auth/service.js';
import { upsertSubscribers } from '../src/modules/mailing/subscriptions.js';
import { personalise, renderEmailEdition } from '../src/modules/mailing/email.js';
import { buildRawTemplate, rawMessage } from '../src/modules/mailing/mime.js';
import { memoryOf, startAndWait, stop } from './lib.js';
import { freePort } from './ports.js';

// Free ports rather than fixed ones: another benchmark on the machine must not send to this sink or answer its polls.
const SMTP_PORT = await freePort();
const SINK_HTTP = await freePort();
const POOL = Number(process.env.BENCH_POOL ?? 5);
const sinkCount = async () => Number(await (await fetch(`http://127.0.0.1:${SINK_HTTP}/`)).text());

async function prepare(recipients: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-send-${recipients}-`));
  const database = await openDatabase({ dataDir: dir });
  await migrate(database);
  await loadDemoIfEmpty(database.db);
  const editor = systemActor('bench');
  for (let i = 0; i < recipients; i += 10_000) {
    const rows = Array.from({ length: Math.min(10_000, recipients - i) }, (_, j) => ({
      email: `reader${i + j}@bench.example`,
      name: `Reader ${i + j}`,
    }));
    await upsertSubscribers(database.db, editor, { lists: ['Regional Update'], subscribers: rows });
  }
  const { token } = await createApiToken(database.db, editor, { name: 'bench', role: 'editor' });
  const edition = (await import('../src/modules/bulletin/repo.js')).getEditionBySlug(database.db, 'regional-update-may-2022');
  const e = (await edition)!;
  const rendered = await renderEmailEdition(await emailEdition(database.db, e.id), {
    baseUrl: 'http://localhost:3000',
    networkName: 'Bench',
    webUrl: 'http://localhost:3000/updates/x',
  });
  await database.close();
  return { dir, token, editionId: e.id, rendered };
}

async function runSend(recipients: number) {
  const { dir, token, editionId, rendered } = await prepare(recipients);
  const port = await freePort();
  const env = {
    ...process.env,
    BATON_DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    MAIL_RATE: '0',
    SMTP_POOL: String(POOL),
    LOG_LEVEL: 'warn',
    BATON_DEMO: '0',
  };
  const base = `http://127.0.0.1:${port}`;
  const { child } = await startAndWait(process.execPath, ['bin/baton.js', 'serve'], env, `${base}/healthz`);
  const startCount = await sinkCount();
  const started = performance.now();
  const res = await fetch(`${base}/api/v1/editions/${editionId}/sends`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ list: 'Regional Update' }),
  });
  const { id } = (await res.json()) as { id: number };
  let peak = 0;
  for (;;) {
    peak = Math.max(peak, memoryOf(child.pid!).rssMb);
    const s = (await (await fetch(`${base}/api/v1/sends/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      status: string;
      sent: number;
    };
    if (s.status === 'done' || s.status === 'failed' || s.status === 'paused') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (performance.now() - started) / 1000;
  const delivered = (await sinkCount()) - startCount;
  const mem = memoryOf(child.pid!);
  await stop(child);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    recipients,
    delivered,
    seconds,
    perSecond: delivered / seconds,
    peakMb: Math.max(peak, mem.peakMb),
    bytes: Buffer.byteLength(personalise(rendered, { name: 'Reader', unsubscribeUrl: 'http://localhost:3000/unsubscribe/1.1.x' }).html),
  };
}

async function ceiling(messages: number, message: { html: string; text: string } | { raw: string }) {
  const transport = nodemailer.createTransport(`smtp://127.0.0.1:${SMTP_PORT}?pool=true&maxConnections=${POOL}&maxMessages=Infinity`);
  const startCount = await sinkCount();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < messages) {
      next++;
      await transport.sendMail(
        'raw' in message
          ? { envelope: { from: 'bench@example.org', to: ['reader@bench.example'] }, raw: message.raw }
          : { from: 'bench@example.org', to: 'reader@bench.example', subject: 'Ceiling', ...message },
      );
    }
  };
  await Promise.all(Array.from({ length: POOL * 4 }, worker));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return { messages: (await sinkCount()) - startCount, seconds, perSecond: ((await sinkCount()) - startCount) / seconds };
}

const { child: sink } = await startAndWait(
  process.execPath,
  ['--import', 'tsx', 'bench/smtp-sink.ts', String(SMTP_PORT), String(SINK_HTTP)],
  process.env,
  `http://127.0.0.1:${SINK_HTTP}/`,
);
try {
  const sizes = (process.env.BENCH_RECIPIENTS ?? '10000,100000').split(',').map(Number);
  const results = [];
  for (const n of sizes) results.push(await runSend(n));
  const sample = await prepare(1);
  const one = personalise(sample.rendered, { name: 'Reader', unsubscribeUrl: 'http://localhost:3000/unsubscribe/1.1.x' });
  fs.rmSync(sample.dir, { recursive: true, force: true });
  const bare = await ceiling(10_000, one);
  const raw = rawMessage(
    buildRawTemplate(sample.rendered, {
      from: 'Bench <bench@example.org>',
      baseUrl: 'http://localhost:3000',
      unsubscribePath: '/unsubscribe/TOKEN',
      list: { name: 'Bench', id: 'list-1.localhost' },
      mailbox: 'bench@example.org',
    }),
    { email: 'reader@bench.example', name: 'Reader', token: '1.1.x', messageId: 'x@localhost' },
  );
  const bareRaw = await ceiling(10_000, { raw });
  console.log(
    `\n## Sending (${os.cpus().length} cores, Node ${process.version}, SMTP pool ${POOL}, rate limit off, sink: a minimal SMTP responder in its own process)`,
  );
  console.log(
    `ceiling: bare Nodemailer pool, one pre-rendered ${Buffer.byteLength(one.html)}-byte message: ${Math.round(bare.perSecond)} messages/s (${bare.messages} in ${bare.seconds.toFixed(1)} s)`,
  );
  console.log(
    `ceiling: bare Nodemailer pool, the same message as raw bytes (as Baton sends it): ${Math.round(bareRaw.perSecond)} messages/s (${bareRaw.messages} in ${bareRaw.seconds.toFixed(1)} s)`,
  );
  for (const r of results)
    console.log(
      `${r.recipients} recipients: ${r.delivered} delivered in ${r.seconds.toFixed(1)} s = ${Math.round(r.perSecond)} messages/s; peak resident memory ${r.peakMb} MB`,
    );
} finally {
  await stop(sink);
}
