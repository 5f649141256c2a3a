import { sql } from 'drizzle-orm';
import { hashToken } from '../auth/tokens.js';
import ical from 'node-ical';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPerson, TestClient, testBaton } from '../../../test/helpers/app.js';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import { eventsDeps } from './api.js';
import { book } from './bookings.js';
import * as repo from './repo.js';
import { createEvent, publishEvent, updateEvent } from './service.js';

let database: TestDatabase;
let baton: Baton;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database, { SIGN_IN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

// The May 2022 learning event from the bulletin, with one place so the second person waits.
const MAY_2022 = {
  title: 'Face-to-face learning event',
  summary: 'Suitable for team managers and group managers. Places are limited so book early.',
  audience: 'team managers and group managers',
  start: '2031-06-30T09:30:00+01:00',
  end: '2031-06-30T16:30:00+01:00',
  venue: { name: 'Fazeley Studios', room: 'Fazeley room', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
  travelNotes: 'Several local car parks, a short walk from New Street Station.',
  onlineUrl: 'https://teams.example.org/join/abc',
};

async function learningDay(capacity = 1) {
  const { id, slug } = await createEvent(database.db, editor, { ...MAY_2022, capacity });
  await publishEvent(database.db, editor, id);
  return { id, slug };
}

async function signedIn(email: string) {
  await addPerson(database.db, { email, name: email.split('@')[0], role: 'other' });
  const client = new TestClient(baton.app, database.db);
  await client.signIn(email);
  return client;
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('event pages', () => {
  it('lists the event with its places, and shows its details with a sign-in link to the public and no joining link', async () => {
    const { slug } = await learningDay(2);
    const visitor = new TestClient(baton.app, database.db);
    const list = await visitor.get('/events');
    expect(list.statusCode).toBe(200);
    expect(text(list.body)).toContain('Face-to-face learning event');
    expect(text(list.body)).toContain('Monday 30 June 2031, 9:30am');
    expect(text(list.body)).toContain('2 places left');
    const page = await visitor.get(`/events/${slug}`);
    expect(text(page.body)).toContain('Monday 30 June 2031, 9:30am to 4:30pm');
    expect(text(page.body)).toContain('Fazeley room, Fazeley Studios, 191 Fazeley Street, Birmingham, B5 5SE');
    expect(text(page.body)).toContain('Sign in to book a place');
    expect(page.body).not.toContain('teams.example.org');
    expect((await visitor.get('/events/no-such-event')).statusCode).toBe(404);
  });

  it('books a place from the event page, then the waiting list, and shows each in the account', async () => {
    const { id, slug } = await learningDay(1);
    const first = await signedIn('first@example.org');
    const booked = await first.post(`/events/${slug}/book`);
    expect(booked.statusCode).toBe(303);
    expect(booked.headers.location).toBe(`/events/${slug}`);
    const after = await first.get(`/events/${slug}`);
    expect(text(after.body)).toContain('You have a place at Face-to-face learning event');
    expect(after.body).toContain('https://teams.example.org/join/abc'); // confirmed: the joining link is shown
    expect(text(after.body)).toContain('Full');

    const second = await signedIn('second@example.org');
    const page = await second.get(`/events/${slug}`);
    expect(text(page.body)).toContain('Join the waiting list');
    await second.post(`/events/${slug}/book`);
    const waiting = await second.get(`/events/${slug}`);
    expect(text(waiting.body)).toContain('you are on the waiting list');
    expect(waiting.body).not.toContain('teams.example.org');
    const account = await second.get('/account/bookings');
    expect(text(account.body)).toContain('Face-to-face learning event');
    expect(text(account.body)).toContain('On the waiting list');

    // Pressing Book again is refused with a message, and books nothing.
    const again = await first.post(`/events/${slug}/book`);
    expect(again.statusCode).toBe(409);
    expect(text(again.body)).toContain('already has a booking');
    expect((await repo.bookingsOf(database.db, id)).map((b) => b.status)).toEqual(['confirmed', 'waitlisted']);
  });

  it('cancels only on a POST from the booking link (a GET changes nothing), and offers the place on; the offer is accepted from its page', async () => {
    const { id } = await learningDay(1);
    const deps = eventsDeps(baton.ctx);
    const a = await book(deps, database.db, editor, id, { email: 'a@example.org', name: 'Ann A' });
    const b = await book(deps, database.db, editor, id, { email: 'b@example.org', name: 'Bo B' });
    const visitor = new TestClient(baton.app, database.db);

    const shown = await visitor.get(`/bookings/${a.booking.token}`);
    expect(shown.statusCode).toBe(200);
    expect(text(shown.body)).toContain('You have a place');
    expect(text(shown.body)).toContain('Cancel my place');
    expect((await repo.getBooking(database.db, a.booking.id))!.status).toBe('confirmed'); // a mail scanner's GET cancels nothing

    const cancelled = await visitor.post(`/bookings/${a.booking.token}/cancel`);
    expect(cancelled.statusCode).toBe(303);
    expect(text((await visitor.get(`/bookings/${a.booking.token}`)).body)).toContain(
      'Your place at Face-to-face learning event is cancelled',
    );
    expect((await repo.getBooking(database.db, b.booking.id))!.status).toBe('offered');

    const offer = await visitor.get(`/bookings/${b.booking.token}`);
    expect(text(offer.body)).toContain('Accept the place');
    expect((await visitor.post(`/bookings/${b.booking.token}/accept`)).statusCode).toBe(303);
    expect((await repo.getBooking(database.db, b.booking.id))!.status).toBe('confirmed');
    // An offer already taken cannot be declined; a made-up link finds nothing.
    expect((await visitor.post(`/bookings/${b.booking.token}/decline`)).statusCode).toBe(409);
    expect((await visitor.get('/bookings/not-a-real-token')).statusCode).toBe(404);
    expect((await visitor.post('/bookings/not-a-real-token/cancel')).statusCode).toBe(404);
  });

  it('serves the public the event page from the page cache, and a booking or a change through this process empties it', async () => {
    const { id, slug } = await learningDay(2);
    const visitor = new TestClient(baton.app, database.db);
    expect((await visitor.get(`/events/${slug}`)).headers['x-cache']).toBe('miss');
    const hit = await visitor.get(`/events/${slug}`);
    expect(hit.headers['x-cache']).toBe('hit');
    expect((await visitor.get(`/events/${slug}?bust=1`)).headers['x-cache']).toBe('hit'); // a query string is not a new page
    expect(text(hit.body)).toContain('2 of 2 left');

    const person = await signedIn('booker@example.org');
    // Signed-in people always get their own page (with their booking and the notice), never the public's copy.
    expect((await person.get(`/events/${slug}`)).headers['x-cache']).toBe('miss');
    await person.post(`/events/${slug}/book`);
    const after = await visitor.get(`/events/${slug}`);
    expect(after.headers['x-cache']).toBe('miss');
    expect(text(after.body)).toContain('1 of 2 left');

    // Someone signed out who has just given feedback sees their thank-you on the event page, not the cached copy.
    const guest = await book(eventsDeps(baton.ctx), database.db, editor, id, { email: 'guest@example.org', name: 'Gail Guest' });
    await repo.updateEvent(database.db, id, { startsAt: new Date('2025-06-30T08:30:00Z'), endsAt: new Date('2025-06-30T15:30:00Z') });
    const reader = new TestClient(baton.app, database.db);
    expect((await reader.post(`/bookings/${guest.booking.token}/feedback`, { rating: '5' })).headers.location).toBe(`/events/${slug}`);
    const thanked = await reader.get(`/events/${slug}`);
    expect(text(thanked.body)).toContain('Thank you for your feedback');
    expect(text((await visitor.get(`/events/${slug}`)).body)).not.toContain('Thank you for your feedback'); // and nobody else does

    await updateEvent(eventsDeps(baton.ctx), database.db, editor, id, {
      ...MAY_2022,
      title: 'Face-to-face learning event (moved)',
      capacity: 2,
    });
    expect(text((await visitor.get(`/events/${slug}`)).body)).toContain('Face-to-face learning event (moved)');
  });

  it("lets a director book colleagues of their own organisation from the event page, and no one else's", async () => {
    const { id, slug } = await learningDay(1);
    await addPerson(database.db, { email: 'tess@telford.example', name: 'Tess Manager', org: 'Telford', role: 'team-manager' });
    await addPerson(database.db, { email: 'theo@telford.example', name: 'Theo Worker', org: 'Telford', role: 'other' });
    await addPerson(database.db, { email: 'wendy@worcs.example', name: 'Wendy Worcs', org: 'Worcestershire', role: 'other' });
    await addPerson(database.db, { email: 'dcs@telford.example', name: 'Dana Director', org: 'Telford', accessRole: 'director' });
    const director = new TestClient(baton.app, database.db);
    await director.signIn('dcs@telford.example');

    const page = await director.get(`/events/${slug}`);
    expect(text(page.body)).toContain('Book for a colleague');
    expect(page.body).toContain('<option value="tess@telford.example">Tess Manager</option>');
    expect(page.body).not.toContain('wendy@worcs.example'); // only their own organisation's people

    const booked = await director.post(`/events/${slug}/book-for`, { email: 'tess@telford.example' });
    expect(booked.statusCode).toBe(303);
    const shown = text((await director.get(`/events/${slug}`)).body);
    expect(shown).toContain('Tess Manager has a place at Face-to-face learning event');
    await director.post(`/events/${slug}/book-for`, { email: 'theo@telford.example' });
    expect((await repo.bookingsOf(database.db, id)).map((b) => [b.name, b.status, b.bookedBy])).toEqual([
      ['Tess Manager', 'confirmed', 'Dana Director <dcs@telford.example>'],
      ['Theo Worker', 'waitlisted', 'Dana Director <dcs@telford.example>'],
    ]);
    expect(text((await director.get(`/events/${slug}`)).body)).toContain(
      'Already booked from your organisation: Tess Manager, Theo Worker.',
    );

    // Another council's person, by a hand-made request, is refused and nothing is booked.
    expect((await director.post(`/events/${slug}/book-for`, { email: 'wendy@worcs.example' })).statusCode).toBe(403);
    expect((await director.post(`/events/${slug}/book-for`, { email: '' })).statusCode).toBe(400);
    expect(await repo.bookingsOf(database.db, id)).toHaveLength(2);
    // A member who is not a director sees no such form and cannot use it.
    const member = new TestClient(baton.app, database.db);
    await member.signIn('theo@telford.example');
    expect(text((await member.get(`/events/${slug}`)).body)).not.toContain('Book for a colleague');
    expect((await member.post(`/events/${slug}/book-for`, { email: 'tess@telford.example' })).statusCode).toBe(403);
  });

  it('gives a person a private calendar feed of their places, read by an iCalendar parser, that a new address or stopping ends', async () => {
    const { slug } = await learningDay(1);
    const other = await learningDay(0);
    const person = await signedIn('feed@example.org');
    await person.post(`/events/${slug}/book`);
    await person.post(`/events/${other.slug}/book`); // full: on the waiting list, so not in the feed

    const made = await person.post('/account/bookings/calendar-feed');
    expect(made.statusCode).toBe(303);
    const banner = text((await person.get('/account/bookings')).body);
    const address = /Your calendar address is (http\S+)/.exec(banner)?.[1];
    expect(address).toMatch(/^http:\/\/localhost:\d+\/calendar\/cal_[\w-]+\/events\.ics$/);
    const feedPath = new URL(address!).pathname;
    const visitor = new TestClient(baton.app, database.db);
    const feed = await visitor.get(feedPath);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    const entries = Object.values(ical.sync.parseICS(feed.body)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    expect(entries.map((e) => e.summary)).toEqual(['Face-to-face learning event']);
    const [mine] = await repo.bookingsOfEmail(database.db, 'feed@example.org');
    expect(entries[0]!.uid).toBe(`event-booking-${mine!.booking.id}@localhost`); // the invitation's UID, so calendars keep one entry
    expect(String(entries[0]!.location)).toContain('https://teams.example.org/join/abc'); // a confirmed place sees the joining link
    const stored = await database.query<{ token_hash: string }>(sql`SELECT token_hash FROM event_calendar_feeds`);
    expect(stored.map((r) => r.token_hash)).toEqual([hashToken(feedPath.split('/')[2]!)]); // only the secret's hash is kept

    await person.post('/account/bookings/calendar-feed'); // a new address stops the old one
    expect((await visitor.get(feedPath)).statusCode).toBe(404);
    const second = new URL(/Your calendar address is (http\S+)/.exec(text((await person.get('/account/bookings')).body))![1]!).pathname;
    expect((await visitor.get(second)).statusCode).toBe(200);
    await person.post('/account/bookings/calendar-feed/stop');
    expect((await visitor.get(second)).statusCode).toBe(404);
    expect(text((await person.get('/account/bookings')).body)).toContain('Make my calendar address');
  });

  it('says when booking has closed, and offers no Book button', async () => {
    const { slug } = await learningDay(5);
    await repo.updateEvent(database.db, (await repo.getEventBySlug(database.db, slug))!.id, {
      bookingCloses: new Date('2020-01-01T00:00:00Z'),
    });
    const person = await signedIn('late@example.org');
    const page = await person.get(`/events/${slug}`);
    expect(text(page.body)).toContain('Booking for this event has closed');
    expect(text(page.body)).not.toContain('Book a place');
    expect((await person.post(`/events/${slug}/book`)).statusCode).toBe(409);
  });

  it('offers the public feed and an "Add to calendar" file, read back by an iCalendar parser, with no joining link', async () => {
    const { slug } = await learningDay(5);
    const draft = await createEvent(database.db, editor, {
      title: 'Not yet announced',
      start: '2031-07-01T10:00:00+01:00',
      end: '2031-07-01T12:00:00+01:00',
    });
    const visitor = new TestClient(baton.app, database.db);
    const feed = await visitor.get('/events/feed.ics');
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    const entries = Object.values(ical.sync.parseICS(feed.body)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    expect(entries.map((e) => e.summary)).toEqual(['Face-to-face learning event']); // the draft is not in it
    expect(entries[0]!.start.toISOString()).toBe('2031-06-30T08:30:00.000Z');
    expect(String(entries[0]!.location)).toContain('191 Fazeley Street, Birmingham, B5 5SE');
    expect(feed.body).not.toContain('teams.example.org');

    const one = await visitor.get(`/events/${slug}/calendar.ics`);
    expect(one.headers['content-disposition']).toContain(`${slug}.ics`);
    const [event] = Object.values(ical.sync.parseICS(one.body)).filter((c) => c?.type === 'VEVENT') as ical.VEvent[];
    expect(event!.end!.toISOString()).toBe('2031-06-30T15:30:00.000Z');
    expect((await visitor.get(`/events/${draft.slug}/calendar.ics`)).statusCode).toBe(404);
  });
});
