import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createCapacity } from '../../platform/capacity/index.js';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { pathId } from '../../platform/validation.js';
import { book, getBookingForEditor, listBookings } from './bookings.js';
import { cancelBooking } from './offers.js';
import { createEvent, getEvent, publishEvent, type EventsDeps, type EventView } from './service.js';
import { eventInput, type EventFields } from './validation.js';

const eventOut = z.object({
  id: z.number(),
  slug: z.string(),
  title: z.string(),
  summary: z.string(),
  status: z.enum(['draft', 'published', 'cancelled']),
  start: z.string(),
  end: z.string(),
  venue: z.object({ name: z.string(), address: z.string().nullable(), postcode: z.string().nullable() }).nullable(),
  onlineUrl: z.string().nullable(),
  capacity: z.number().nullable(),
  bookingOpens: z.string().nullable(),
  bookingCloses: z.string().nullable(),
  offerHours: z.number(),
  confirmed: z.number(),
  offered: z.number(),
  waiting: z.number(),
});

const bookingOut = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  organisation: z.string().nullable(),
  status: z.string(),
});

function present(e: EventView): z.output<typeof eventOut> {
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    summary: e.summary,
    status: e.status,
    start: e.startsAt.toISOString(),
    end: e.endsAt.toISOString(),
    venue: e.venueName ? { name: e.venueName, address: e.venueAddress, postcode: e.venuePostcode } : null,
    onlineUrl: e.onlineUrl,
    capacity: e.capacity,
    bookingOpens: e.bookingOpens?.toISOString() ?? null,
    bookingCloses: e.bookingCloses?.toISOString() ?? null,
    offerHours: e.offerHours,
    confirmed: e.confirmed,
    offered: e.offered,
    waiting: e.waiting,
  };
}

/** The events module's dependencies from the app context (the capacity adapter takes CAPACITY_LOCKING from the config). */
export function eventsDeps(ctx: AppContext): EventsDeps {
  return {
    mailer: ctx.mailer,
    baseUrl: ctx.config.baseUrl,
    networkName: ctx.config.networkName,
    from: ctx.config.mailFrom,
    capacity: createCapacity({ locking: ctx.config.capacityLocking }),
  };
}

/** JSON API for events and bookings. */
export function eventsApi(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const deps = eventsDeps(ctx);
  apiRoute(app, {
    method: 'POST',
    url: '/events',
    tag: 'events',
    summary: 'Add a draft event (start and end in ISO 8601 with an offset; capacity null for unlimited)',
    body: eventInput,
    response: z.object({ id: z.number(), slug: z.string() }),
    status: 201,
    // The service parses the body itself (the same schema), so the raw body is what it is given.
    handler: async ({ req }) => createEvent(db, req.actor, req.body as EventFields),
  });
  apiRoute(app, {
    method: 'GET',
    url: '/events/:id',
    tag: 'events',
    summary: 'An event with its numbers: capacity, confirmed, offered, waiting',
    response: eventOut,
    handler: async ({ params, req }) => present(await getEvent(db, req.actor, pathId(params.id, 'Event'))),
  });
  apiRoute(app, {
    method: 'POST',
    url: '/events/:id/publish',
    tag: 'events',
    summary: 'Publish an event',
    response: eventOut,
    handler: async ({ params, req }) => {
      const id = pathId(params.id, 'Event');
      await publishEvent(db, req.actor, id);
      return present(await getEvent(db, req.actor, id));
    },
  });
  apiRoute(app, {
    method: 'POST',
    url: '/events/:id/bookings',
    tag: 'events',
    summary: 'Book a place for someone (an unknown email becomes a contact); a full event puts them on the waiting list',
    body: z.object({ email: z.string(), name: z.string().optional() }),
    response: z.object({ id: z.number(), status: z.enum(['confirmed', 'waitlisted']) }),
    status: 201,
    handler: async ({ params, body, req }) => {
      const { booking, status } = await book(deps, db, req.actor, pathId(params.id, 'Event'), body);
      return { id: booking.id, status };
    },
  });
  apiRoute(app, {
    method: 'GET',
    url: '/events/:id/bookings',
    tag: 'events',
    summary: 'An event’s bookings',
    response: z.object({ bookings: z.array(bookingOut) }),
    handler: async ({ params, req }) => ({
      bookings: (await listBookings(db, req.actor, pathId(params.id, 'Event'))).map((b) => ({
        id: b.id,
        email: b.email,
        name: b.name,
        organisation: b.organisationName,
        status: b.status,
      })),
    }),
  });
  apiRoute(app, {
    method: 'DELETE',
    url: '/bookings/:id',
    tag: 'events',
    summary: 'Cancel a booking; the freed place is offered to the waiting list',
    response: bookingOut,
    handler: async ({ params, req }) => {
      const id = pathId(params.id, 'Booking');
      await getBookingForEditor(db, req.actor, id);
      const b = await cancelBooking(deps, db, { actor: req.actor }, id);
      return { id: b.id, email: b.email, name: b.name, organisation: b.organisationName, status: b.status };
    },
  });
}
