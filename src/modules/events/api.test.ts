import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import type { Baton } from '../../server.js';

let database: TestDatabase;
let baton: Baton;
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const api = async (method: 'GET' | 'POST' | 'DELETE', url: string, auth: Record<string, string>, payload?: unknown) =>
  baton.app.inject({
    method,
    url,
    headers: { ...auth, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    payload: payload === undefined ? undefined : JSON.stringify(payload),
  });

// The May 2022 learning event from the bulletin, as the API creates it.
const LEARNING_DAY = {
  title: 'Face-to-face learning event',
  summary: 'For team managers and group managers. Places are limited so book early.',
  start: '2031-06-30T09:30:00+01:00',
  end: '2031-06-30T16:30:00+01:00',
  venue: { name: 'Fazeley Studios', room: 'Fazeley room', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
  onlineUrl: null,
  capacity: 2,
  bookingOpens: '2031-05-01T09:00:00+01:00',
  bookingCloses: '2031-06-23T17:00:00+01:00',
  offerHours: 48,
};

async function publishedEvent(auth: Record<string, string>, fields: Partial<typeof LEARNING_DAY> = {}) {
  const created = await api('POST', '/api/v1/events', auth, { ...LEARNING_DAY, bookingOpens: null, ...fields });
  expect(created.statusCode).toBe(201);
  const { id } = created.json() as { id: number };
  expect((await api('POST', `/api/v1/events/${id}/publish`, auth)).statusCode).toBe(200);
  return id;
}

describe('JSON API: events and bookings', () => {
  it('creates a draft with a slug, shows it with its numbers, and publishes it', async () => {
    const editor = await bearer(database.db, 'editor');
    const created = await api('POST', '/api/v1/events', editor, LEARNING_DAY);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(Number), slug: 'face-to-face-learning-event-2031-06-30' });
    const id = created.json().id as number;

    const reader = await bearer(database.db, 'subscriber');
    expect((await api('GET', `/api/v1/events/${id}`, reader)).statusCode).toBe(404); // a draft is the editors' only
    const draft = await api('GET', `/api/v1/events/${id}`, editor);
    expect(draft.json()).toMatchObject({
      status: 'draft',
      start: '2031-06-30T08:30:00.000Z',
      end: '2031-06-30T15:30:00.000Z',
      venue: { name: 'Fazeley Studios', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
      capacity: 2,
      confirmed: 0,
      offered: 0,
      waiting: 0,
    });
    const published = await api('POST', `/api/v1/events/${id}/publish`, editor);
    expect(published.json()).toMatchObject({ status: 'published' });
    expect((await api('GET', `/api/v1/events/${id}`, reader)).json()).toMatchObject({ status: 'published', capacity: 2 });
  });

  it('names the field that is wrong, and creates nothing', async () => {
    const editor = await bearer(database.db, 'editor');
    const bad = await api('POST', '/api/v1/events', editor, { ...LEARNING_DAY, end: '2031-06-30T08:00:00+01:00', capacity: -1 });
    expect(bad.statusCode).toBe(422);
    const fields = (bad.json() as { errors: Array<{ field: string; message: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['capacity']));
    const noOffset = await api('POST', '/api/v1/events', { ...editor }, { ...LEARNING_DAY, start: 'next thursday' });
    expect(noOffset.statusCode).toBe(422);
    expect(JSON.stringify(noOffset.json())).toContain('start');
    expect((await api('GET', '/api/v1/events/999999', editor)).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/events/abc', editor)).statusCode).toBe(404);
  });

  it('books until full, then waitlists; the same person twice is a 409 naming the booking; cancelling offers the place on', async () => {
    const editor = await bearer(database.db, 'editor');
    const id = await publishedEvent(editor);
    await addPerson(database.db, { email: 'tm1@example.org', name: 'Team Manager One', org: 'Telford', role: 'other' });
    const first = await api('POST', `/api/v1/events/${id}/bookings`, editor, { email: 'tm1@example.org' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ id: expect.any(Number), status: 'confirmed' });
    // An email not in the directory becomes a contact with that name.
    const second = await api('POST', `/api/v1/events/${id}/bookings`, editor, { email: 'new.person@example.org', name: 'New Person' });
    expect(second.json()).toMatchObject({ status: 'confirmed' });
    const third = await api('POST', `/api/v1/events/${id}/bookings`, editor, { email: 'late@example.org', name: 'Late Comer' });
    expect(third.statusCode).toBe(201);
    expect(third.json()).toMatchObject({ status: 'waitlisted' });

    const again = await api('POST', `/api/v1/events/${id}/bookings`, editor, { email: 'TM1@example.org' });
    expect(again.statusCode).toBe(409);
    expect(JSON.stringify(again.json())).toContain(String(first.json().id));

    const nameless = await api('POST', `/api/v1/events/${id}/bookings`, editor, { email: 'nobody@example.org' });
    expect(nameless.statusCode).toBe(422);
    expect(JSON.stringify(nameless.json())).toContain('name');

    const list = await api('GET', `/api/v1/events/${id}/bookings`, editor);
    expect(list.json().bookings).toEqual([
      { id: first.json().id, email: 'tm1@example.org', name: 'Team Manager One', organisation: 'Telford', status: 'confirmed' },
      { id: second.json().id, email: 'new.person@example.org', name: 'New Person', organisation: null, status: 'confirmed' },
      { id: third.json().id, email: 'late@example.org', name: 'Late Comer', organisation: null, status: 'waitlisted' },
    ]);

    const cancel = await api('DELETE', `/api/v1/bookings/${first.json().id}`, editor);
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'cancelled' });
    const after = await api('GET', `/api/v1/events/${id}`, editor);
    expect(after.json()).toMatchObject({ confirmed: 1, offered: 1, waiting: 0 });
    const statuses = (await api('GET', `/api/v1/events/${id}/bookings`, editor)).json().bookings.map((b: { status: string }) => b.status);
    expect(statuses).toEqual(['cancelled', 'confirmed', 'offered']);
    expect((await api('DELETE', '/api/v1/bookings/999999', editor)).statusCode).toBe(404);
  });

  it('lets only editors create, list and book for someone else', async () => {
    const editor = await bearer(database.db, 'editor');
    const id = await publishedEvent(editor, { capacity: 10 });
    const member = await bearer(database.db, 'member');
    expect((await api('POST', '/api/v1/events', member, LEARNING_DAY)).statusCode).toBe(403);
    expect((await api('GET', `/api/v1/events/${id}/bookings`, member)).statusCode).toBe(403);
    await addPerson(database.db, { email: 'colleague@example.org', org: 'Telford', role: 'other' });
    expect((await api('POST', `/api/v1/events/${id}/bookings`, member, { email: 'colleague@example.org' })).statusCode).toBe(403);
    expect((await api('POST', `/api/v1/events/${id}/bookings`, editor, { email: 'colleague@example.org' })).statusCode).toBe(201);
  });

  it('refuses bookings before booking opens and after it closes', async () => {
    const editor = await bearer(database.db, 'editor');
    const notYet = await publishedEvent(editor, { bookingOpens: '2031-06-01T09:00:00+01:00', bookingCloses: null as unknown as string });
    const early = await api('POST', `/api/v1/events/${notYet}/bookings`, editor, { email: 'a@example.org', name: 'A' });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toContain('not opened');
    const closed = await publishedEvent(editor, {
      title: 'Closed',
      bookingCloses: '2021-01-01T09:00:00Z',
      bookingOpens: null as unknown as string,
    });
    const late = await api('POST', `/api/v1/events/${closed}/bookings`, editor, { email: 'a@example.org', name: 'A' });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain('closed');
  });
});
