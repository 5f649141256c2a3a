import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { systemActor } from '../../platform/actor.js';
import { ForbiddenError, ValidationError } from '../../platform/errors.js';
import { NOT_UTF8_NOTE, exportPeopleCsv, importPeopleCsv } from './csv.js';
import * as directory from './service.js';

let database: TestDatabase;
const admin = systemActor('test');
beforeAll(async () => {
  database = await testDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.reset();
  await directory.createOrganisation(database.db, admin, { name: 'Worcestershire', kind: 'council' });
});

const count = async () => (await database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM people`))[0]!.n;

describe('people CSV', () => {
  it('imports new people and updates known ones by email', async () => {
    await directory.createPerson(database.db, admin, { name: 'Old Name', email: 'tina@example.org', role: 'director' });
    const csv =
      'Name,Email,Job title,Organisation,Role,PA email\nTina Russell,TINA@example.org,Director,Worcestershire,director,pa@example.org\n"Smith, Sam",sam@example.org,,,team-manager,\n';
    expect(await importPeopleCsv(database.db, admin, csv)).toEqual({ created: 1, updated: 1, notes: [] });
    const tina = (await directory.searchPeople(database.db, admin, { q: 'tina', limit: 5, offset: 0 })).rows[0]!;
    expect(tina).toMatchObject({ name: 'Tina Russell', organisationName: 'Worcestershire', paEmail: 'pa@example.org' });
    expect((await directory.searchPeople(database.db, admin, { q: 'sam@', limit: 5, offset: 0 })).rows[0]!.name).toBe('Smith, Sam');
  });

  it('refuses an editor an import that demotes an admin to member, and changes nothing', async () => {
    await directory.createPerson(database.db, admin, { name: 'Root', email: 'root@example.org', role: 'other', accessRole: 'admin' });
    const editor = { kind: 'person' as const, id: 99, label: 'editor', role: 'editor' as const, organisationId: null };
    const csv = 'name,email,role,access_role\nRoot,root@example.org,other,member\n';
    await expect(importPeopleCsv(database.db, editor, csv)).rejects.toBeInstanceOf(ForbiddenError);
    const [row] = await database.query<{ access_role: string }>(sql`SELECT access_role FROM people WHERE email = 'root@example.org'`);
    expect(row!.access_role).toBe('admin');
  });

  it('reports every bad row with line, field and reason, and imports nothing', async () => {
    const csv = [
      'name,email,role,organisation',
      'Good One,good@example.org,director,Worcestershire',
      ',missing-name@example.org,director,',
      'Bad Email,not-an-email,director,',
      'Bad Org,org@example.org,director,Narnia',
      'Dup,good@example.org,team-manager,',
      'Bad Role,role@example.org,wizard,',
    ].join('\n');
    let err: ValidationError | undefined;
    try {
      await importPeopleCsv(database.db, admin, csv);
    } catch (e) {
      err = e as ValidationError;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const got = err!.issues.map((i) => `${i.line}:${i.field}`);
    expect(got).toEqual(['3:name', '4:email', '5:organisation', '6:email', '7:role']);
    expect(err!.issues.find((i) => i.line === 6)!.message).toContain('also on line 2');
    expect(await count()).toBe(0);
  });

  it('rejects a file without the required columns', async () => {
    await expect(importPeopleCsv(database.db, admin, 'name,role\nA,director\n')).rejects.toThrow('email');
    await expect(importPeopleCsv(database.db, admin, '')).rejects.toThrow('no rows');
    expect(await count()).toBe(0);
  });

  it('exports what it imports, and defuses spreadsheet formulas', async () => {
    await directory.createPerson(database.db, admin, {
      name: '=HYPERLINK("http://evil")',
      email: 'f@example.org',
      role: 'other',
      organisation: 'Worcestershire',
      jobTitle: 'Lead, "quality"',
    });
    const csv = await exportPeopleCsv(database.db, admin);
    expect(csv.split('\n')[0]).toBe('\uFEFFname,email,job_title,organisation,role,pa_email,access_role');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain('"Lead, ""quality"""');
    await database.reset();
    await directory.createOrganisation(database.db, admin, { name: 'Worcestershire', kind: 'council' });
    expect(await importPeopleCsv(database.db, admin, csv)).toEqual({ created: 1, updated: 0, notes: [] });
    expect((await directory.searchPeople(database.db, admin, { limit: 5, offset: 0 })).rows[0]!.jobTitle).toBe('Lead, "quality"');
  });

  it('refuses a name with a line break in it, since names end up in mail headers', async () => {
    const csv = 'name,email,role\n"Eve\r\nBcc: x@evil.example",eve@example.org,director\n';
    await expect(importPeopleCsv(database.db, admin, csv)).rejects.toThrow('Must be on one line');
    expect(await count()).toBe(0);
  });

  describe('file encodings', () => {
    const header = 'name,email,role,organisation\n';
    const names = async () => (await directory.searchPeople(database.db, admin, { limit: 5, offset: 0 })).rows.map((p) => p.name);

    it('reads a Latin-1 (Windows-1252) file correctly and says it was not UTF-8', async () => {
      const file = Buffer.from(`${header}Zoë Brontë,zoe@example.org,director,Worcestershire\n`, 'latin1');
      expect(file.includes(Buffer.from('ë', 'utf8'))).toBe(false);
      expect(await importPeopleCsv(database.db, admin, file)).toEqual({ created: 1, updated: 0, notes: [NOT_UTF8_NOTE] });
      expect(await names()).toEqual(['Zoë Brontë']);
    });

    it('reads UTF-8 with a byte-order mark, and UTF-16 from Excel, without a note', async () => {
      const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${header}Zoë Brontë,zoe@example.org,director,\n`)]);
      expect(await importPeopleCsv(database.db, admin, bom)).toEqual({ created: 1, updated: 0, notes: [] });
      const utf16 = Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`${header}Łucja Nowak,lucja@example.org,director,\n`, 'utf16le'),
      ]);
      expect(await importPeopleCsv(database.db, admin, utf16)).toEqual({ created: 1, updated: 0, notes: [] });
      expect((await names()).sort()).toEqual(['Zoë Brontë', 'Łucja Nowak']);
    });
  });
});
