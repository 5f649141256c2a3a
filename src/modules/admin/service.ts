import type { Actor } from '../../platform/actor.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError } from '../../platform/errors.js';
import { failedJobs, jobCounts, recentJobs, retryDeadJob } from '../../platform/jobs/repo.js';
import type { JobStatus } from '../../platform/jobs/schema.js';
import { authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';

const STATUSES: JobStatus[] = ['pending', 'running', 'done', 'dead'];

/** What the operator's jobs page shows: counts per kind and status, failed and dead jobs with their errors, recent jobs. */
export async function jobsOverview(db: Db, actor: Actor) {
  authorise(actor, 'jobs.view');
  const [counts, failed, recent] = await Promise.all([jobCounts(db), failedJobs(db), recentJobs(db, 50)]);
  const kinds = new Map<string, Record<JobStatus, number>>();
  for (const c of counts) {
    const row = kinds.get(c.kind) ?? { pending: 0, running: 0, done: 0, dead: 0 };
    row[c.status] = c.count;
    kinds.set(c.kind, row);
  }
  return { statuses: STATUSES, kinds: [...kinds].map(([kind, n]) => ({ kind, ...n })), failed, recent };
}

/** Gives a dead job a fresh set of attempts, due now, and records who did; a job that is not dead is not found. */
export async function retryJob(db: Db, actor: Actor, id: number): Promise<void> {
  authorise(actor, 'jobs.retry');
  await inTransaction(db, async (tx) => {
    const job = await retryDeadJob(tx, id);
    if (!job) throw new NotFoundError('Dead job');
    await recordAudit(tx, actor, { action: 'job.retry', entityType: 'job', entityId: id, summary: `Retried ${job.kind} job ${job.key}` });
  });
}
