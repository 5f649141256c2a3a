import { sql } from 'drizzle-orm';
import { simpleParser, type ParsedMail } from 'mailparser';
import ical from 'node-ical';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPerson, TestClient, testBaton, testConfig } from '../../../test/helpers/app.js';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { startSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { createScheduler, runJobsOnce } from '../../jobs.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import { eventsDeps } from './api.js';
import { book } from './bookings.js';
import { eventFeedback } from './day.js';
import { acceptOffer, cancelBooking, declineOffer } from './offers.js';
import * as repo from './repo.js';
import { cancelEvent, createEvent, publishEvent, updateEvent, type EventsDeps } from './service.js';
import type { EventFields } from './validation.js';

let database: TestDatabase;
let smtp: TestSmtp;
let baton: Baton;
let deps: EventsDeps;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  smtp = await startSmtp();
  baton = await testBaton(database, { SMTP_URL: smtp.url });
  deps = eventsDeps(baton.ctx);
});
afterAll(async () => {
  await baton.close();
  await smtp.close();
  await database.close();
});
beforeEach(async () => {
  await database.reset();
  smtp.received.length = 0;
});

// Saturday 25 October 2031 is the last day of British Summer Time; the clocks go back on Sunday 26 October.
const BEFORE_CHANGE: EventFields = {
  title: 'Regional networking day',
  summary: 'Our yearly networking day',
  start: '2031-10-25T10:00',
  end: '2031-10-25T15:00',
  venue: { name: 'Fazeley Studios', room: 'Fazeley room', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
  travelNotes: 'Several local car parks, a short walk from New Street Station',
  capacity: 1,
};

async function newEvent(fields: Partial<EventFields> = {}) {
  const { id } = await createEvent(database.db, editor, { ...BEFORE_CHANGE, ...fields });
  await publishEvent(database.db, editor, id);
  return id;
}

async function delivered(): Promise<ParsedMail[]> {
  await baton.ctx.mailer.deliverDue();
  return Promise.all(smtp.received.map((m) => simpleParser(m.raw)));
}

const to = (m: ParsedMail) => (m.to as { text: string }).text;

function calendarOf(m: ParsedMail) {
  const part = m.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  if (!part) return null;
  const parsed = ical.sync.parseICS(part.content.toString('utf8'));
  const event = Object.values(parsed).find((c) => c?.type === 'VEVENT') as ical.VEvent;
  return { method: (parsed.vcalendar as unknown as { method: string }).method, event };
}

const outboxSubjects = async () =>
  (await database.query<{ subject: string }>(sql`SELECT subject FROM mail_messages ORDER BY id`)).map((r) => r.subject);

describe('calendar invitations', () => {
  it('sends a REQUEST on booking, an update with the same UID and a higher SEQUENCE when the time moves across the clock change, and a CANCEL', async () => {
    const id = await newEvent();
    await addPerson(database.db, { email: 'tina@example.org', name: 'Tina Russell', org: 'Worcestershire', role: 'other' });
    const { booking } = await book(deps, database.db, editor, id, { email: 'tina@example.org' });

    // Moved to Monday 27 October, after the clocks have gone back: 10:00 in London is now 10:00 UTC, not 09:00.
    await updateEvent(deps, database.db, editor, id, { ...BEFORE_CHANGE, start: '2031-10-27T10:00', end: '2031-10-27T15:00' });
    await cancelBooking(deps, database.db, { token: booking.token }, booking.id);

    // The outbox delivers in parallel, so the order of arrival is not the order of queueing: put them in SEQUENCE order,
    // which pairs each subject with its SEQUENCE (the invitation 0, the update 1, the cancellation 2).
    const seq = (m: ParsedMail) => Number(calendarOf(m)?.event.sequence ?? -1);
    const mails = (await delivered()).filter((m) => to(m).includes('tina@example.org')).sort((a, b) => seq(a) - seq(b));
    const [invite, update, cancel] = mails.map(calendarOf);
    expect(mails.map((m) => m.subject)).toEqual([
      'Your place is booked: Regional networking day',
      'Changed: Regional networking day',
      'Cancelled: Regional networking day',
    ]);
    expect(invite!.method).toBe('REQUEST');
    expect(invite!.event.start.toISOString()).toBe('2031-10-25T09:00:00.000Z');
    expect(invite!.event.end!.toISOString()).toBe('2031-10-25T14:00:00.000Z');
    expect(String(invite!.event.location)).toBe('Fazeley Studios, Fazeley room, 191 Fazeley Street, Birmingham, B5 5SE');
    expect(JSON.stringify(invite!.event.organizer)).toContain('mailto:');
    expect(JSON.stringify(invite!.event.attendee)).toContain('tina@example.org');

    expect(update!.method).toBe('REQUEST');
    expect(update!.event.uid).toBe(invite!.event.uid);
    expect(update!.event.start.toISOString()).toBe('2031-10-27T10:00:00.000Z');
    expect(Number(update!.event.sequence)).toBeGreaterThan(Number(invite!.event.sequence));

    expect(cancel!.method).toBe('CANCEL');
    expect(cancel!.event.uid).toBe(invite!.event.uid);
    expect(Number(cancel!.event.sequence)).toBeGreaterThan(Number(update!.event.sequence));
    expect(cancel!.event.status).toBe('CANCELLED');
    // The person's email also carries the link to their booking, where they can cancel.
    expect(mails[0]!.text).toContain(`/bookings/${booking.token}`);
  });

  it('gives everyone with a place a cancellation when the whole event is cancelled; the waiting list is told nothing it has to remove', async () => {
    const id = await newEvent({ capacity: 1 });
    await book(deps, database.db, editor, id, { email: 'one@example.org', name: 'One' });
    await book(deps, database.db, editor, id, { email: 'two@example.org', name: 'Two' });
    await cancelEvent(deps, database.db, editor, id, 'The venue is closed');
    const mails = await delivered();
    const cancels = mails.filter((m) => calendarOf(m)?.method === 'CANCEL');
    expect(cancels.map(to)).toEqual(['one@example.org']);
    expect(cancels[0]!.text).toContain('The venue is closed');
    const statuses = (await repo.bookingsOf(database.db, id)).map((b) => b.status);
    expect(statuses).toEqual(['cancelled', 'cancelled']);
  });
});

describe('the waiting list', () => {
  it('offers a freed place to the next person; an offer that expires passes on through the jobs; an accepted one is confirmed with an invitation', async () => {
    const id = await newEvent({ capacity: 1, offerHours: 48 });
    const { booking: first } = await book(deps, database.db, editor, id, { email: 'first@example.org', name: 'First' });
    const { booking: second, status } = await book(deps, database.db, editor, id, { email: 'second@example.org', name: 'Second' });
    const { booking: third } = await book(deps, database.db, editor, id, { email: 'third@example.org', name: 'Third' });
    expect(status).toBe('waitlisted');

    const cancelledAt = new Date('2031-10-01T09:00:00Z');
    await cancelBooking(deps, database.db, { token: first.token }, first.id, null, cancelledAt);
    let offered = (await repo.getBooking(database.db, second.id))!;
    expect(offered.status).toBe('offered');
    expect(offered.offerExpiresAt!.toISOString()).toBe('2031-10-03T09:00:00.000Z');

    // `baton jobs run --now` just before the hold ends changes nothing; just after, the offer passes to the next person.
    await runJobsOnce(database, testConfig({ SMTP_URL: smtp.url }), new Date('2031-10-03T08:59:00Z'), () => {});
    expect((await repo.getBooking(database.db, second.id))!.status).toBe('offered');
    await runJobsOnce(database, testConfig({ SMTP_URL: smtp.url }), new Date('2031-10-03T09:00:00Z'), () => {});
    expect((await repo.getBooking(database.db, second.id))!.status).toBe('expired');
    offered = (await repo.getBooking(database.db, third.id))!;
    expect(offered.status).toBe('offered');
    // Run again: nothing happens twice.
    await runJobsOnce(database, testConfig({ SMTP_URL: smtp.url }), new Date('2031-10-03T10:00:00Z'), () => {});

    await expect(acceptOffer(deps, database.db, second.token, new Date('2031-10-03T10:00:00Z'))).rejects.toThrow(/no longer open/);
    await acceptOffer(deps, database.db, third.token, new Date('2031-10-04T09:00:00Z'));
    expect((await repo.getBooking(database.db, third.id))!.status).toBe('confirmed');

    const mails = await delivered();
    const subjects = (email: string) => mails.filter((m) => to(m).includes(email)).map((m) => m.subject);
    expect(subjects('second@example.org')).toEqual([
      'On the waiting list: Regional networking day',
      'A place is free for you: Regional networking day',
      'Offer expired: Regional networking day',
    ]);
    expect(subjects('third@example.org')).toEqual([
      'On the waiting list: Regional networking day',
      'A place is free for you: Regional networking day',
      'Your place is booked: Regional networking day',
    ]);
    const confirmation = mails.filter((m) => to(m).includes('third@example.org')).at(-1)!;
    expect(calendarOf(confirmation)?.method).toBe('REQUEST');
  });

  it('passes a declined offer on, offers a raised capacity, and makes no offer once booking has closed', async () => {
    const id = await newEvent({ capacity: 1, bookingCloses: '2031-10-20T17:00' });
    const { booking: a } = await book(
      deps,
      database.db,
      editor,
      id,
      { email: 'a@example.org', name: 'A' },
      new Date('2031-10-01T09:00:00Z'),
    );
    const { booking: b } = await book(
      deps,
      database.db,
      editor,
      id,
      { email: 'b@example.org', name: 'B' },
      new Date('2031-10-01T09:00:00Z'),
    );
    const { booking: c } = await book(
      deps,
      database.db,
      editor,
      id,
      { email: 'c@example.org', name: 'C' },
      new Date('2031-10-01T09:00:00Z'),
    );
    const { booking: d } = await book(
      deps,
      database.db,
      editor,
      id,
      { email: 'd@example.org', name: 'D' },
      new Date('2031-10-01T09:00:00Z'),
    );

    await updateEvent(
      deps,
      database.db,
      editor,
      id,
      { ...BEFORE_CHANGE, capacity: 2, bookingCloses: '2031-10-20T17:00' },
      new Date('2031-10-02T09:00:00Z'),
    );
    expect((await repo.getBooking(database.db, b.id))!.status).toBe('offered');
    await declineOffer(deps, database.db, b.token, new Date('2031-10-02T10:00:00Z'));
    expect((await repo.getBooking(database.db, c.id))!.status).toBe('offered');

    // After booking closes, a cancellation frees a place but nobody is offered it.
    await cancelBooking(deps, database.db, { actor: editor }, a.id, 'Illness', new Date('2031-10-21T09:00:00Z'));
    expect((await repo.getBooking(database.db, d.id))!.status).toBe('waitlisted');
  });
});

describe('reminders', () => {
  it('sends the 7-day and the 1-day reminder once each, however often the jobs run, with the travel notes', async () => {
    const id = await newEvent({ capacity: 5 });
    await book(deps, database.db, editor, id, { email: 'r@example.org', name: 'Reminded' }, new Date('2031-10-01T09:00:00Z'));
    const jobs = createScheduler(database.db, baton.ctx.mailer, testConfig());
    for (const at of [
      '2031-10-18T08:00:00Z',
      '2031-10-18T09:00:00Z',
      '2031-10-18T09:30:00Z',
      '2031-10-19T09:00:00Z',
      '2031-10-24T09:00:00Z',
      '2031-10-24T12:00:00Z',
    ]) {
      await jobs.runDue(new Date(at));
    }
    const reminders = (await outboxSubjects()).filter((s) => s.startsWith('Reminder:'));
    expect(reminders).toHaveLength(2);
    const mails = (await delivered()).filter((m) => m.subject?.startsWith('Reminder:'));
    expect(mails[0]!.text).toContain('Several local car parks, a short walk from New Street Station');
  });

  it('sends no reminder for a place cancelled before it is due', async () => {
    const id = await newEvent({ capacity: 5 });
    const { booking } = await book(
      deps,
      database.db,
      editor,
      id,
      { email: 'gone@example.org', name: 'Gone' },
      new Date('2031-10-01T09:00:00Z'),
    );
    const jobs = createScheduler(database.db, baton.ctx.mailer, testConfig());
    await jobs.runDue(new Date('2031-10-17T09:00:00Z')); // plans the reminders
    await cancelBooking(deps, database.db, { token: booking.token }, booking.id, null, new Date('2031-10-17T10:00:00Z'));
    await jobs.runDue(new Date('2031-10-18T10:00:00Z'));
    await jobs.runDue(new Date('2031-10-24T10:00:00Z'));
    expect((await outboxSubjects()).filter((s) => s.startsWith('Reminder:'))).toEqual([]);
  });
});

describe('after the event', () => {
  it('thanks each person with a place once, however often the jobs run, with a feedback link whose answers editors read', async () => {
    const id = await newEvent({ capacity: 5 });
    await book(deps, database.db, editor, id, { email: 'came@example.org', name: 'Came Along' }, new Date('2031-10-01T09:00:00Z'));
    const { booking: gone } = await book(
      deps,
      database.db,
      editor,
      id,
      { email: 'gone@example.org', name: 'Gone Away' },
      new Date('2031-10-01T09:00:00Z'),
    );
    await cancelBooking(deps, database.db, { actor: editor }, gone.id, null, new Date('2031-10-02T09:00:00Z'));
    const jobs = createScheduler(database.db, baton.ctx.mailer, testConfig());
    // The day ends at 15:00 British Summer Time (14:00 UTC); the thank-you goes an hour later.
    await jobs.runDue(new Date('2031-10-25T13:00:00Z')); // during the day: no thank-you yet
    expect((await outboxSubjects()).filter((s) => s.startsWith('Thank you'))).toEqual([]);
    for (const at of ['2031-10-25T15:30:00Z', '2031-10-25T16:00:00Z', '2031-10-26T09:00:00Z', '2031-10-27T09:00:00Z']) {
      await jobs.runDue(new Date(at));
    }
    const thanks = (await delivered()).filter((m) => m.subject?.startsWith('Thank you for coming'));
    expect(thanks.map(to)).toEqual(['came@example.org']);
    const link = /\/bookings\/[^/\s]+\/feedback/.exec(thanks[0]!.text ?? '')![0];

    // Feedback opens once the event has ended, and only for people who had a place.
    const early = new TestClient(baton.app, database.db);
    expect((await early.get(link)).statusCode).toBe(409);
    expect((await early.get(`/bookings/${gone.token}/feedback`)).statusCode).toBe(409);
    // Move the event into the past, as real time will.
    await repo.updateEvent(database.db, id, { startsAt: new Date('2020-10-25T09:00:00Z'), endsAt: new Date('2020-10-25T14:00:00Z') });
    const reader = new TestClient(baton.app, database.db);
    expect((await reader.get(link)).statusCode).toBe(200);
    const bad = await reader.post(link, { comments: 'No rating given' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose how useful the event was');
    expect(bad.body).toContain('No rating given');
    expect((await reader.post(link, { rating: '4', comments: 'Good speakers' })).statusCode).toBe(303);
    expect(await eventFeedback(database.db, editor, id)).toEqual({
      rows: [expect.objectContaining({ name: 'Came Along', rating: 4, comments: 'Good speakers' })],
      average: 4,
    });
  });
});

describe('booking for others', () => {
  it('lets a director book a named colleague of their own organisation, and no one else', async () => {
    const id = await newEvent({ capacity: 5 });
    const director = await addPerson(database.db, {
      email: 'dcs@example.org',
      name: 'The Director',
      org: 'Telford',
      accessRole: 'director',
    });
    await addPerson(database.db, { email: 'colleague@example.org', name: 'Colleague', org: 'Telford', role: 'other' });
    await addPerson(database.db, { email: 'elsewhere@example.org', name: 'Elsewhere', org: 'Shropshire', role: 'other' });
    const actor: Actor = {
      kind: 'person',
      id: director.id,
      label: director.email,
      role: 'director',
      organisationId: director.organisationId,
    };
    const { status } = await book(deps, database.db, actor, id, { email: 'colleague@example.org' }, new Date('2031-10-01T09:00:00Z'));
    expect(status).toBe('confirmed');
    await expect(book(deps, database.db, actor, id, { email: 'elsewhere@example.org' }, new Date('2031-10-01T09:00:00Z'))).rejects.toThrow(
      /events\.bookFor|permission/i,
    );
    await expect(
      book(deps, database.db, actor, id, { email: 'stranger@example.org', name: 'Stranger' }, new Date('2031-10-01T09:00:00Z')),
    ).rejects.toThrow(/events\.bookFor|permission/i);
  });
});
