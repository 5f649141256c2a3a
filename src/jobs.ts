import type { Config } from './config.js';
import { systemActor } from './platform/actor.js';
import type { Db } from './platform/db/client.js';
import { Scheduler } from './platform/jobs/scheduler.js';
import type { Mailer } from './platform/mail/mailer.js';
import { publishDueEditions } from './modules/bulletin/service.js';
import { overdueHandler, planReminders, reminderHandler } from './modules/rota/reminders.js';
import { syncHandoffs } from './modules/rota/service.js';
import { monthOf } from './modules/rota/dates.js';
import { startDueSends } from './modules/mailing/sender.js';

/** Every time-based job in Baton, on one scheduler: the server runs it every 30 s, `baton jobs run` once. */
export function createScheduler(db: Db, mailer: Mailer, config: Config): Scheduler {
  const ctx = { mailer, baseUrl: config.baseUrl, networkName: config.networkName };
  return new Scheduler(db)
    .plan('publish scheduled editions', async (d, now) => {
      await publishDueEditions(d, systemActor('scheduler'), now);
    })
    .plan('hand-off lines', async (d, now) => {
      await syncHandoffs(d, monthOf(new Date(now.getTime() - 62 * 86_400_000)));
    })
    .plan('introduction reminders', planReminders)
    .plan('scheduled sends', async (d, now) => {
      await startDueSends(d, now);
    })
    .handle('rota.reminder', reminderHandler(ctx, config.mailFrom))
    .handle('rota.overdue', overdueHandler(ctx));
}
