import type { JobRegistry } from '../../platform/jobs/scheduler.js';
import { monthOf } from './dates.js';
import { overdueHandler, planReminders, reminderHandler, type ReminderContext } from './reminders.js';
import { syncHandoffs } from './service.js';

/** The rota's background work: hand-off lines from the rota, reminders 28 and 7 days ahead, the overdue notice. */
export function registerRotaJobs(jobs: JobRegistry, ctx: ReminderContext & { from: string }): void {
  jobs
    .plan('hand-off lines', async (db, now) => {
      await syncHandoffs(db, monthOf(new Date(now.getTime() - 62 * 86_400_000)));
    })
    .plan('introduction reminders', planReminders)
    .handle('rota.reminder', reminderHandler(ctx, ctx.from))
    .handle('rota.overdue', overdueHandler(ctx));
}
