import ical from 'ical-generator';
import type { Db } from '../../platform/db/client.js';
import { enqueue, type Job } from '../../platform/jobs/scheduler.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { paths } from '../../platform/http/paths.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { monthLabel } from '../bulletin/service.js';
import { editorsForNotices, personForAuth } from '../directory/service.js';
import { addDays, defaultDeadline, longDate, monthOf, monthStart, nineAm } from './dates.js';
import * as repo from './repo.js';

/** What reminder emails need: where links point, who sends, how mail is written. */
export interface ReminderContext {
  mailer: Mailer;
  baseUrl: string;
  networkName: string;
}

/** How long a personal introduction link lives after the deadline. */
export const LINK_DAYS_AFTER_DEADLINE = 14;

const deadlineOf = (slot: repo.Slot) => slot.deadline ?? defaultDeadline(slot.month.slice(0, 7));

/** Enqueues, for every slot still ahead, its two reminders and its overdue check; keys make this safe to repeat. */
export async function planReminders(db: Db, now: Date): Promise<void> {
  const from = monthStart(monthOf(new Date(now.getTime() - 62 * 86_400_000)));
  for (const slot of await repo.slotsFrom(db, from)) {
    const month = slot.month.slice(0, 7);
    const deadline = deadlineOf(slot);
    if (nineAm(addDays(deadline, LINK_DAYS_AFTER_DEADLINE)) < now) continue;
    if (slot.personId) {
      for (const days of [28, 7]) {
        await enqueue(db, {
          kind: 'rota.reminder',
          key: `rota:reminder:${month}:${deadline}:${slot.personId}:${days}`,
          runAt: nineAm(addDays(deadline, -days)),
          payload: { month, personId: slot.personId, days },
        });
      }
    }
    await enqueue(db, {
      kind: 'rota.overdue',
      key: `rota:overdue:${month}:${deadline}`,
      runAt: nineAm(addDays(deadline, 1)),
      payload: { month },
    });
  }
}

/** The UID of a month's deadline invitation: the same for every message about it, so updates and cancellations match it. */
export function invitationUid(month: string, baseUrl: string): string {
  return `introduction-deadline-${month}@${new URL(baseUrl).hostname}`;
}

/** Who a deadline calendar message is for, and for which month. */
interface DeadlineCalendar {
  month: string;
  deadline: string;
  to: string;
  name: string;
  networkName: string;
  baseUrl: string;
  from: string;
}

function deadlineCalendar(opts: DeadlineCalendar, cancel: boolean): string {
  const cal = ical({
    name: opts.networkName,
    method: (cancel ? 'CANCEL' : 'REQUEST') as never,
    prodId: { company: 'Baton', product: 'rota' },
  });
  const start = new Date(`${opts.deadline}T09:00:00Z`);
  const month = monthLabel(opts.month);
  cal.createEvent({
    id: invitationUid(opts.month, opts.baseUrl),
    ...(cancel ? { sequence: 1, status: 'CANCELLED' as never } : {}),
    start,
    end: new Date(start.getTime() + 30 * 60_000),
    summary: `${cancel ? 'Cancelled' : 'Deadline'}: your introduction to the Regional Update, ${month}`,
    ...(cancel ? {} : { description: `Please send your introduction for the ${month} Regional Update by this date.` }),
    organizer: { name: opts.networkName, email: /<([^>]+)>/.exec(opts.from)?.[1] ?? opts.from },
    attendees: [{ name: opts.name, email: opts.to, ...(cancel ? {} : { rsvp: true }) }],
  });
  return cal.toString();
}

/** Cancels the deadline invitation a replaced author had: same UID, a higher SEQUENCE, METHOD:CANCEL. */
export function deadlineCancellation(opts: DeadlineCalendar): string {
  return deadlineCalendar(opts, true);
}

/** A calendar invitation for the copy deadline, with a UID that stays the same for the month, so updates replace it. */
export function deadlineInvitation(opts: DeadlineCalendar): string {
  return deadlineCalendar(opts, false);
}

/** Sends a reminder to write the introduction (the PA in copy), with a personal link; the first carries the deadline as an invitation. */
export function reminderHandler(ctx: ReminderContext, from: string) {
  return async (tx: Db, job: Job, now: Date): Promise<void> => {
    const { month, personId, days } = job.payload as { month: string; personId: number; days: number };
    const slot = await repo.slotFor(tx, monthStart(month));
    if (!slot || slot.personId !== personId) return; // the rota changed: the new author has jobs of their own
    const deadline = deadlineOf(slot);
    if (now > nineAm(addDays(deadline, 1))) return; // too late to remind
    if (await repo.latestIntroduction(tx, monthStart(month))) return; // already sent in
    const person = await personForAuth(tx, personId);
    if (!person) return;
    const token = newToken();
    await repo.insertLink(tx, {
      tokenHash: hashToken(token),
      month: monthStart(month),
      personId,
      expiresAt: nineAm(addDays(deadline, LINK_DAYS_AFTER_DEADLINE)),
    });
    const url = `${ctx.baseUrl}${paths.introduction(token)}`;
    const label = monthLabel(month);
    const deadlineText = longDate(deadline);
    const { text, html } = renderSimpleEmail({
      heading:
        days >= 28
          ? `Your turn to write the introduction for ${label}`
          : `Reminder: your introduction for ${label} is due on ${deadlineText}`,
      paragraphs: [
        `Dear ${person.name},`,
        days >= 28
          ? `It is your turn to write the introduction for the ${label} Regional Update. Please send it by ${deadlineText}. The deadline is attached as a calendar invitation, so that you (or your PA) can book the time.`
          : `This is a reminder that your introduction for the ${label} Regional Update is due on ${deadlineText}.`,
        'Use your personal link to write it: no password needed. Your PA can use the same link.',
      ],
      action: { label: 'Write the introduction', url },
      after: [`The link works until ${longDate(addDays(deadline, LINK_DAYS_AFTER_DEADLINE), false)}.`],
      footer: ctx.networkName,
    });
    await ctx.mailer.queue(tx, {
      to: person.email,
      cc: person.paEmail,
      subject:
        days >= 28
          ? `Regional Update introduction for ${label}: due ${deadlineText}`
          : `Reminder: Regional Update introduction due ${deadlineText}`,
      text,
      html,
      secrets: [token],
      ical:
        days >= 28
          ? {
              method: 'REQUEST',
              filename: 'deadline.ics',
              content: deadlineInvitation({
                month,
                deadline,
                to: person.email,
                name: person.name,
                networkName: ctx.networkName,
                baseUrl: ctx.baseUrl,
                from,
              }),
            }
          : undefined,
    });
  };
}

/** Tells the editors, the day after the deadline, that no introduction has come. */
export function overdueHandler(ctx: ReminderContext) {
  return async (tx: Db, job: Job): Promise<void> => {
    const { month } = job.payload as { month: string };
    const slot = await repo.slotFor(tx, monthStart(month));
    if (!slot || (await repo.latestIntroduction(tx, monthStart(month)))) return;
    const label = monthLabel(month);
    for (const editor of await editorsForNotices(tx)) {
      const { text, html } = renderSimpleEmail({
        heading: `No introduction yet for ${label}`,
        paragraphs: [
          `${slot.authorName}${slot.organisationName ? ` (${slot.organisationName})` : ''} was due to send the introduction for ${label} by ${deadlineOf(slot)}, and none has arrived.`,
        ],
        action: { label: 'Open the rota', url: `${ctx.baseUrl}${paths.adminRota}` },
        footer: ctx.networkName,
      });
      await ctx.mailer.queue(tx, { to: editor.email, subject: `Overdue: introduction for ${label}`, text, html });
    }
  };
}
