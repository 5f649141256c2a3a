import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPerson, TestClient, testBaton } from '../../../test/helpers/app.js';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import type { Baton } from '../../server.js';
import * as repo from './repo.js';
import { systemActor } from '../../platform/actor.js';
import { createList, upsertSubscribers } from '../mailing/subscriptions.js';
import { listMemberOrganisations } from '../directory/service.js';

let database: TestDatabase;
let baton: Baton;
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database, { SIGN_IN_RATE_LIMIT: '1000' });
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

// The learning event of the May 2022 bulletin, as an editor types it (UK times, across no clock change).
const FORM = {
  title: 'Face-to-face learning event',
  summary: 'Places are limited so book early.',
  audience: 'team managers and group managers',
  start: '2031-06-30T09:30',
  end: '2031-06-30T16:30',
  venueName: 'Fazeley Studios',
  venueRoom: 'Fazeley room',
  venueAddress: '191 Fazeley Street, Birmingham',
  venuePostcode: 'B5 5SE',
  travelNotes: 'Several local car parks, a short walk from New Street Station.',
  capacity: '2',
  offerHours: '48',
};

async function editor() {
  await addPerson(database.db, { email: 'team@example.org', accessRole: 'editor', role: 'regional-team', name: 'Ana Davies' });
  const client = new TestClient(baton.app, database.db);
  await client.signIn('team@example.org');
  return client;
}

describe("editors' event pages", () => {
  it('re-render the form with the problems in words and the values typed, and add nothing', async () => {
    const team = await editor();
    const res = await team.post('/admin/events/new', { ...FORM, title: '', end: '2031-06-30T08:00', venuePostcode: '' });
    expect(res.statusCode).toBe(400);
    const body = text(res.body);
    expect(body).toContain('There is a problem');
    expect(body).toContain('Enter a title');
    expect(body).toContain('The end must be after the start');
    expect(body).toContain('Enter the postcode');
    expect(res.body).toContain('href="#venuePostcode"');
    expect(res.body).toContain('value="Fazeley Studios"');
    expect(await repo.listEvents(database.db)).toEqual([]);
  });

  it('add the event as a draft in UK time, publish it, list its bookings as CSV, and cancel it after a confirm step', async () => {
    const team = await editor();
    const created = await team.post('/admin/events/new', FORM);
    expect(created.statusCode).toBe(303);
    const [event] = await repo.listEvents(database.db);
    expect(event!.startsAt.toISOString()).toBe('2031-06-30T08:30:00.000Z'); // 9.30 in British Summer Time
    expect(event!.status).toBe('draft');
    expect(created.headers.location).toBe(`/admin/events/${event!.id}`);

    const page = await team.get(`/admin/events/${event!.id}`);
    expect(text(page.body)).toContain('Added the draft event Face-to-face learning event');
    expect((await team.post(`/admin/events/${event!.id}/publish`)).statusCode).toBe(303);
    expect((await repo.getEvent(database.db, event!.id))!.status).toBe('published');

    const member = new TestClient(baton.app, database.db);
    await addPerson(database.db, { email: 'tm@example.org', name: 'Tess Manager', role: 'other', org: 'Telford' });
    await member.signIn('tm@example.org');
    await member.post(`/events/${event!.slug}/book`);
    const csv = await team.get(`/admin/events/${event!.id}/bookings.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.Name, r.Email, r.Organisation, r.Status])).toEqual([
      ['Tess Manager', 'tm@example.org', 'Telford', 'confirmed'],
    ]);

    const confirm = await team.get(`/admin/events/${event!.id}/cancel`);
    expect(text(confirm.body)).toContain('This cannot be undone. 1 person is emailed a calendar cancellation');
    expect((await repo.getEvent(database.db, event!.id))!.status).toBe('published'); // the confirm page changes nothing
    expect((await team.post(`/admin/events/${event!.id}/cancel`, { reason: 'The venue is closed' })).statusCode).toBe(303);
    expect((await repo.getEvent(database.db, event!.id))!.status).toBe('cancelled');
    expect((await repo.bookingsOf(database.db, event!.id)).map((b) => [b.status, b.reason])).toEqual([
      ['cancelled', 'The venue is closed'],
    ]);
    expect((await team.post(`/admin/events/${event!.id}/no-such-action`)).statusCode).toBe(404);
  });

  it('check people in on the day, one button each, and undo it; only confirmed places of this event', async () => {
    const team = await editor();
    await team.post('/admin/events/new', { ...FORM, capacity: '1' });
    const [event] = await repo.listEvents(database.db);
    await team.post(`/admin/events/${event!.id}/publish`);
    for (const who of ['one', 'two']) {
      const person = new TestClient(baton.app, database.db);
      await addPerson(database.db, { email: `${who}@example.org`, name: `Person ${who}`, role: 'other' });
      await person.signIn(`${who}@example.org`);
      await person.post(`/events/${event!.slug}/book`);
    }
    const [placed, waiting] = await repo.bookingsOf(database.db, event!.id);
    expect(text((await team.get(`/admin/events/${event!.id}/checkin`)).body)).toContain('0 of 1 arrived');
    const arrived = await team.post(`/admin/events/${event!.id}/checkin`, { booking: String(placed!.id), arrived: 'yes' });
    expect(arrived.headers.location).toBe(`/admin/events/${event!.id}/checkin#booking-${placed!.id}`);
    expect((await repo.getBooking(database.db, placed!.id))!.checkedInAt).toBeInstanceOf(Date);
    const sheet = text((await team.get(`/admin/events/${event!.id}/checkin`)).body);
    expect(sheet).toContain('Person one has arrived');
    expect(sheet).toContain('1 of 1 arrived');
    expect(sheet).not.toContain('Person two'); // the waiting list is not at the door
    await team.post(`/admin/events/${event!.id}/checkin`, { booking: String(placed!.id), arrived: 'no' });
    expect((await repo.getBooking(database.db, placed!.id))!.checkedInAt).toBeNull();
    expect((await team.post(`/admin/events/${event!.id}/checkin`, { booking: String(waiting!.id), arrived: 'yes' })).statusCode).toBe(409);
    expect((await team.post(`/admin/events/${event!.id}/checkin`, { booking: '999999', arrived: 'yes' })).statusCode).toBe(404);
    // Another event's page cannot check in this event's people.
    const other = await team.post('/admin/events/new', { ...FORM, title: 'Another event' });
    const otherId = Number(String(other.headers.location).split('/').pop());
    expect((await team.post(`/admin/events/${otherId}/checkin`, { booking: String(placed!.id), arrived: 'yes' })).statusCode).toBe(404);
  });

  it('show the bar of places and who has a place by organisation and job role; after the event, the no-shows (also in the CSV)', async () => {
    const team = await editor();
    await team.post('/admin/events/new', { ...FORM, capacity: '4' });
    const [event] = await repo.listEvents(database.db);
    await team.post(`/admin/events/${event!.id}/publish`);
    const people = [
      { email: 'tm1@example.org', name: 'Tess One', org: 'Telford', role: 'team-manager' },
      { email: 'tm2@example.org', name: 'Theo Two', org: 'Telford', role: 'team-manager' },
      { email: 'dcs@example.org', name: 'Dana Director', org: 'Worcestershire', role: 'director' },
    ] as const;
    for (const p of people) {
      await addPerson(database.db, p);
      const client = new TestClient(baton.app, database.db);
      await client.signIn(p.email);
      await client.post(`/events/${event!.slug}/book`);
    }
    const tess = (await repo.bookingsOf(database.db, event!.id))[0]!;
    await team.post(`/admin/events/${event!.id}/checkin`, { booking: String(tess.id), arrived: 'yes' });

    const before = await team.get(`/admin/events/${event!.id}`);
    const body = text(before.body);
    expect(body).toContain('3 taken, 0 offered, 1 free of 4 places; 0 waiting.');
    expect(before.body).toMatch(/class="baton-places__confirmed" x="0" y="0" width="75"/);
    expect(body).toMatch(/By organisation Organisation Places Arrived Telford 2 1 Worcestershire 1 0/);
    expect(body).toMatch(/By job role Job role Places Arrived Team manager 2 1 Director \(DCS\) or trust chief executive 1 0/);
    expect(body).not.toContain('no-show');

    // The day has been: the two who did not arrive are no-shows.
    await repo.updateEvent(database.db, event!.id, {
      startsAt: new Date('2025-06-30T08:30:00Z'),
      endsAt: new Date('2025-06-30T15:30:00Z'),
    });
    const after = text((await team.get(`/admin/events/${event!.id}`)).body);
    expect(after).toContain('1 arrived, 2 no-shows.');
    expect(after).toMatch(/Organisation Places Arrived No-shows Telford 2 1 1 Worcestershire 1 0 1/);
    const csv = parse((await team.get(`/admin/events/${event!.id}/bookings.csv`)).body.replace(/^\uFEFF/, ''), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(csv.map((r) => [r.Name, r['Job role'], r.Arrived])).toEqual([
      ['Tess One', 'Team manager', 'yes'],
      ['Theo Two', 'Team manager', 'no-show'],
      ['Dana Director', 'Director (DCS) or trust chief executive', 'no-show'],
    ]);
  });

  it("cancel one person's place after a confirm page, with the reason, and offer it to the next person waiting", async () => {
    const team = await editor();
    await team.post('/admin/events/new', { ...FORM, capacity: '1' });
    const [event] = await repo.listEvents(database.db);
    await team.post(`/admin/events/${event!.id}/publish`);
    for (const who of ['first', 'next']) {
      const person = new TestClient(baton.app, database.db);
      await addPerson(database.db, { email: `${who}@example.org`, name: `Person ${who}`, role: 'other' });
      await person.signIn(`${who}@example.org`);
      await person.post(`/events/${event!.slug}/book`);
    }
    const [first, next] = await repo.bookingsOf(database.db, event!.id);
    const confirm = await team.get(`/admin/events/${event!.id}/cancel-booking?booking=${first!.id}`);
    expect(text(confirm.body)).toContain('Cancel the booking of Person first?');
    expect((await repo.getBooking(database.db, first!.id))!.status).toBe('confirmed'); // the confirm page changes nothing
    const done = await team.post(`/admin/events/${event!.id}/cancel-booking`, {
      booking: String(first!.id),
      reason: 'Asked by their manager',
    });
    expect(done.statusCode).toBe(303);
    expect(await repo.getBooking(database.db, first!.id)).toMatchObject({ status: 'cancelled', reason: 'Asked by their manager' });
    expect((await repo.getBooking(database.db, next!.id))!.status).toBe('offered');
    // A booking of another event is not this event's to cancel.
    const other = await team.post('/admin/events/new', { ...FORM, title: 'Another event' });
    const otherId = Number(String(other.headers.location).split('/').pop());
    expect((await team.post(`/admin/events/${otherId}/cancel-booking`, { booking: String(next!.id) })).statusCode).toBe(404);
    expect((await team.get(`/admin/events/${otherId}/cancel-booking?booking=${next!.id}`)).statusCode).toBe(404);
    expect((await team.get(`/admin/events/${otherId}/cancel-booking?booking=abc`)).statusCode).toBe(404);
  });

  it('change the details from a form that shows them in UK time; a moved time updates everyone with a place; bad input changes nothing', async () => {
    const team = await editor();
    await team.post('/admin/events/new', FORM);
    const [event] = await repo.listEvents(database.db);
    await team.post(`/admin/events/${event!.id}/publish`);
    const member = new TestClient(baton.app, database.db);
    await addPerson(database.db, { email: 'tm@example.org', name: 'Tess Manager', role: 'other' });
    await member.signIn('tm@example.org');
    await member.post(`/events/${event!.slug}/book`);

    const form = await team.get(`/admin/events/${event!.id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="2031-06-30T09:30"'); // 08:30 UTC shown as 9.30 in London
    expect(form.body).toContain('value="Fazeley Studios"');
    expect(text(form.body)).toContain('Everyone with a place is sent an updated calendar invitation');

    const bad = await team.post(`/admin/events/${event!.id}/edit`, { ...FORM, start: 'next Tuesday' });
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain('Enter the start as a date and time');
    expect((await repo.getEvent(database.db, event!.id))!.startsAt.toISOString()).toBe('2031-06-30T08:30:00.000Z');

    // Moved into the winter: 10:00 in London is then 10:00 UTC.
    const saved = await team.post(`/admin/events/${event!.id}/edit`, {
      ...FORM,
      start: '2031-11-06T10:00',
      end: '2031-11-06T15:00',
      capacity: '3',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/admin/events/${event!.id}`);
    const after = (await repo.getEvent(database.db, event!.id))!;
    expect([after.startsAt.toISOString(), after.capacity]).toEqual(['2031-11-06T10:00:00.000Z', 3]);
    expect(text((await team.get(`/admin/events/${event!.id}`)).body)).toContain('Saved the changes to Face-to-face learning event');
    const [booking] = await repo.bookingsOf(database.db, event!.id);
    expect(booking!.sequence).toBe(1); // the updated invitation carries a higher SEQUENCE

    await team.post(`/admin/events/${event!.id}/cancel`, { reason: 'Venue closed' });
    expect((await team.post(`/admin/events/${event!.id}/edit`, FORM)).statusCode).toBe(409);
  });

  it('move someone up the waiting list after a confirm page that asks why; they are offered the next place first', async () => {
    const team = await editor();
    await team.post('/admin/events/new', { ...FORM, capacity: '1' });
    const [event] = await repo.listEvents(database.db);
    await team.post(`/admin/events/${event!.id}/publish`);
    for (const who of ['placed', 'early', 'late']) {
      const person = new TestClient(baton.app, database.db);
      await addPerson(database.db, { email: `${who}@example.org`, name: `Person ${who}`, role: 'other' });
      await person.signIn(`${who}@example.org`);
      await person.post(`/events/${event!.slug}/book`);
    }
    const [placed, early, late] = await repo.bookingsOf(database.db, event!.id);
    const confirm = await team.get(`/admin/events/${event!.id}/move-up?booking=${late!.id}`);
    expect(text(confirm.body)).toContain('Move Person late to the front of the waiting list?');
    expect((await repo.getBooking(database.db, late!.id))!.movedUpAt).toBeNull(); // the confirm page changes nothing

    const noReason = await team.post(`/admin/events/${event!.id}/move-up`, { booking: String(late!.id), reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(text(noReason.body)).toContain('Say why this person goes first');
    expect(noReason.body).toContain('href="#reason"');
    expect((await repo.getBooking(database.db, late!.id))!.movedUpAt).toBeNull();

    const moved = await team.post(`/admin/events/${event!.id}/move-up`, {
      booking: String(late!.id),
      reason: 'New team manager, asked by the director',
    });
    expect(moved.statusCode).toBe(303);
    expect(text((await team.get(`/admin/events/${event!.id}`)).body)).toContain('moved up: New team manager, asked by the director');
    // The place that frees up goes to the person moved up, not to the one who joined the list first.
    await team.post(`/admin/events/${event!.id}/cancel-booking`, { booking: String(placed!.id) });
    expect((await repo.getBooking(database.db, late!.id))!.status).toBe('offered');
    expect((await repo.getBooking(database.db, early!.id))!.status).toBe('waitlisted');
    // Only someone waiting can be moved up.
    expect((await team.post(`/admin/events/${event!.id}/move-up`, { booking: String(late!.id), reason: 'again' })).statusCode).toBe(409);
  });

  it('ask the questions the editor chose at booking, and show the answers beside each person and in the CSV', async () => {
    const team = await editor();
    const bad = await team.post('/admin/events/new', { ...FORM, extraQuestions: `${'x'.repeat(201)}` });
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain('Write each question on one line of at most 200 characters');
    expect(bad.body).toContain('href="#extraQuestions"');
    await team.post('/admin/events/new', {
      ...FORM,
      ask: ['dietary', 'access'],
      extraQuestions: 'Which workshop would you like?\r\n\r\nYour job title',
    });
    const [event] = await repo.listEvents(database.db);
    expect(event!.questions).toEqual(['Dietary needs', 'Access needs', 'Which workshop would you like?', 'Your job title']);
    const form = await team.get(`/admin/events/${event!.id}/edit`);
    expect(form.body).toMatch(/value="dietary" checked/);
    expect(form.body).toContain('Which workshop would you like?\nYour job title</textarea>');
    await team.post(`/admin/events/${event!.id}/publish`);

    const member = new TestClient(baton.app, database.db);
    await addPerson(database.db, { email: 'tm@example.org', name: 'Tess Manager', role: 'other', org: 'Telford' });
    await member.signIn('tm@example.org');
    const page = await member.get(`/events/${event!.slug}`);
    expect(text(page.body)).toContain('Before you book');
    expect(page.body).toContain('<label class="govuk-label govuk-label--s" for="answer-1">');
    await member.post(`/events/${event!.slug}/book`, {
      'answer-0': 'Vegetarian',
      'answer-1': '',
      'answer-2': 'Workshop B',
      'answer-9': 'not a question',
    });
    const [booking] = await repo.bookingsOf(database.db, event!.id);
    expect(booking!.answers).toEqual({ 'Dietary needs': 'Vegetarian', 'Which workshop would you like?': 'Workshop B' });
    expect(text((await team.get(`/admin/events/${event!.id}`)).body)).toContain('Dietary needs: Vegetarian');
    const csv = parse((await team.get(`/admin/events/${event!.id}/bookings.csv`)).body.replace(/^\uFEFF/, ''), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(csv[0]!.Answers).toBe('Dietary needs: Vegetarian\nWhich workshop would you like?: Workshop B');
  });

  it('limit booking to members of chosen mailing lists or people of chosen organisations, and say so on the event page', async () => {
    const team = await editor();
    const dcsList = await createList(database.db, systemActor(), { name: 'Directors list' });
    await createList(database.db, systemActor(), { name: 'Everyone else' });
    await upsertSubscribers(database.db, systemActor(), { lists: ['Directors list'], subscribers: [{ email: 'onlist@example.org' }] });
    await addPerson(database.db, { email: 'onlist@example.org', name: 'On List', org: 'Telford', role: 'other' });
    await addPerson(database.db, { email: 'offlist@example.org', name: 'Off List', org: 'Walsall', role: 'other' });

    const missing = await team.post('/admin/events/new', { ...FORM, whoMayBook: 'lists' });
    expect(missing.statusCode).toBe(400);
    expect(text(missing.body)).toContain('Choose the mailing lists whose members may book');
    expect(missing.body).toContain('href="#bookingLists"');
    await team.post('/admin/events/new', { ...FORM, whoMayBook: 'lists', bookingLists: [String(dcsList.id)] });
    const [event] = await repo.listEvents(database.db);
    expect([event!.whoMayBook, event!.bookingLists]).toEqual(['lists', [dcsList.id]]);
    expect((await team.get(`/admin/events/${event!.id}/edit`)).body).toMatch(new RegExp(`value="${dcsList.id}" checked`));
    await team.post(`/admin/events/${event!.id}/publish`);

    const on = new TestClient(baton.app, database.db);
    await on.signIn('onlist@example.org');
    const off = new TestClient(baton.app, database.db);
    await off.signIn('offlist@example.org');
    expect(text((await off.get(`/events/${event!.slug}`)).body)).toContain('Who can book: Members of Directors list.');
    expect(text((await off.get(`/events/${event!.slug}`)).body)).toContain('you cannot book it yourself');
    expect((await off.post(`/events/${event!.slug}/book`)).statusCode).toBe(409);
    expect((await on.post(`/events/${event!.slug}/book`)).statusCode).toBe(303);
    expect((await repo.bookingsOf(database.db, event!.id)).map((b) => b.email)).toEqual(['onlist@example.org']);

    // Limited to Walsall instead: the person on the list but of Telford is now the one refused.
    const walsall = (await listMemberOrganisations(database.db)).find((o) => o.name === 'Walsall')!;
    await team.post(`/admin/events/${event!.id}/edit`, {
      ...FORM,
      whoMayBook: 'organisations',
      bookingOrganisations: [String(walsall.id)],
    });
    expect((await repo.getEvent(database.db, event!.id))!.bookingLists).toEqual([]);
    expect(text((await on.get(`/events/${event!.slug}`)).body)).toContain('Who can book: People of Walsall.');
    expect((await off.post(`/events/${event!.slug}/book`)).statusCode).toBe(303);
  });

  it('are for editors only', async () => {
    await addPerson(database.db, { email: 'dir@example.org', name: 'A Director', org: 'Telford' });
    const director = new TestClient(baton.app, database.db);
    await director.signIn('dir@example.org');
    expect((await director.get('/admin/events')).statusCode).toBe(403);
    expect((await director.post('/admin/events/new', FORM)).statusCode).toBe(403);
    expect(await repo.listEvents(database.db)).toEqual([]);
  });
});
