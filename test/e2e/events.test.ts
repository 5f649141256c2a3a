import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../helpers/db.js';
import { addPerson, latestSignInLink, testBaton } from '../helpers/app.js';
import { systemActor } from '../../src/platform/actor.js';
import { eventsDeps } from '../../src/modules/events/api.js';
import { book } from '../../src/modules/events/bookings.js';
import { createEvent, listEventsForEditors, publishEvent } from '../../src/modules/events/service.js';
import type { Baton } from '../../src/server.js';
import { browserAvailable, expectAccessible, freePort, launchBrowser, snap } from './browser.js';

const run = browserAvailable();

describe.runIf(run)('a person books the learning event, finds it in their account, and cancels it', () => {
  let database: TestDatabase;
  let baton: Baton;
  let browser: Browser;
  let base: string;
  let slug: string;

  beforeAll(async () => {
    database = await testDatabase();
    const port = await freePort();
    baton = await testBaton(database, { BATON_BASE_URL: `http://localhost:${port}` });
    await baton.app.listen({ port, host: '127.0.0.1' });
    base = `http://localhost:${port}`;
    browser = await launchBrowser();
    await addPerson(database.db, { email: 'team@example.org', accessRole: 'editor', role: 'regional-team', name: 'Ana Davies' });
    for (const who of ['desktop', 'phone']) {
      await addPerson(database.db, { email: `tm-${who}@example.org`, accessRole: 'member', role: 'other', name: `Tess Manager (${who})` });
    }
    const editor = systemActor('e2e');
    const created = await createEvent(database.db, editor, {
      title: 'Face-to-face learning event',
      summary: 'Suitable for team managers and group managers. Places are limited so book early.',
      start: '2031-06-30T09:30:00+01:00',
      end: '2031-06-30T16:30:00+01:00',
      venue: { name: 'Fazeley Studios', room: 'Fazeley room', address: '191 Fazeley Street, Birmingham', postcode: 'B5 5SE' },
      travelNotes: 'There are several local car parks, and it is a short walk from New Street Station.',
      capacity: 20,
    });
    await publishEvent(database.db, editor, created.id);
    slug = created.slug;
  });
  afterAll(async () => {
    await browser?.close();
    await baton?.close();
    await database?.close();
  });

  for (const [width, name] of [
    [1280, 'desktop'],
    [375, 'phone'],
  ] as const) {
    it(`works at ${name} width, and every page passes axe`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/events`);
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Face-to-face learning event' }).click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Face-to-face learning event');
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Sign in to book a place' }).click();
      await page.getByLabel('Email address').fill(`tm-${name}@example.org`);
      await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
      await expect(page.locator('h1').textContent()).resolves.toContain('Check your email');
      await page.goto(`${base}${await latestSignInLink(database.db, `tm-${name}@example.org`)}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/events/${slug}`);

      await page.getByRole('button', { name: 'Book a place' }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('You have a place');
      await expectAccessible(page);
      await snap(page, `event-booked-${name}`);

      await page.goto(`${base}/account/bookings`);
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Manage your booking for Face-to-face learning event' }).click();
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Cancel my place' }).click();
      await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('is cancelled');
      await expectAccessible(page);
      await snap(page, `booking-cancelled-${name}`);
      await page.goto(`${base}/account/bookings`);
      await expect(page.locator('main').textContent()).resolves.toContain('Cancelled');
      await context.close();
    }, 120_000);
  }

  it('lets an editor add the event through the form, publish it and see who is booked, with every page passing axe', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill('team@example.org');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Check your email');
    await page.goto(`${base}${await latestSignInLink(database.db, 'team@example.org')}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);

    await page.goto(`${base}/admin`);
    await page.getByRole('link', { name: 'Events' }).last().click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add an event' }).click();
    await expectAccessible(page);
    await page.getByLabel('Title').fill('Online information event');
    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Enter the start');
    await expectAccessible(page);
    await page.getByLabel('Starts').fill('2031-07-02T10:00');
    await page.getByLabel('Ends').fill('2031-07-02T11:30');
    await page.getByLabel('Joining link (optional)').fill('https://teams.example.org/join/info');
    await page.getByLabel('Places (optional)').fill('30');
    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Added the draft event');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.locator('.govuk-tag').first().textContent()).resolves.toBe('published');
    await expect(page.locator('main').textContent()).resolves.toContain('Wednesday 2 July 2031, 10:00am to 11:30am');
    await expectAccessible(page);
    await snap(page, 'admin-event');
    await page.getByRole('button', { name: 'Change the details' }).click();
    await expect(page.getByLabel('Starts').inputValue()).resolves.toBe('2031-07-02T10:00');
    await expectAccessible(page);
    await page.getByLabel('Places (optional)').fill('40');
    await page.getByRole('button', { name: 'Save the changes' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Saved the changes');
    await expect(page.locator('#places').textContent()).resolves.toMatch(/0 taken,\s+0 offered,\s+40 free of 40 places/);
    // At the door, on a phone: the person with a place is ticked off with one button.
    const [online] = (await listEventsForEditors(database.db, systemActor('e2e'))).filter((e) => e.title === 'Online information event');
    await book(eventsDeps(baton.ctx), database.db, systemActor('e2e'), online!.id, { email: 'guest@example.org', name: 'Gail Guest' });
    await page.setViewportSize({ width: 375, height: 900 });
    await page.goto(`${base}/admin/events/${online!.id}/checkin`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Mark Gail Guest as arrived' }).click();
    await expect(page.locator('#arrived-count').textContent()).resolves.toContain('1 of 1');
    await expectAccessible(page);
    await snap(page, 'admin-checkin-phone');
    // Printed, the page is the sign-in sheet: no buttons, a line to sign.
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('button', { name: 'Undo the arrival of Gail Guest' }).isVisible()).resolves.toBe(false);
    await expect(page.locator('.baton-signature').first().isVisible()).resolves.toBe(true);
    await snap(page, 'admin-checkin-print');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/events/${online!.id}`);
    await expect(page.locator('#numbers').textContent()).resolves.toContain('Who has a place');
    await expectAccessible(page);
    await snap(page, 'admin-event-numbers');
    await page.getByRole('button', { name: 'Cancel the event' }).click();
    await expectAccessible(page);
    await snap(page, 'admin-event-cancel');
    await context.close();
  }, 120_000);
});
