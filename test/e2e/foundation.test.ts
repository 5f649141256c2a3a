import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../helpers/db.js';
import { addPerson, latestSignInLink, testBaton } from '../helpers/app.js';
import type { Baton } from '../../src/server.js';
import { sql } from 'drizzle-orm';
import { browserAvailable, expectAccessible, freePort, launchBrowser, snap, WIDTHS } from './browser.js';
import { createSend } from '../../src/modules/mailing/sends.js';
import { systemActor } from '../../src/platform/actor.js';
import { loadDemoIfEmpty } from '../../src/modules/demo/seed.js';

const run = browserAvailable();

describe.runIf(run)('a person signs in through the emailed link and uses the directory', () => {
  let database: TestDatabase;
  let baton: Baton;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    database = await testDatabase();
    await loadDemoIfEmpty(database.db);
    // Links in emails must point at the port this server really listens on.
    const port = await freePort();
    baton = await testBaton(database, { BATON_BASE_URL: `http://localhost:${port}` });
    await baton.app.listen({ port, host: '127.0.0.1' });
    base = `http://localhost:${port}`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await baton?.close();
    await database?.close();
  });

  it('signs in, browses the admin pages, and every page passes axe', async () => {
    await addPerson(database.db, { email: 'e2e.admin@example.org', accessRole: 'admin', name: 'Erin Admin' });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/`);
    await expect(page.locator('h1').textContent()).resolves.toContain('West Midlands');
    await expectAccessible(page);
    await snap(page, 'home');

    await page.goto(`${base}/sign-in`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Enter an email address');
    await expectAccessible(page);
    await page.getByLabel('Email address').fill('e2e.admin@example.org');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Check your email');
    await expectAccessible(page);
    await snap(page, 'check-email');

    const link = await latestSignInLink(database.db, 'e2e.admin@example.org');
    await page.goto(`${base}${link}`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await expect(page.getByRole('link', { name: 'Your account' }).isVisible()).resolves.toBe(true);

    // The four tables that scroll sideways on a phone: audit log, rota, send progress and a list's members.
    const [edition] = await database.query<{ id: number }>(sql`SELECT id FROM editions WHERE status = 'published' ORDER BY id LIMIT 1`);
    const send = await createSend(database.db, systemActor('admin'), edition!.id, { list: 'Regional Update' });
    const [list] = await database.query<{ id: number }>(sql`SELECT id FROM mailing_lists ORDER BY id LIMIT 1`);
    for (const path of [
      `/admin/sends/${send.id}`,
      `/admin/lists/${list!.id}`,
      '/directory',
      '/admin',
      '/admin/people',
      '/admin/people/new',
      '/admin/organisations',
      '/admin/offices',
      '/admin/audit',
      '/admin/outbox',
      '/admin/tokens',
      '/account',
      '/admin/people/import',
      '/admin/lists',
      '/admin/rota',
      '/admin/jobs',
      '/subscribe',
      '/updates',
      '/search?q=family',
    ]) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      await expectAccessible(page);
      await snap(page, path.replace(/\//g, '_'));
      await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
      await page.reload();
      await snap(page, `${path.replace(/\//g, '_')}-phone`);
      await page.setViewportSize({ width: WIDTHS.desktop, height: 800 });
    }
    // At phone width, those four tables are regions with a name that take the keyboard focus.
    await page.setViewportSize({ width: WIDTHS.phone, height: 800 });
    for (const path of ['/admin/audit', '/admin/rota', `/admin/sends/${send.id}`, `/admin/lists/${list!.id}`]) {
      await page.goto(`${base}${path}`);
      const region = page.locator('.baton-table-wrap').first();
      await expect(region.getAttribute('role'), path).resolves.toBe('region');
      await expect(region.getAttribute('aria-label'), path).resolves.toMatch(/scrolls sideways/);
      await region.focus();
      await expect(
        region.evaluate((el) => el === document.activeElement),
        path,
      ).resolves.toBe(true);
    }
    await page.setViewportSize({ width: WIDTHS.desktop, height: 800 });

    await page.goto(`${base}/admin/people/new`);
    await page.getByRole('button', { name: 'Add person' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('Enter a name');
    await expectAccessible(page);
    await page.getByLabel('Full name').fill('Pat Newcomer');
    await page.getByLabel('Email address', { exact: true }).fill('pat.newcomer@example.org');
    await page.getByLabel('Organisation').selectOption({ label: 'Dudley' });
    await page.getByLabel("Role in children's services").selectOption('head-of-service');
    await page.getByRole('button', { name: 'Add person' }).click();
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Saved');
    await page.goto(`${base}/admin/people?q=newcomer`);
    await expect(page.locator('table').textContent()).resolves.toContain('Pat Newcomer');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/admin/people`);
    await expectAccessible(page);
    await snap(page, 'people-phone');
  }, 300_000);
});
