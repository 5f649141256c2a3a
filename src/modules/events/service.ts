import crypto from 'node:crypto';
import type { Actor } from '../../platform/actor.js';
import type { Capacity } from '../../platform/capacity/index.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { bumpContentVersion } from '../../platform/db/settings.js';
import { ConflictError, NotFoundError, parseOrThrow } from '../../platform/errors.js';
import { authorise, can } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { offerFreedPlaces } from './offers.js';
import { sendBookingMail, type EventMailContext } from './mail.js';
import * as repo from './repo.js';
import { eventInput, type EventFields } from './validation.js';

/** What the events services need: the mail context and the capacity adapter. */
export interface EventsDeps extends EventMailContext {
  capacity: Capacity;
}

/** An event with its numbers. */
export interface EventView extends repo.EventRow {
  confirmed: number;
  offered: number;
  waiting: number;
  /** Places left, or null when unlimited. */
  placesLeft: number | null;
}

function slugify(title: string): string {
  const base = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return base || 'event';
}

async function freeSlug(db: Db, title: string, start: Date): Promise<string> {
  const base = `${slugify(title)}-${start.toISOString().slice(0, 10)}`;
  if (!(await repo.slugTaken(db, base))) return base;
  return `${base}-${crypto.randomBytes(3).toString('hex')}`;
}

function toValues(v: ReturnType<typeof eventInput.parse>) {
  return {
    title: v.title,
    summary: v.summary,
    body: v.body,
    audience: v.audience,
    startsAt: v.start,
    endsAt: v.end,
    venueName: v.venue?.name ?? null,
    venueRoom: v.venue?.room ?? null,
    venueAddress: v.venue?.address ?? null,
    venuePostcode: v.venue?.postcode ?? null,
    travelNotes: v.travelNotes,
    accessibility: v.accessibility,
    onlineUrl: v.onlineUrl,
    capacity: v.capacity,
    bookingOpens: v.bookingOpens,
    bookingCloses: v.bookingCloses,
    offerHours: v.offerHours,
    contactEmail: v.contactEmail,
    questions: v.questions,
    whoMayBook: v.whoMayBook,
    bookingLists: v.whoMayBook === 'lists' ? v.bookingLists : [],
    bookingOrganisations: v.whoMayBook === 'organisations' ? v.bookingOrganisations : [],
  };
}

/** Adds a draft event. */
export async function createEvent(db: Db, actor: Actor, input: EventFields): Promise<{ id: number; slug: string }> {
  authorise(actor, 'events.manage');
  const v = parseOrThrow(eventInput, input);
  return inTransaction(db, async (tx) => {
    const slug = await freeSlug(tx, v.title, v.start);
    const id = await repo.insertEvent(tx, { ...toValues(v), slug });
    await recordAudit(tx, actor, {
      action: 'event.create',
      entityType: 'event',
      entityId: id,
      summary: `Added the event ${v.title}`,
      data: { slug },
    });
    return { id, slug };
  });
}

/** Adds the numbers to an event row. */
export async function withNumbers(db: Db, event: repo.EventRow): Promise<EventView> {
  const c = await repo.counts(db, event.id);
  const taken = c.confirmed + c.offered;
  return {
    ...event,
    confirmed: c.confirmed,
    offered: c.offered,
    waiting: c.waitlisted,
    placesLeft: event.capacity === null ? null : Math.max(0, event.capacity - taken),
  };
}

/** An event by id: drafts only for editors. */
export async function getEvent(db: Db, actor: Actor, id: number): Promise<EventView> {
  const event = await repo.getEvent(db, id);
  if (!event || (event.status === 'draft' && !can(actor, 'events.manage'))) throw new NotFoundError('Event');
  return withNumbers(db, event);
}

/** A published (or cancelled) event by its slug, as the public sees it; editors also see drafts. */
export async function getEventBySlug(db: Db, actor: Actor, slug: string): Promise<EventView> {
  const event = await repo.getEventBySlug(db, slug);
  if (!event || (event.status === 'draft' && !can(actor, 'events.manage'))) throw new NotFoundError('Event');
  return withNumbers(db, event);
}

/** Every event, for editors. */
export async function listEventsForEditors(db: Db, actor: Actor): Promise<EventView[]> {
  authorise(actor, 'events.manage');
  return Promise.all((await repo.listEvents(db)).map((e) => withNumbers(db, e)));
}

/** Published events: upcoming, then past. */
export async function publicEvents(db: Db, now = new Date()): Promise<{ upcoming: EventView[]; past: repo.EventRow[] }> {
  const { upcoming, past } = await repo.publishedEvents(db, now);
  return { upcoming: await Promise.all(upcoming.map((e) => withNumbers(db, e))), past };
}

/**
 * Changes an event; when a published event's time or place changes, everyone with a place gets an updated invitation
 * (same UID, SEQUENCE raised). A raised capacity offers the new places to the waiting list.
 */
export async function updateEvent(
  deps: EventsDeps,
  db: Db,
  actor: Actor,
  id: number,
  input: EventFields,
  now = new Date(),
): Promise<repo.EventRow> {
  authorise(actor, 'events.manage');
  const v = parseOrThrow(eventInput, input);
  return deps.capacity.withPools(db, [{ table: 'events', id }], async (tx) => {
    const before = await repo.getEvent(tx, id);
    if (!before) throw new NotFoundError('Event');
    if (before.status === 'cancelled') throw new ConflictError('This event is cancelled and can no longer be changed');
    const values = toValues(v);
    await repo.updateEvent(tx, id, values);
    const after = (await repo.getEvent(tx, id))!;
    const moved =
      before.startsAt.getTime() !== after.startsAt.getTime() ||
      before.endsAt.getTime() !== after.endsAt.getTime() ||
      ['venueName', 'venueRoom', 'venueAddress', 'venuePostcode', 'onlineUrl'].some(
        (k) => before[k as keyof repo.EventRow] !== after[k as keyof repo.EventRow],
      );
    const changed = Object.keys(values).filter((k) => String(before[k as keyof repo.EventRow]) !== String(after[k as keyof repo.EventRow]));
    if (moved && after.status === 'published') {
      for (const b of await repo.bookingsOf(tx, id, ['confirmed'])) {
        const booking = await repo.updateBooking(tx, b.id, { sequence: b.sequence + 1 });
        await sendBookingMail(tx, deps, 'updated', after, booking);
      }
    }
    await offerFreedPlaces(tx, deps, after, now);
    await recordAudit(tx, actor, {
      action: 'event.update',
      entityType: 'event',
      entityId: id,
      summary: `Changed ${changed.join(', ') || 'nothing'} of ${after.title}`,
      data: { changed },
    });
    await bumpContentVersion(tx);
    return after;
  });
}

/** Publishes a draft event: it appears on /events and can be booked. */
export async function publishEvent(db: Db, actor: Actor, id: number): Promise<repo.EventRow> {
  authorise(actor, 'events.manage');
  return inTransaction(db, async (tx) => {
    const event = await repo.getEvent(tx, id);
    if (!event) throw new NotFoundError('Event');
    if (event.status === 'cancelled') throw new ConflictError('A cancelled event cannot be published');
    if (event.status === 'draft') {
      await repo.updateEvent(tx, id, { status: 'published' });
      await recordAudit(tx, actor, { action: 'event.publish', entityType: 'event', entityId: id, summary: `Published ${event.title}` });
      await bumpContentVersion(tx);
    }
    return (await repo.getEvent(tx, id))!;
  });
}

/** Cancels a whole event: every live booking is cancelled and everyone with a place gets a calendar cancellation. */
export async function cancelEvent(deps: EventsDeps, db: Db, actor: Actor, id: number, reason: string | null): Promise<repo.EventRow> {
  authorise(actor, 'events.manage');
  return deps.capacity.withPools(db, [{ table: 'events', id }], async (tx) => {
    const event = await repo.getEvent(tx, id);
    if (!event) throw new NotFoundError('Event');
    if (event.status === 'cancelled') return event;
    await repo.updateEvent(tx, id, { status: 'cancelled' });
    const after = (await repo.getEvent(tx, id))!;
    const live = await repo.bookingsOf(tx, id, repo.LIVE);
    for (const b of live) {
      const booking = await repo.updateBooking(tx, b.id, {
        status: 'cancelled',
        sequence: b.sequence + 1,
        reason: reason ?? 'The event is cancelled',
      });
      if (b.status !== 'waitlisted') await sendBookingMail(tx, deps, 'cancelled', after, booking, reason ?? 'The event is cancelled');
    }
    await recordAudit(tx, actor, {
      action: 'event.cancel',
      entityType: 'event',
      entityId: id,
      summary: `Cancelled ${event.title} (${live.length} bookings told)`,
      data: { reason },
    });
    await bumpContentVersion(tx);
    return after;
  });
}

/** Copies an event as a new draft a year later by default (no bookings). */
export async function copyEvent(db: Db, actor: Actor, id: number): Promise<{ id: number; slug: string }> {
  authorise(actor, 'events.manage');
  return inTransaction(db, async (tx) => {
    const e = await repo.getEvent(tx, id);
    if (!e) throw new NotFoundError('Event');
    const { id: _id, slug: _slug, status: _s, createdAt: _c, updatedAt: _u, ...rest } = e;
    const title = `Copy of ${e.title}`.slice(0, 200);
    const slug = await freeSlug(tx, title, e.startsAt);
    const newId = await repo.insertEvent(tx, { ...rest, title, slug, status: 'draft' });
    await recordAudit(tx, actor, {
      action: 'event.copy',
      entityType: 'event',
      entityId: newId,
      summary: `Copied ${e.title} as a new draft`,
      data: { from: id },
    });
    return { id: newId, slug };
  });
}
