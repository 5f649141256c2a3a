import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { testBaton } from '../../../test/helpers/app.js';
import { systemActor } from '../../platform/actor.js';
import type { Baton } from '../../server.js';
import { importBulletins } from './import.js';

let database: TestDatabase;
let baton: Baton;
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
  const seeds = ['2022-05-regional-update.txt', '2023-04-regional-update.txt'].map((name) => ({
    name,
    text: fs.readFileSync(new URL(`../demo/bulletins/${name}`, import.meta.url), 'utf8'),
  }));
  await importBulletins(database.db, systemActor('editor'), seeds);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
const get = (url: string) => baton.app.inject({ method: 'GET', url });

/** The search form's HTML on a page, with what was typed into it left out. */
const searchForm = (html: string) => /<form[^>]*role="search"[\s\S]*?<\/form>/.exec(html)?.[0].replace(/value="[^"]*"/, 'value=""');
const snippets = (html: string) => [...html.matchAll(/<p class="govuk-body baton-snippet">([\s\S]*?)<\/p>/g)].map((m) => m[1]!);

describe('the seeds on the page', () => {
  it('shows Staff College apart from the participation leads, and the key events of April 2023 under Key Events', async () => {
    const may = (await get('/updates/regional-update-may-2022')).body;
    expect(may).toMatch(
      /Watch this space!<\/p>\s*<hr class="govuk-section-break[^"]*govuk-section-break--visible">\s*<p class="govuk-body">As you may be aware, Staff College/,
    );
    const april = (await get('/updates/regional-update-april-2023')).body;
    const keyEvents = april.slice(april.indexOf('id="key-events-heading"'));
    for (const h of [
      'Core programme overview',
      'West Midlands Regional Principal Social Workers Conference 22nd June 2023',
      'Research – Cash for Care Leavers',
    ])
      expect(keyEvents).toContain(`<h3 class="govuk-heading-m">${h}</h3>`);
    expect(april).not.toMatch(/<h2[^>]*>Core programme overview/);
  });
});

describe('search', () => {
  it('shows plain-text snippets that start and end at a word, with an ellipsis where the text goes on', async () => {
    for (const q of ['family hubs', 'care leavers', 'recruitment', 'Ana Davies', 'fathers']) {
      const res = await get(`/search?q=${encodeURIComponent(q)}`);
      const found = snippets(res.body);
      expect(found.length, q).toBeGreaterThan(0);
      for (const s of found) {
        const text = s.replace(/<\/?mark>/g, '');
        expect(text, q).not.toMatch(/\n|(^|\s)[-*#>]\s|\*\*|__|`/);
        expect(text, q).toMatch(/^(… )?["“‘(]?[\p{L}\p{N}]/u);
        expect(text, q).toMatch(/[\p{L}\p{N}.!?)”’"] …$|[.!?)”’"]$/u);
      }
    }
    const hubs = snippets((await get('/search?q=family+hubs')).body).join(' ');
    expect(hubs).toContain('… ');
    expect(hubs).toContain('including <mark>Family</mark> <mark>Hubs</mark> roll out.');
  });

  it('has the same search box on the archive and on the results page', async () => {
    const archive = searchForm((await get('/updates')).body);
    const results = (await get('/search?q=hubs')).body;
    expect(archive).toBeDefined();
    expect(searchForm(results)).toBe(archive);
    expect(searchForm((await get('/search')).body)).toBe(archive);
    expect(results).toContain('value="hubs"');
  });
});
