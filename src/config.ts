import path from 'node:path';
import { z } from 'zod';

/** Every setting Baton reads from the environment, with its default and meaning. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port to listen on'),
  HOST: z.string().default('0.0.0.0').describe('Address to listen on'),
  BATON_DATA_DIR: z.string().default('./data').describe('Folder for the embedded database (PGlite) and lock file'),
  DATABASE_URL: z.string().url().optional().describe('PostgreSQL server to use instead of the embedded database'),
  BATON_DEMO: z.enum(['0', '1']).default('1').describe('Load demo content into an empty database (0 turns it off)'),
  BATON_BASE_URL: z.string().url().optional().describe('Public address used in links in emails; default http://localhost:PORT'),
  BATON_SECRET: z.string().min(32).optional().describe('Secret for signing cookies; generated and kept in the database when unset'),
  BATON_NETWORK_NAME: z.string().default('West Midlands ADCS Network').describe('The network name shown in the header and emails'),
  SMTP_URL: z
    .string()
    .optional()
    .describe('SMTP server for outgoing mail, e.g. smtp://127.0.0.1:2525; unset keeps mail in the development outbox'),
  MAIL_FROM: z.string().default('Regional Network Team <network@baton.localhost>').describe('Sender of every email'),
  MAIL_RATE: z.coerce.number().min(0).default(10).describe('Bulletin messages per second per process (0: no limit)'),
  SMTP_POOL: z.coerce.number().int().min(1).max(50).default(5).describe('SMTP connections per process for bulletin sends'),
  WORKER_LEASE: z.coerce
    .number()
    .min(1)
    .default(10)
    .describe('Seconds without a heartbeat after which a Baton process is taken as dead and its claimed work retaken'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level'),
  LOG_FORMAT: z
    .enum(['auto', 'pretty', 'json'])
    .default('auto')
    .describe('Log format: auto is readable lines on a terminal outside production, JSON otherwise'),
  NODE_ENV: z.string().optional().describe('production keeps logs JSON even on a terminal'),
  CAPACITY_LOCKING: z
    .enum(['on', 'off'])
    .default('on')
    .describe('Row locks on limited places (event bookings); off only for the control test that shows overbooking'),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10).describe('Sign-in requests allowed per address per 15 minutes'),
});

/** Baton's validated settings. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  demo: boolean;
  baseUrl: string;
  secret?: string;
  networkName: string;
  smtpUrl?: string;
  mailFrom: string;
  logLevel: string;
  /** pretty: one readable line per entry and requests at debug; json: pino's JSON lines, requests at info. */
  logFormat: 'pretty' | 'json';
  signInRateLimit: number;
  mailRate: number;
  smtpPool: number;
  workerLeaseMs: number;
  /** Row locks on limited places; false only for the control test (CAPACITY_LOCKING=off). */
  capacityLocking: boolean;
}

/** Reads and validates the settings once; throws a readable error naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTTY = Boolean(process.stdout.isTTY)): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.BATON_DATA_DIR),
    databaseUrl: e.DATABASE_URL || undefined,
    demo: e.BATON_DEMO === '1',
    baseUrl: (e.BATON_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    secret: e.BATON_SECRET,
    networkName: e.BATON_NETWORK_NAME,
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    logFormat: chooseLogFormat({ setting: e.LOG_FORMAT, nodeEnv: e.NODE_ENV, stdoutIsTTY }),
    signInRateLimit: e.SIGN_IN_RATE_LIMIT,
    mailRate: e.MAIL_RATE,
    smtpPool: e.SMTP_POOL,
    workerLeaseMs: Math.round(e.WORKER_LEASE * 1000),
    capacityLocking: e.CAPACITY_LOCKING === 'on',
  };
}

/** The log format: readable on a terminal outside production (what a newcomer running `npm start` sees), JSON for machines. */
export function chooseLogFormat(o: { setting: 'auto' | 'pretty' | 'json'; nodeEnv?: string; stdoutIsTTY: boolean }): 'pretty' | 'json' {
  if (o.setting !== 'auto') return o.setting;
  return o.stdoutIsTTY && o.nodeEnv !== 'production' ? 'pretty' : 'json';
}

/** The documented settings, for the README and `baton --help`. */
export function describeConfig(): Array<{ name: string; description: string }> {
  return Object.entries(schema.shape).map(([name, s]) => ({ name, description: s.description ?? '' }));
}
