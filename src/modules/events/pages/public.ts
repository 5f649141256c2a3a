import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { PageCache } from '../../../platform/http/page-cache.js';
import { actionRoute, viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { renderMarkdown } from '../../../platform/text/markdown.js';
import { authorise, can } from '../../../policy.js';
import { personForAuth } from '../../directory/service.js';
import { eventsDeps } from '../api.js';
import { book, myBookings } from '../bookings.js';
import { colleaguesToBook, notEligible, whoMayBookText } from '../eligibility.js';
import * as events from '../service.js';
import { publicCalendar } from '../ical.js';
import { eventCard } from '../present.js';
import { LIVE } from '../repo.js';
import { answersForm, colleagueInput } from '../validation.js';

/** The public events pages: upcoming and past events, one event with its Book button, and booking a place. */
export function eventPublicPages(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const deps = eventsDeps(ctx);
  // Places left change with every booking, also those made through another process: the public's copy lives 5 s.
  const cache = new PageCache({ db, ttlMs: 5_000, ignoreQuery: true });
  cache.attach(app);

  viewPage(app, {
    path: paths.events,
    authorise: (req) => authorise(req.actor, 'events.view'),
    template: 'events/views/events.njk',
    cache,
    load: async () => {
      const { upcoming, past } = await events.publicEvents(db);
      return { upcoming: upcoming.map((e) => eventCard(e)), past: past.map((e) => eventCard(e)) };
    },
  });

  viewPage(app, {
    path: paths.event.pattern,
    resource: async (req) => events.getEventBySlug(db, req.actor, req.params.slug ?? ''),
    authorise: (req) => authorise(req.actor, 'events.view'),
    template: 'events/views/event.njk',
    cache,
    load: async (req, event) => {
      const colleagues = event.status === 'published' ? await colleaguesToBook(db, req.actor, event.id) : [];
      const self = can(req.actor, 'events.book') && req.actor.id !== null ? await personForAuth(db, req.actor.id) : undefined;
      const refusal = self ? await notEligible(db, req.actor, event, self) : null;
      // A person may have an old cancelled booking and a new one: the live one is what the page is about.
      const mine = can(req.actor, 'events.book') ? await myBookings(db, req.actor) : [];
      const live = mine.find((b) => b.event.id === event.id && LIVE.includes(b.booking.status))?.booking;
      return {
        event: eventCard(event),
        bodyHtml: renderMarkdown(event.body),
        booking: live,
        // The joining link is for people with a confirmed place only.
        onlineUrl: live?.status === 'confirmed' || can(req.actor, 'events.manage') ? event.onlineUrl : null,
        signedIn: can(req.actor, 'events.book'),
        whoMayBook: await whoMayBookText(db, event),
        notEligible: refusal ? 'This event is only for the people named above, so you cannot book it yourself.' : null,
        colleagueItems: [
          { value: '', text: 'Choose a colleague' },
          ...colleagues.filter((c) => !c.booked).map((c) => ({ value: c.email, text: c.name })),
        ],
        colleaguesBooked: colleagues.filter((c) => c.booked).map((c) => c.name),
        bookForColleagues: colleagues.length > 0,
      };
    },
  });

  const calendar = (list: Parameters<typeof publicCalendar>[0]['events']) =>
    publicCalendar({
      events: list,
      baseUrl: ctx.config.baseUrl,
      networkName: ctx.config.networkName,
      eventUrl: (e) => `${ctx.config.baseUrl}${paths.event(e.slug)}`,
    });

  // The public feed: upcoming published events, for a calendar to subscribe to.
  app.get(paths.eventsFeed, async (req, reply) => {
    authorise(req.actor, 'events.view');
    const { upcoming } = await events.publicEvents(db);
    return reply.type('text/calendar; charset=utf-8').send(calendar(upcoming));
  });

  // "Add to calendar": one event as an .ics download.
  app.get(paths.eventCalendar.pattern, async (req, reply) => {
    authorise(req.actor, 'events.view');
    const event = await events.getEventBySlug(db, req.actor, (req.params as { slug?: string }).slug ?? '');
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${event.slug}.ics"`)
      .send(calendar([event]));
  });

  actionRoute(app, {
    path: paths.eventBook.pattern,
    resource: async (req) => events.getEventBySlug(db, req.actor, req.params.slug ?? ''),
    authorise: (req) => authorise(req.actor, 'events.book'),
    schema: answersForm,
    submit: async (req, answers, event) => {
      const self = req.actor.kind === 'person' && req.actor.id !== null ? await personForAuth(db, req.actor.id) : undefined;
      const byQuestion = Object.fromEntries(event.questions.flatMap((q, i) => (answers[i]?.trim() ? [[q, answers[i]!]] : [])));
      const { status } = await book(deps, db, req.actor, event.id, { email: self?.email ?? '', answers: byQuestion });
      const notice =
        status === 'confirmed'
          ? `You have a place at ${event.title}. We have emailed you a calendar invitation.`
          : `${event.title} is full, so you are on the waiting list. We will email you if a place comes up.`;
      return { to: paths.event(event.slug), notice };
    },
  });

  // A director books a colleague of their own council or trust (the policy's events.bookFor decides, per person).
  actionRoute(app, {
    path: paths.eventBookFor.pattern,
    resource: async (req) => events.getEventBySlug(db, req.actor, req.params.slug ?? ''),
    authorise: (req) => authorise(req.actor, 'events.book'),
    schema: colleagueInput,
    submit: async (req, input, event) => {
      const { booking, status } = await book(deps, db, req.actor, event.id, { email: input.email });
      const notice =
        status === 'confirmed'
          ? `${booking.name} has a place at ${event.title}. We have emailed them a calendar invitation.`
          : `${event.title} is full, so ${booking.name} is on the waiting list. We will email them if a place comes up.`;
      return { to: `${paths.event(event.slug)}#colleagues`, notice };
    },
  });
}
