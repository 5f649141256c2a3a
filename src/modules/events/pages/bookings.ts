import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { actionRoute, formPage, viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { authorise } from '../../../policy.js';
import { eventsDeps } from '../api.js';
import { bookingForToken, myBookings } from '../bookings.js';
import { feedbackBooking, giveFeedback } from '../day.js';
import { calendarFeedSince, newCalendarFeed, placesForFeed, stopCalendarFeed } from '../feeds.js';
import { personalCalendar } from '../ical.js';
import { londonLabel } from '../times.js';
import { acceptOffer, cancelBooking, declineOffer } from '../offers.js';
import * as repo from '../repo.js';
import { feedbackInput } from '../validation.js';
import { eventCard } from '../present.js';
import { withNumbers } from '../service.js';

const STATUS_TEXT: Record<string, string> = {
  confirmed: 'You have a place',
  waitlisted: 'On the waiting list',
  offered: 'A place is offered to you',
  cancelled: 'Cancelled',
  declined: 'You declined the offered place',
  expired: 'The offer expired',
};

/** Where a booking's link leads: the person's own bookings, and the page behind the link in every booking email. */
export function bookingPages(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const deps = eventsDeps(ctx);
  const byToken = (req: { params: Record<string, string> }) => bookingForToken(db, req.params.token ?? '');

  viewPage(app, {
    path: paths.myBookings,
    authorise: (req) => authorise(req.actor, 'account.view'),
    template: 'events/views/my-bookings.njk',
    load: async (req) => {
      const now = new Date();
      const rows = (await myBookings(db, req.actor)).map(({ booking, event }) => ({
        booking,
        event: eventCard(event),
        statusText: STATUS_TEXT[booking.status] ?? booking.status,
        upcoming: event.endsAt > now,
      }));
      const feedSince = await calendarFeedSince(db, req.actor);
      return {
        upcoming: rows.filter((r) => r.upcoming),
        past: rows.filter((r) => !r.upcoming),
        feedSince: feedSince ? londonLabel(feedSince) : null,
      };
    },
  });

  // The person's own calendar feed: a new secret address (shown once, in the banner), or stopping it.
  actionRoute(app, {
    path: paths.myCalendarFeed,
    authorise: (req) => authorise(req.actor, 'account.view'),
    submit: async (req) => {
      const token = await newCalendarFeed(db, req.actor);
      const url = `${ctx.config.baseUrl}${paths.calendarFeed(token)}`;
      return {
        to: `${paths.myBookings}#calendar-feed`,
        notice: `Your calendar address is ${url} – copy it into your calendar app now, as it is shown only once. Any earlier address has stopped working.`,
      };
    },
  });
  actionRoute(app, {
    path: paths.myCalendarFeedStop,
    authorise: (req) => authorise(req.actor, 'account.view'),
    submit: async (req) => {
      const had = await stopCalendarFeed(db, req.actor);
      return {
        to: `${paths.myBookings}#calendar-feed`,
        notice: had ? 'Your calendar feed is stopped: its address no longer shows your events' : 'You had no calendar feed',
      };
    },
  });

  // The feed itself, for a calendar app: the secret in the address is the only key, so it answers 404 for any other.
  app.get(paths.calendarFeed.pattern, async (req, reply) => {
    authorise(req.actor, 'events.view');
    const places = await placesForFeed(db, (req.params as { token?: string }).token ?? '');
    const body = personalCalendar({
      places,
      baseUrl: ctx.config.baseUrl,
      networkName: ctx.config.networkName,
      eventUrl: (e) => `${ctx.config.baseUrl}${paths.event(e.slug)}`,
    });
    return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
  });

  // A GET of the link only shows the booking and its buttons: mail scanners open links, so only a POST changes anything.
  viewPage(app, {
    path: paths.booking.pattern,
    resource: byToken,
    authorise: () => undefined,
    template: 'events/views/booking.njk',
    load: async (req, { booking, event }) => ({
      booking,
      token: req.params.token,
      event: eventCard(await withNumbers(db, event)),
      statusText: STATUS_TEXT[booking.status] ?? booking.status,
      live: repo.LIVE.includes(booking.status) && event.startsAt > new Date(),
      offerOpen: booking.status === 'offered' && booking.offerExpiresAt !== null && booking.offerExpiresAt > new Date(),
    }),
  });

  actionRoute(app, {
    path: paths.bookingCancel.pattern,
    resource: byToken,
    authorise: () => undefined,
    submit: async (req, _input, { booking, event }) => {
      const was = booking.status;
      await cancelBooking(deps, db, { token: req.params.token ?? '' }, booking.id);
      const notice =
        was === 'waitlisted' ? `You have left the waiting list for ${event.title}` : `Your place at ${event.title} is cancelled`;
      return { to: paths.booking(req.params.token ?? ''), notice };
    },
  });

  actionRoute(app, {
    path: paths.bookingAccept.pattern,
    resource: byToken,
    authorise: () => undefined,
    submit: async (req, _input, { event }) => {
      await acceptOffer(deps, db, req.params.token ?? '');
      return {
        to: paths.booking(req.params.token ?? ''),
        notice: `You have a place at ${event.title}. We have emailed you a calendar invitation.`,
      };
    },
  });

  actionRoute(app, {
    path: paths.bookingDecline.pattern,
    resource: byToken,
    authorise: () => undefined,
    submit: async (req, _input, { event }) => {
      await declineOffer(deps, db, req.params.token ?? '');
      return {
        to: paths.booking(req.params.token ?? ''),
        notice: `You declined the place at ${event.title}. It goes to the next person waiting`,
      };
    },
  });

  // The link in the thank-you email: two questions, saved by POST.
  formPage(app, {
    path: paths.bookingFeedback.pattern,
    authorise: () => undefined,
    template: 'events/views/feedback.njk',
    schema: feedbackInput,
    // The form is for people who had a place, once the event is over; anyone else is told so before typing anything.
    resource: async (req) => feedbackBooking(db, req.params.token ?? ''),
    load: async (req, { event }) => ({ event: eventCard(event), token: req.params.token }),
    values: async (_req, { booking }) => {
      const given = await repo.feedbackOf(db, booking.id);
      return given ? { rating: String(given.rating), comments: given.comments } : {};
    },
    submit: async (req, input, { event }) => {
      await giveFeedback(db, req.params.token ?? '', input);
      return { to: paths.event(event.slug), notice: `Thank you for your feedback on ${event.title}` };
    },
  });
}
