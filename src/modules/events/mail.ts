import type { Db } from '../../platform/db/client.js';
import { paths } from '../../platform/http/paths.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { bookingCalendar, locationLine } from './ical.js';
import type { BookingRow, EventRow } from './repo.js';
import { londonLabel, londonTime } from './times.js';

/** What the events module needs to write its emails. */
export interface EventMailContext {
  mailer: Mailer;
  baseUrl: string;
  networkName: string;
  from: string;
}

/** The kinds of email a booking gets. */
export type BookingMail = 'confirmed' | 'updated' | 'cancelled' | 'waitlisted' | 'offer' | 'expired' | 'reminder' | 'thanks';

const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

function when(event: EventRow): string {
  return `${londonLabel(event.startsAt)} to ${londonTime(event.endsAt)}`;
}

/** Queues one email about a booking in the caller's transaction, with a calendar invitation or cancellation where it changes the calendar. */
export async function sendBookingMail(
  tx: Db,
  ctx: EventMailContext,
  kind: BookingMail,
  event: EventRow,
  booking: BookingRow,
  note?: string,
): Promise<void> {
  const manage = `${ctx.baseUrl}${kind === 'thanks' ? paths.bookingFeedback(booking.token) : paths.booking(booking.token)}`;
  const where = locationLine(event, kind === 'confirmed' || kind === 'updated' || kind === 'reminder');
  const texts: Record<BookingMail, { subject: string; lines: string[]; action?: string }> = {
    confirmed: {
      subject: `Your place is booked: ${event.title}`,
      lines: [`Your place is confirmed.`, `When: ${when(event)}`, `Where: ${where}`],
      action: 'See or cancel your booking',
    },
    updated: {
      subject: `Changed: ${event.title}`,
      lines: [`The details of this event have changed.`, `When: ${when(event)}`, `Where: ${where}`],
      action: 'See or cancel your booking',
    },
    cancelled: {
      subject: `Cancelled: ${event.title}`,
      lines: [`Your place at this event is cancelled.`, ...(note ? [`Reason: ${note}`] : [])],
    },
    waitlisted: {
      subject: `On the waiting list: ${event.title}`,
      lines: [`The event is full. You are on the waiting list and we will email you if a place frees up.`, `When: ${when(event)}`],
      action: 'See or leave the waiting list',
    },
    offer: {
      subject: `A place is free for you: ${event.title}`,
      lines: [
        `A place has freed up and is held for you until ${booking.offerExpiresAt ? londonLabel(booking.offerExpiresAt) : ''}.`,
        `When: ${when(event)}`,
        'Accept or decline it from the page the button opens.',
      ],
      action: 'Accept or decline the place',
    },
    expired: {
      subject: `Offer expired: ${event.title}`,
      lines: ['The place we held for you was not accepted in time and has been offered to the next person.'],
    },
    thanks: {
      subject: `Thank you for coming: ${event.title}`,
      lines: ['Thank you for coming. Tell us what you thought: two questions, a minute of your time. The network team reads every answer.'],
      action: 'Give your feedback',
    },
    reminder: {
      subject: `Reminder: ${event.title}, ${londonLabel(event.startsAt)}`,
      lines: [`When: ${when(event)}`, `Where: ${where}`, ...(event.travelNotes ? [`Travel: ${event.travelNotes}`] : [])],
      action: 'See or cancel your booking',
    },
  };
  const t = texts[kind];
  const { text, html } = renderSimpleEmail({
    heading: t.subject,
    paragraphs: [`Dear ${booking.name},`, ...t.lines],
    action: t.action ? { label: t.action, url: manage } : undefined,
    after: t.action ? [] : [`Your booking: ${manage}`],
    footer: ctx.networkName,
  });
  const method = kind === 'confirmed' || kind === 'updated' ? 'REQUEST' : kind === 'cancelled' ? 'CANCEL' : null;
  await ctx.mailer.queue(tx, {
    to: booking.email,
    subject: t.subject,
    text,
    html,
    ical: method
      ? {
          method,
          filename: method === 'CANCEL' ? 'cancel.ics' : 'invite.ics',
          content: bookingCalendar({
            event,
            booking,
            method,
            baseUrl: ctx.baseUrl,
            networkName: ctx.networkName,
            organizerEmail: addressOf(ctx.from),
          }),
        }
      : undefined,
  });
}
