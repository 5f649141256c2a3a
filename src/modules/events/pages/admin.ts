import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { sendCsv, toCsv } from '../../../platform/csv.js';
import { NotFoundError } from '../../../platform/errors.js';
import { actionRoute, formPage, viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import { eventsDeps } from '../api.js';
import { getBookingForEditor, listBookings } from '../bookings.js';
import { checkIn, eventFeedback } from '../day.js';
import { cancelBooking, moveUp } from '../offers.js';
import { attendance, eventNumbers, roleLabel } from '../numbers.js';
import { eventCard, eventFormValues } from '../present.js';
import { LIVE } from '../repo.js';
import { allLists } from '../../mailing/subscriptions.js';
import { listMemberOrganisations } from '../../directory/service.js';
import * as events from '../service.js';
import { EVENT_FORM_IDS, eventActionInput, eventForm, moveUpInput } from '../validation.js';

const STATUS_TAG: Record<string, string> = { draft: 'govuk-tag--grey', published: 'govuk-tag--green', cancelled: 'govuk-tag--red' };

/** Editors' event pages: the list, a new event, one event with its bookings (and their CSV), publish, copy and cancel. */
export function eventAdminPages(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const deps = eventsDeps(ctx);
  const manage = (req: { actor: Parameters<typeof authorise>[0] }) => authorise(req.actor, 'events.manage');
  const theEvent = (req: { params: Record<string, string>; actor: Parameters<typeof authorise>[0] }) =>
    events.getEvent(db, req.actor, pathId(req.params.id, 'Event'));

  // The lists and organisations an editor can limit booking to, as the form's checkboxes.
  const bookingChoices = async (actor: Parameters<typeof authorise>[0]) => ({
    listChoices: (await allLists(db, actor)).map((l) => ({ value: String(l.id), text: l.name })),
    organisationChoices: (await listMemberOrganisations(db)).map((o) => ({ value: String(o.id), text: o.name })),
  });

  viewPage(app, {
    path: paths.adminEvents,
    authorise: manage,
    template: 'events/views/admin-events.njk',
    load: async (req) => ({
      rows: (await events.listEventsForEditors(db, req.actor)).map((e) => ({
        ...eventCard(e),
        confirmed: e.confirmed,
        tag: STATUS_TAG[e.status],
      })),
    }),
  });

  formPage(app, {
    path: paths.adminEventNew,
    authorise: manage,
    template: 'events/views/admin-event-form.njk',
    schema: eventForm,
    fieldIds: EVENT_FORM_IDS,
    values: () => ({ offerHours: '48', whoMayBook: 'signed-in' }),
    load: async (req) => bookingChoices(req.actor),
    submit: async (req, input) => {
      const { id } = await events.createEvent(db, req.actor, input);
      return { to: paths.adminEvent(id), notice: `Added the draft event ${input.title}. Publish it when it is ready.` };
    },
  });

  formPage(app, {
    path: paths.adminEventEdit.pattern,
    resource: theEvent,
    authorise: manage,
    template: 'events/views/admin-event-form.njk',
    schema: eventForm,
    fieldIds: EVENT_FORM_IDS,
    load: async (req, event) => ({ event: eventCard(event), ...(await bookingChoices(req.actor)) }),
    values: (_req, event) => eventFormValues(event),
    submit: async (req, input, event) => {
      await events.updateEvent(deps, db, req.actor, event.id, input);
      const told =
        event.status === 'published' && event.confirmed ? ' Anyone with a place has been sent the change if the time or place moved.' : '';
      return { to: paths.adminEvent(event.id), notice: `Saved the changes to ${input.title}.${told}` };
    },
  });

  // Moving someone up the waiting list: a confirm page that asks why, for the record.
  formPage(app, {
    path: paths.adminEventMoveUp.pattern,
    resource: theEvent,
    authorise: manage,
    template: 'events/views/admin-booking-move-up.njk',
    schema: moveUpInput,
    load: async (req, event) => {
      const raw = req.method === 'POST' ? (req.body as { booking?: string } | undefined)?.booking : req.query.booking;
      const booking = await getBookingForEditor(db, req.actor, pathId(raw, 'Booking'));
      if (booking.eventId !== event.id) throw new NotFoundError('Booking');
      return { event: eventCard(event), booking };
    },
    submit: async (req, input, event) => {
      const b = await moveUp(deps, db, req.actor, event.id, input.booking, input.reason);
      const offered = b.status === 'offered' ? ' A place was free, so it has been offered to them.' : '';
      return { to: paths.adminEvent(event.id), notice: `Moved ${b.name} to the front of the waiting list.${offered}` };
    },
  });

  viewPage(app, {
    path: paths.adminEvent.pattern,
    resource: theEvent,
    authorise: manage,
    template: 'events/views/admin-event.njk',
    load: async (req, event) => {
      const bookings = await listBookings(db, req.actor, event.id);
      return {
        event: eventCard(event),
        numbers: eventNumbers(event, bookings),
        tag: STATUS_TAG[event.status],
        bookings: bookings.map((b) => ({ ...b, live: LIVE.includes(b.status) })),
        feedback: await eventFeedback(db, req.actor, event.id),
      };
    },
  });

  // GET of an action: the bookings as CSV, or the confirm page before cancelling the whole event.
  app.get(paths.adminEventAction.pattern, async (request, reply) => {
    const req = request as typeof request & { params: Record<string, string> };
    manage(req);
    const event = await theEvent(req);
    if (req.params.action === 'bookings.csv') {
      const rows = await listBookings(db, req.actor, event.id);
      const csv = toCsv(
        ['Name', 'Email', 'Organisation', 'Job role', 'Status', 'Arrived', 'Booked by', 'Booked at', 'Answers'],
        rows.map((b) => [
          b.name,
          b.email,
          b.organisationName,
          b.jobRole ? roleLabel(b.jobRole) : null,
          b.status,
          attendance(b, event),
          b.bookedBy,
          b.createdAt,
          Object.entries(b.answers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n'),
        ]),
      );
      return sendCsv(reply, `${event.slug}-bookings.csv`, csv);
    }
    if (req.params.action === 'checkin') {
      const confirmed = (await listBookings(db, req.actor, event.id))
        .filter((b) => b.status === 'confirmed')
        .sort((a, b) => a.name.localeCompare(b.name));
      return reply.page('events/views/admin-checkin.njk', {
        event: eventCard(event),
        confirmed,
        arrived: confirmed.filter((b) => b.checkedInAt).length,
      });
    }
    if (req.params.action === 'cancel-booking') {
      const booking = await getBookingForEditor(db, req.actor, pathId((req.query as { booking?: string }).booking, 'Booking'));
      if (booking.eventId !== event.id) throw new NotFoundError('Booking');
      return reply.page('events/views/admin-booking-cancel.njk', { event: eventCard(event), booking, values: {} });
    }
    if (req.params.action === 'cancel')
      return reply.page('events/views/admin-event-cancel.njk', {
        event: eventCard(event),
        told: event.confirmed + event.offered,
        values: {},
      });
    throw new NotFoundError('Page');
  });

  actionRoute(app, {
    path: paths.adminEventAction.pattern,
    resource: theEvent,
    authorise: manage,
    schema: eventActionInput,
    submit: async (req, input, event) => {
      switch (req.params.action) {
        case 'publish':
          await events.publishEvent(db, req.actor, event.id);
          return { to: paths.adminEvent(event.id), notice: `Published ${event.title}: it is on the events page and open for booking` };
        case 'copy': {
          const copy = await events.copyEvent(db, req.actor, event.id);
          return { to: paths.adminEvent(copy.id), notice: `Copied ${event.title} as a new draft` };
        }
        case 'cancel':
          await events.cancelEvent(deps, db, req.actor, event.id, input.reason ?? null);
          return {
            to: paths.adminEvent(event.id),
            notice: `Cancelled ${event.title}. Everyone with a place has been emailed a calendar cancellation`,
          };
        case 'cancel-booking': {
          const booking = await getBookingForEditor(db, req.actor, input.booking ?? 0);
          if (booking.eventId !== event.id) throw new NotFoundError('Booking');
          await cancelBooking(deps, db, { actor: req.actor }, booking.id, input.reason ?? null);
          return {
            to: paths.adminEvent(event.id),
            notice: `Cancelled the booking of ${booking.name}. They have been emailed${booking.status === 'confirmed' ? ' a calendar cancellation' : ''}`,
          };
        }
        case 'checkin': {
          if (!input.booking) throw new NotFoundError('Booking');
          const b = await checkIn(db, req.actor, event.id, input.booking, input.arrived !== 'no');
          return {
            to: `${paths.adminEventAction(event.id, 'checkin')}#booking-${b.id}`,
            notice: input.arrived === 'no' ? `${b.name} is marked as not arrived` : `${b.name} has arrived`,
          };
        }
        default:
          throw new NotFoundError('Page');
      }
    },
  });
}
