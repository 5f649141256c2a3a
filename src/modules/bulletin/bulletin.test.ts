import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { systemActor } from '../../platform/actor.js';
import { ValidationError } from '../../platform/errors.js';
import { listAudit } from '../audit/service.js';
import * as content from './content.js';
import { importBulletins } from './import.js';
import * as bulletin from './service.js';

let database: TestDatabase;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(() => database.reset());

const seeds = () =>
  ['2022-05-regional-update.txt', '2023-04-regional-update.txt'].map((name) => ({
    name,
    text: fs.readFileSync(new URL(`../demo/bulletins/${name}`, import.meta.url), 'utf8'),
  }));
const count = async (table: string) => (await database.query<{ n: number }>(sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n;

describe('import', () => {
  it('creates published editions with the hand-off recorded, and changes nothing the second time', async () => {
    const first = await importBulletins(database.db, editor, seeds());
    expect(first.map((r) => r.status)).toEqual(['created', 'created']);
    expect(first[0]).toMatchObject({
      title: 'Regional Update – May 2022',
      slug: 'regional-update-may-2022',
      sections: 4,
      author: 'Nigel Minns',
      handoff: { author: 'Tina Russell', organisation: 'Worcestershire' },
    });
    const counts = [await count('editions'), await count('sections'), await count('items'), await count('audit_events')];
    const again = await importBulletins(database.db, editor, seeds());
    expect(again.map((r) => r.status)).toEqual(['unchanged', 'unchanged']);
    expect([await count('editions'), await count('sections'), await count('items'), await count('audit_events')]).toEqual(counts);
    const [row] = await database.query<{ status: string; handoff_author: string; handoff_organisation: string }>(
      sql`SELECT status, handoff_author, handoff_organisation FROM editions WHERE slug = 'regional-update-may-2022'`,
    );
    expect(row).toEqual({ status: 'published', handoff_author: 'Tina Russell', handoff_organisation: 'Worcestershire' });
  });

  it('reports a file it cannot parse and still imports the others', async () => {
    const reports = await importBulletins(database.db, editor, [{ name: 'notes.txt', text: 'no date here at all' }, seeds()[1]!]);
    expect(reports[0]).toMatchObject({ file: 'notes.txt', status: 'failed', reason: expect.stringContaining('month and year') });
    expect(reports[1]!.status).toBe('created');
    expect(await count('editions')).toBe(1);
  });
});

describe('editions', () => {
  it('creates an edition with sections and items, and audits every change', async () => {
    const { id, slug } = await bulletin.createEdition(database.db, editor, {
      title: 'Regional Update – June 2023',
      month: '2023-06',
      introduction: { author: 'Tina Russell', organisation: 'Worcestershire', body: 'Hello all' },
      sections: [
        { heading: 'Key events', body: 'Networking day' },
        { heading: 'Research', items: [{ heading: 'Cash for care leavers', body: 'Sign up' }] },
      ],
    });
    expect(slug).toBe('regional-update-june-2023');
    const again = await bulletin.createEdition(database.db, editor, { title: 'Regional Update – June 2023', month: '2023-06' });
    expect(again.slug).toBe('regional-update-june-2023-2');
    const tree = await bulletin.editionForEditor(database.db, editor, id);
    expect(tree.sections.map((s) => [s.heading, s.items.map((i) => i.heading ?? i.body)])).toEqual([
      ['Key events', ['Networking day']],
      ['Research', ['Cash for care leavers']],
    ]);
    expect(tree.edition.status).toBe('draft');
    const research = tree.sections[1]!;
    await content.moveSection(database.db, editor, research.id, 'up');
    await content.addItem(database.db, editor, research.id, { heading: 'Pilot', body: 'Two leads' });
    const second = (await content.addItem(database.db, editor, research.id, { heading: 'Third', body: 'x' })).id;
    await content.moveItem(database.db, editor, second, 'up');
    const after = await bulletin.editionForEditor(database.db, editor, id);
    expect(after.sections.map((s) => s.heading)).toEqual(['Research', 'Key events']);
    expect(after.sections[0]!.items.map((i) => i.heading)).toEqual(['Cash for care leavers', 'Third', 'Pilot']);
    const actions = (await listAudit(database.db, { page: 1, perPage: 50 })).map((a) => a.action);
    expect(actions.filter((a) => a === 'edition.content')).toHaveLength(4);
    await expect(content.addItem(database.db, editor, research.id, { heading: '', body: '  ' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('moves an item to another edition, into the section of the same name', async () => {
    const a = await bulletin.createEdition(database.db, editor, {
      title: 'A',
      month: '2023-06',
      sections: [{ heading: 'Key events', body: 'Moving item' }],
    });
    const b = await bulletin.createEdition(database.db, editor, {
      title: 'B',
      month: '2023-07',
      sections: [{ heading: 'Key events', body: 'Staying' }],
    });
    const itemId = (await bulletin.editionForEditor(database.db, editor, a.id)).sections[0]!.items[0]!.id;
    await content.moveItemToEdition(database.db, editor, itemId, b.id);
    expect((await bulletin.editionForEditor(database.db, editor, a.id)).sections[0]!.items).toHaveLength(0);
    expect((await bulletin.editionForEditor(database.db, editor, b.id)).sections[0]!.items.map((i) => i.body)).toEqual([
      'Staying',
      'Moving item',
    ]);
  });

  it('starts a new edition from last month’s standing sections', async () => {
    await bulletin.createEdition(database.db, editor, {
      title: 'May',
      month: '2023-05',
      sections: [
        { heading: 'Regional priority plan', standing: true, body: 'The four strands' },
        { heading: 'One-off', body: 'Gone next month' },
      ],
    });
    const headingsOnly = await bulletin.startFromPrevious(database.db, editor, { title: 'June', month: '2023-06' });
    const tree = await bulletin.editionForEditor(database.db, editor, headingsOnly.id);
    expect(tree.sections.map((s) => [s.heading, s.standing, s.items.length])).toEqual([['Regional priority plan', true, 0]]);
    expect(bulletin.startedNotice('June', headingsOnly)).toBe(
      'Created June with 1 standing section from May (headings only): Regional priority plan',
    );
    await bulletin.deleteEdition(database.db, editor, headingsOnly.id);
    const withItems = await bulletin.startFromPrevious(database.db, editor, { title: 'June', month: '2023-06', withItems: true });
    const june = await bulletin.editionForEditor(database.db, editor, withItems.id);
    expect(june.sections.map((s) => [s.heading, s.items[0]?.body])).toEqual([['Regional priority plan', 'The four strands']]);
    expect(bulletin.startedNotice('June', withItems)).toContain('with their 1 item: Regional priority plan');
  });

  it('moves through the workflow and publishes a scheduled edition once, even when two schedulers run', async () => {
    const { id } = await bulletin.createEdition(database.db, editor, { title: 'Scheduled', month: '2023-08' });
    await bulletin.transition(database.db, editor, id, 'review');
    await expect(bulletin.transition(database.db, editor, id, { schedule: { publishAt: '2000-01-01T09:00' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    const at = new Date(Date.now() + 60_000);
    expect((await bulletin.transition(database.db, editor, id, { schedule: { publishAt: at.toISOString() } })).status).toBe('scheduled');
    expect(await bulletin.publishDueEditions(database.db, editor, new Date())).toBe(0);
    const later = new Date(at.getTime() + 1000);
    const results = await Promise.all([
      bulletin.publishDueEditions(database.db, editor, later),
      bulletin.publishDueEditions(database.db, editor, later),
    ]);
    expect(results.sort()).toEqual([0, 1]);
    const e = (await bulletin.editionForEditor(database.db, editor, id)).edition;
    expect(e.status).toBe('published');
    expect(e.publishedAt?.getTime()).toBe(at.getTime());
    expect((await bulletin.transition(database.db, editor, id, 'unpublish')).status).toBe('draft');
    await expect(bulletin.transition(database.db, editor, id, 'unpublish')).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses bad input naming the field, and readers may not edit', async () => {
    await expect(bulletin.createEdition(database.db, editor, { title: '', month: '2023-13' })).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ field: 'title' }), expect.objectContaining({ field: 'month' })]),
    });
    const member = { kind: 'person' as const, id: 1, label: 'm', role: 'member' as const, organisationId: null };
    await expect(bulletin.createEdition(database.db, member, { title: 'x', month: '2023-01' })).rejects.toThrow('Not allowed');
    expect(await count('editions')).toBe(0);
  });
});
