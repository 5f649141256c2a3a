import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { paths } from '../../platform/http/paths.js';
import { pathId } from '../../platform/validation.js';
import { can } from '../../policy.js';
import { jobsOverview, retryJob } from './service.js';

/** The operator's view of the job queue: counts, failures and dead letters, and a retry for a dead job. */
export function adminJobsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  app.get(paths.adminJobs, async (req, reply) =>
    reply.page('admin/views/jobs.njk', { ...(await jobsOverview(db, req.actor)), canRetry: can(req.actor, 'jobs.retry') }),
  );
  app.post<{ Params: { id: string } }>(paths.adminJobRetry(':id'), async (req, reply) => {
    await retryJob(db, req.actor, pathId(req.params.id));
    return reply.redirect(paths.adminJobs, 303);
  });
}
