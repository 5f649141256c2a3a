import { parse } from 'csv-parse/sync';
import { toCsv } from '../../platform/csv.js';
import { ValidationError, zodIssues, type FieldIssue } from '../../platform/errors.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../../platform/actor.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import { personInput, type PersonInput } from './validation.js';
import { JOB_ROLES } from './job-roles.js';

/** The columns of the people CSV, in export order; import needs name, email and role. */
export const PEOPLE_CSV_COLUMNS = ['name', 'email', 'job_title', 'organisation', 'role', 'pa_email', 'access_role'] as const;
const REQUIRED = ['name', 'email', 'role'];

const FIELD_TO_COLUMN: Record<string, string> = {
  name: 'name',
  email: 'email',
  jobTitle: 'job_title',
  organisation: 'organisation',
  role: 'role',
  paEmail: 'pa_email',
  accessRole: 'access_role',
};

/** What an import did, and anything the person should check (such as a file that was not UTF-8). */
export interface ImportResult {
  created: number;
  updated: number;
  notes: string[];
}

/** What a file read as Windows-1252 gets told, so no one is left with silently garbled accents. */
export const NOT_UTF8_NOTE =
  'This file was not saved as UTF-8, so it was read as Windows-1252 (the encoding of Excel\'s "CSV (Comma delimited)"). ' +
  'Check names with accents; to be sure of them, save the file as "CSV UTF-8" and import it again.';

/**
 * The text of an uploaded file: UTF-8 (with or without a byte-order mark) as it is; anything that is not valid UTF-8
 * is read as Windows-1252, the encoding Excel on Windows saves CSV in, with a note saying so rather than storing mojibake.
 */
export function decodeCsv(data: Buffer | string): { text: string; notes: string[] } {
  if (typeof data === 'string') return { text: data.replace(/^\uFEFF/, ''), notes: [] };
  // Excel's "Unicode Text" is UTF-16 with a byte-order mark; its ASCII would otherwise pass as UTF-8 full of NULs.
  if (data[0] === 0xff && data[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(data), notes: [] };
  if (data[0] === 0xfe && data[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(data), notes: [] };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data), notes: [] };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(data), notes: [NOT_UTF8_NOTE] };
  }
}

function normaliseHeader(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Parses CSV text into records with their line numbers, or reports why the file cannot be read. */
function readRecords(text: string): Array<{ line: number; row: Record<string, string> }> {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map(normaliseHeader),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new ValidationError([
      { field: 'file', message: `This is not a readable CSV file: ${(err as Error).message}`, ...(line ? { line } : {}) },
    ]);
  }
  if (records.length === 0) throw new ValidationError([{ field: 'file', message: 'The file has no rows under its header' }]);
  const missing = REQUIRED.filter((c) => !(c in records[0]!.record));
  if (missing.length) {
    throw new ValidationError([
      { field: 'file', line: 1, message: `The header needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` },
    ]);
  }
  return records.map((r) => ({ line: r.info.lines, row: r.record }));
}

/** Imports people from a CSV file or text, creating or updating by email; any bad row means nothing at all is applied. */
export async function importPeopleCsv(db: Db, actor: Actor, file: Buffer | string): Promise<ImportResult> {
  authorise(actor, 'directory.manage');
  const { text, notes } = decodeCsv(file);
  const records = readRecords(text);
  const issues: FieldIssue[] = [];
  const valid: Array<{ line: number; input: PersonInput }> = [];
  const seen = new Map<string, number>();
  for (const { line, row } of records) {
    const parsed = personInput.safeParse({
      name: row.name,
      email: row.email,
      jobTitle: row.job_title,
      organisation: row.organisation,
      role: row.role,
      paEmail: row.pa_email,
      accessRole: row.access_role || undefined,
    });
    if (!parsed.success) {
      // A spreadsheet has no list to pick from: the role message names the values the column takes.
      const named = (i: FieldIssue) => (i.field === 'role' ? `${i.message}: one of ${JOB_ROLES.join(', ')}` : i.message);
      issues.push(...zodIssues(parsed.error, line).map((i) => ({ ...i, message: named(i), field: FIELD_TO_COLUMN[i.field] ?? i.field })));
      continue;
    }
    const first = seen.get(parsed.data.email);
    if (first) issues.push({ line, field: 'email', message: `${parsed.data.email} is also on line ${first}` });
    seen.set(parsed.data.email, line);
    valid.push({ line, input: parsed.data });
  }
  if (valid.some((v) => v.input.accessRole && v.input.accessRole !== 'member')) authorise(actor, 'person.setAccessRole');
  const orgIds = new Map<string, number>();
  for (const org of await repo.listOrganisations(db)) orgIds.set(org.name.toLowerCase(), org.id);
  for (const { line, input } of valid) {
    const ref = input.organisation;
    if (typeof ref === 'string' && !orgIds.has(ref.toLowerCase())) {
      issues.push({ line, field: 'organisation', message: `No organisation named ${ref}: add it first or correct the name` });
    }
  }
  if (issues.length) throw new ValidationError(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));

  return inTransaction(db, async (tx) => {
    const result = { created: 0, updated: 0 };
    for (const { input } of valid) {
      const organisationId = typeof input.organisation === 'string' ? orgIds.get(input.organisation.toLowerCase())! : null;
      const existing = await repo.findPersonByEmail(tx, input.email);
      // Naming a different access role for someone already here is a change of role, even to member.
      if (existing && input.accessRole && input.accessRole !== existing.accessRole) authorise(actor, 'person.setAccessRole');
      const values = {
        name: input.name,
        email: input.email,
        jobTitle: input.jobTitle,
        organisationId,
        jobRole: input.role,
        paEmail: input.paEmail,
        accessRole: input.accessRole ?? existing?.accessRole ?? 'member',
      };
      if (existing) {
        await repo.updatePerson(tx, existing.id, values);
        result.updated++;
      } else {
        await repo.insertPerson(tx, values);
        result.created++;
      }
    }
    await recordAudit(tx, actor, {
      action: 'person.import',
      entityType: 'person',
      summary: `Imported people from CSV: ${result.created} added, ${result.updated} updated`,
      data: { ...result, emails: valid.map((v) => v.input.email) },
    });
    return { ...result, notes };
  });
}

/** Exports the whole directory of people as CSV, in the columns the import reads. */
export async function exportPeopleCsv(db: Db, actor: Actor): Promise<string> {
  authorise(actor, 'directory.manage');
  const rows = await repo.allPeople(db);
  return toCsv(
    PEOPLE_CSV_COLUMNS,
    rows.map((p) => [p.name, p.email, p.jobTitle, p.organisationName, p.jobRole, p.paEmail, p.accessRole]),
  );
}
