import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

/** A message the test SMTP server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server in this process, recording what it accepts; `reject` makes it answer an error code. */
export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** When set, each RCPT is answered with this code (e.g. 450 or 550). */
  reject: { code: number; message: string } | null;
  /** Codes to answer for particular addresses. */
  rejectFor: Map<string, { code: number; message: string }>;
  /** Milliseconds to wait before accepting each message (to kill a sender mid-send). */
  delayMs: number;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Starts the SMTP server on a free loopback port. */
export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const state: TestSmtp = {
    url: '',
    received,
    reject: null,
    rejectFor: new Map(),
    delayMs: 0,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`Expected ${count} messages, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    size: 0,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      const r = state.rejectFor.get(_address.address.toLowerCase()) ?? state.reject;
      if (r) return cb(Object.assign(new Error(r.message), { responseCode: r.code }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- it cannot reject: it only waits, records and answers
      stream.on('end', async () => {
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  // A client killed mid-message resets its connection; that is the point of some tests, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return state;
}

/** Decodes a raw message's quoted-printable text part enough to read links and codes. */
export function textOf(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
  const body = raw
    .slice(end)
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(headers + body, 'latin1').toString('utf8');
}
