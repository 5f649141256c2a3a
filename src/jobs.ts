import type { Config } from './config.js';
import type { Database, Db } from './platform/db/client.js';
import { WorkerLease } from './platform/jobs/lease.js';
import { JobQueue, type JobRegistry, type QueueOptions, type RunReport } from './platform/jobs/queue.js';
import { Mailer } from './platform/mail/mailer.js';
import { resolveSecret } from './platform/secret.js';
import { registerBulletinJobs } from './modules/bulletin/jobs.js';
import { registerMailingJobs } from './modules/mailing/jobs.js';
import { SendWorker } from './modules/mailing/sender.js';
import { registerRotaJobs } from './modules/rota/jobs.js';
import { registerNetworkJobs } from './modules/networks/jobs.js';
import { registerEventsJobs } from './modules/events/jobs.js';

/** What the modules' jobs need from the process. */
export interface JobDeps {
  mailer: Mailer;
  config: Config;
  /** The bulletin send worker; without one, sends are left to a process that has one. */
  sender?: SendWorker;
}

/** Every module's background jobs, registered on one queue (each module says its own in its jobs.ts). */
export function registerJobs(jobs: JobRegistry, deps: JobDeps): void {
  const { mailer, config } = deps;
  registerBulletinJobs(jobs);
  registerRotaJobs(jobs, { mailer, baseUrl: config.baseUrl, networkName: config.networkName, from: config.mailFrom });
  registerMailingJobs(jobs, { sender: deps.sender });
  registerNetworkJobs(jobs, { mailer, baseUrl: config.baseUrl, networkName: config.networkName });
  registerEventsJobs(jobs, { mailer, baseUrl: config.baseUrl, networkName: config.networkName, from: config.mailFrom, capacityLocking: config.capacityLocking });
}

/** A queue with every module's jobs on it: the server runs it all the time, `baton jobs run` once, tests by hand. */
export function createScheduler(db: Db, mailer: Mailer, config: Config, opts: QueueOptions & { sender?: SendWorker } = {}): JobQueue {
  const queue = new JobQueue(db, opts);
  registerJobs(queue, { mailer, config, sender: opts.sender });
  return queue;
}

/** `baton jobs run`: everything due at `now`, once, emails and sends included, under a lease of this process's own. */
export async function runJobsOnce(
  database: Database,
  config: Config,
  now: Date,
  onError: (what: string, err: unknown) => void,
): Promise<RunReport> {
  const { db } = database;
  // On PGlite this command holds the data-dir lock, so no other process is alive: older claims are retaken at once.
  const lease = new WorkerLease({ db, leaseMs: config.workerLeaseMs, exclusive: database.kind === 'pglite', onError });
  const queue = new JobQueue(db, { lease, onError });
  const mailer = new Mailer({ db, smtpUrl: config.smtpUrl, from: config.mailFrom, queue });
  const sender = new SendWorker({
    db,
    secret: await resolveSecret(db, config),
    baseUrl: config.baseUrl,
    networkName: config.networkName,
    from: config.mailFrom,
    smtpUrl: config.smtpUrl,
    rate: config.mailRate,
    pool: config.smtpPool,
    queue,
    outbox: mailer,
    onError,
  });
  registerJobs(queue, { mailer, config, sender });
  try {
    return await queue.runDue(now, onError);
  } finally {
    await queue.stop();
    await sender.stop();
    await lease.stop();
    await mailer.stop();
  }
}
