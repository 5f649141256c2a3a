import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { registerFeature } from '../../platform/http/features.js';
import { paths } from '../../platform/http/paths.js';
import { eventAdminPages } from './pages/admin.js';
import { bookingPages } from './pages/bookings.js';
import { eventPublicPages } from './pages/public.js';

/** Registers the events pages: the public list and event pages, booking, and the links in booking emails. */
export function eventsRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerFeature(app, {
    title: 'Events',
    summary: 'Learning days, briefings and the networking day: book a place or join the waiting list.',
    href: paths.events,
    nav: true,
  });
  eventPublicPages(app, ctx);
  bookingPages(app, ctx);
  eventAdminPages(app, ctx);
}
