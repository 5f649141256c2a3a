import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPgliteTemplate, createPglite } from './pglite.js';

// The template is made once per install; a first start copies it instead of running initdb in a second PGlite.
describe('PGlite template data dir', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-pglite-template-test-'));
  const template = path.join(root, 'template');

  beforeAll(async () => {
    expect(await buildPgliteTemplate(template)).toBe('built');
    // A mark that only a copy of this template can carry: initdb would make a database without it.
    const marked = await createPglite(template, path.join(root, 'none'));
    await marked.exec('CREATE TABLE template_mark (id int); INSERT INTO template_mark VALUES (42)');
    await marked.close();
  }, 120_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is not rebuilt while it matches the installed PGlite', async () => {
    expect(await buildPgliteTemplate(template)).toBe('current');
  });

  it('is copied into an empty data dir, so the first open runs no initdb', async () => {
    const dir = path.join(root, 'fresh');
    const client = await createPglite(dir, template);
    const { rows } = await client.query<{ id: number }>('SELECT id FROM template_mark');
    await client.close();
    expect(rows).toEqual([{ id: 42 }]);
    expect(fs.existsSync(path.join(dir, 'baton-template.json'))).toBe(false);
  });

  it('never overwrites a data dir that already holds a database', async () => {
    const dir = path.join(root, 'own');
    const own = await createPglite(dir, template);
    await own.exec('DROP TABLE template_mark; CREATE TABLE own_mark (id int)');
    await own.close();
    const reopened = await createPglite(dir, template);
    const { rows } = await reopened.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE tablename IN ('own_mark', 'template_mark')",
    );
    await reopened.close();
    expect(rows).toEqual([{ tablename: 'own_mark' }]);
  });

  it('is ignored when made by another PGlite or with other initdb settings', async () => {
    const stale = path.join(root, 'stale');
    fs.cpSync(template, stale, { recursive: true });
    fs.writeFileSync(path.join(stale, 'baton-template.json'), JSON.stringify({ pglite: '0.0.0', initdb: [] }));
    const dir = path.join(root, 'from-stale');
    const client = await createPglite(dir, stale);
    const { rows } = await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'template_mark'");
    await client.close();
    expect(rows).toHaveLength(0);
  }, 60_000);
});
