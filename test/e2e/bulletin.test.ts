import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { testDatabase, type TestDatabase } from '../helpers/db.js';
import { addPerson, latestSignInLink, testBaton } from '../helpers/app.js';
import type { Baton } from '../../src/server.js';
import { browserAvailable, expectAccessible, freePort, launchBrowser, snap } from './browser.js';

const run = browserAvailable();

describe.runIf(run)('an editor builds and publishes an edition; a reader finds it, searches and comments', () => {
  let database: TestDatabase;
  let baton: Baton;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    database = await testDatabase();
    const port = await freePort();
    baton = await testBaton(database, { BATON_BASE_URL: `http://localhost:${port}` });
    await baton.app.listen({ port, host: '127.0.0.1' });
    base = `http://localhost:${port}`;
    browser = await launchBrowser();
    await addPerson(database.db, { email: 'editor@example.org', accessRole: 'editor', name: 'Eddie Editor' });
    await addPerson(database.db, { email: 'reader@example.org', accessRole: 'member', name: 'Rita Reader' });
  });
  afterAll(async () => {
    await browser?.close();
    await baton?.close();
    await database?.close();
  });

  async function signIn(email: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Check your email');
    await page.goto(`${base}${await latestSignInLink(database.db, email)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    return page;
  }

  it('works end to end, and every page passes axe', async () => {
    const page = await signIn('editor@example.org');
    await page.goto(`${base}/admin/editions`);
    await expectAccessible(page);
    await page.getByLabel('Title').fill('Regional Update – June 2023');
    await page.getByLabel('Month (YYYY-MM)').fill('2023-06');
    await page.getByRole('button', { name: 'Start an empty edition' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Regional Update – June 2023');
    await expectAccessible(page);

    await page.getByLabel("Author's name as shown").fill('Tina Russell');
    await page.getByLabel("Author's organisation").fill('Worcestershire');
    await page
      .getByLabel('Introduction (Markdown)')
      .fill('This month I pick up the baton.\n\nNext month Jo Britton from Telford will write.');
    await page.getByRole('button', { name: 'Save introduction' }).click();
    await page.getByLabel('New section heading').fill('Key events');
    await page.getByRole('button', { name: 'Add section' }).click();
    await page.getByText('Add an item to Key events').click();
    await page.getByLabel('Item heading').fill('Family hubs community of practice');
    await page.getByLabel('Text (Markdown)').fill('Join us on **30 June**:\n\n- Date: 30 June\n- Venue: Fazeley Studios');
    await page.getByRole('button', { name: 'Add item' }).click();
    await expectAccessible(page);
    await snap(page, 'edition-edit');

    await page.getByRole('link', { name: 'Edit Family hubs community of practice' }).click();
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.locator('#preview strong').textContent()).resolves.toBe('30 June');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Regional Update – June 2023' }).click();

    await page.getByRole('link', { name: 'Preview as readers will see it' }).click();
    await expect(page.locator('#introduction').textContent()).resolves.toContain('I pick up the baton');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Back to editing' }).click();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect(page.locator('.govuk-tag').first().textContent()).resolves.toBe('published');
    await page.getByRole('link', { name: 'Email it to a list' }).click();
    await expectAccessible(page);
    await snap(page, 'email-send');

    const reader = await signIn('reader@example.org');
    await reader.goto(`${base}/updates`);
    await expectAccessible(reader);
    await reader.getByRole('link', { name: 'Regional Update – June 2023' }).first().click();
    await expect(reader.locator('.baton-byline').textContent()).resolves.toContain('Tina Russell, Worcestershire');
    await expectAccessible(reader);
    await snap(reader, 'edition-public');
    await reader.getByLabel('Add a comment').fill('Looking forward to it');
    await reader.getByRole('button', { name: 'Send comment' }).click();
    await expect(reader.locator('.govuk-notification-banner').textContent()).resolves.toContain('approved');

    await reader.goto(`${base}/search`);
    await reader.getByLabel('Search the Regional Update').fill('community of practice');
    await reader.getByRole('button', { name: 'Search' }).click();
    await expect(reader.locator('mark').first().textContent()).resolves.toMatch(/community/i);
    await expectAccessible(reader);
    await snap(reader, 'search');

    await page.goto(`${base}/admin/comments`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Approve comment by Rita Reader' }).click();
    await reader.goto(`${base}/updates/regional-update-june-2023`);
    await expect(reader.locator('#comments').textContent()).resolves.toContain('Looking forward to it');
    await reader.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(reader);
    await snap(reader, 'edition-phone');
  }, 300_000);
});
