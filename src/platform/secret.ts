import crypto from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from './db/client.js';
import { getOrCreateSetting } from './db/settings.js';

/** The secret that signs cookies and links: BATON_SECRET, or one generated once and shared by every process through the database. */
export async function resolveSecret(db: Db, config: Config): Promise<string> {
  return config.secret ?? getOrCreateSetting(db, 'cookie_secret', () => crypto.randomBytes(32).toString('hex'));
}
