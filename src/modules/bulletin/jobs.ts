import { systemActor } from '../../platform/actor.js';
import type { JobRegistry } from '../../platform/jobs/scheduler.js';
import { publishDueEditions } from './service.js';

/** The bulletin's background work: publishing editions scheduled for a time that has come. */
export function registerBulletinJobs(jobs: JobRegistry): void {
  jobs.plan('publish scheduled editions', async (db, now) => {
    await publishDueEditions(db, systemActor('scheduler'), now);
  });
}
