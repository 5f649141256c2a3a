import type { Config } from '../../config.js';
import type { Database, Db } from '../db/client.js';
import type { Mailer } from '../mail/mailer.js';

/** What every route module is given: settings, the database and the mailer. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  mailer: Mailer;
  /** Signs cookies and links; shared by every process. */
  secret: string;
}
