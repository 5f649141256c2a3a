// The queue's public face, kept stable for modules: enqueue, the handler and planner types, and the Scheduler name.
import { JobQueue } from './queue.js';

export { enqueue, type Job } from './repo.js';
export {
  JobQueue,
  type JobHandler,
  type JobRegistry,
  type KindOptions,
  type LeasedHandler,
  type Planner,
  type QueueOptions,
  type RunReport,
  type WorkContext,
  type WorkOutcome,
} from './queue.js';

/** The job queue under its first name: `new Scheduler(db).plan(...).handle(...)` still reads as it did. */
export const Scheduler = JobQueue;
/** The job queue under its first name. */
export type Scheduler = JobQueue;
