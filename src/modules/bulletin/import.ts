import crypto from 'node:crypto';
import type { Db } from '../../platform/db/client.js';
import type { Actor } from '../../platform/actor.js';
import { ValidationError } from '../../platform/errors.js';
import { authorise } from '../../policy.js';
import { listMemberOrganisations } from '../directory/service.js';
import * as repo from './repo.js';
import { BulletinParseError, parseBulletin } from './import-parse.js';
import type { Dropped } from './import-furniture.js';
import { createEdition } from './service.js';

/** What happened to one imported file. */
export interface ImportReport {
  file: string;
  status: 'created' | 'unchanged' | 'skipped' | 'failed';
  reason?: string;
  title?: string;
  slug?: string;
  month?: string;
  sections?: number;
  items?: number;
  author?: string | null;
  organisation?: string | null;
  handoff?: { author: string; organisation: string } | null;
  /** What the importer left out as page furniture. */
  dropped?: Dropped[];
  /** 'file name' when the text had no title line and the month came from the file's name. */
  titleFrom?: 'text' | 'file name';
}

/** The fingerprint of a file's content, ignoring line endings and trailing spaces, so a re-import is recognised. */
function fingerprint(text: string): string {
  const normal = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
  return crypto.createHash('sha256').update(normal).digest('hex');
}

/** Imports bulletins from their web-page text as published editions; each file stands alone, and the same file twice changes nothing. */
export async function importBulletins(db: Db, actor: Actor, files: Array<{ name: string; text: string }>): Promise<ImportReport[]> {
  authorise(actor, 'bulletin.publish');
  const organisations = (await listMemberOrganisations(db)).map((o) => o.name);
  const reports: ImportReport[] = [];
  for (const file of files) {
    const hash = fingerprint(file.text);
    const existing = await repo.getEditionBySourceHash(db, hash);
    if (existing) {
      reports.push({ file: file.name, status: 'unchanged', title: existing.title, slug: existing.slug, reason: 'already imported' });
      continue;
    }
    try {
      const parsed = parseBulletin(file.text, { organisations, fileName: file.name });
      const clash = (await repo.editionsOfMonth(db, `${parsed.month}-01`)).find((e) => e.title === parsed.title);
      if (clash) {
        reports.push({
          file: file.name,
          status: 'skipped',
          title: parsed.title,
          slug: clash.slug,
          reason: `an edition "${clash.title}" for ${parsed.month} already exists with other content`,
        });
        continue;
      }
      const { slug } = await createEdition(
        db,
        actor,
        {
          title: parsed.title,
          month: parsed.month,
          introduction: {
            author: parsed.introduction.author,
            organisation: parsed.introduction.organisation,
            body: parsed.introduction.body,
            signOff: parsed.introduction.signOff,
          },
          sections: parsed.sections.map((s) => ({ heading: s.heading, items: s.items })),
        },
        { sourceHash: hash, handoffAuthor: parsed.handoff?.author, handoffOrganisation: parsed.handoff?.organisation, publish: true },
      );
      reports.push({
        file: file.name,
        status: 'created',
        title: parsed.title,
        slug,
        month: parsed.month,
        sections: parsed.sections.length,
        items: parsed.sections.reduce((n, s) => n + s.items.length, 0),
        author: parsed.introduction.author,
        organisation: parsed.introduction.organisation,
        handoff: parsed.handoff,
        dropped: parsed.dropped,
        titleFrom: parsed.titleFrom,
      });
    } catch (err) {
      if (err instanceof BulletinParseError || err instanceof ValidationError)
        reports.push({ file: file.name, status: 'failed', reason: err.message });
      else throw err;
    }
  }
  return reports;
}

/** What one file's import did, for the command line: a line, then what was left out as page furniture, if anything. */
export function describeReport(r: ImportReport): string {
  if (r.status === 'created') {
    const author = r.author
      ? `introduction by ${r.author}${r.organisation ? ` (${r.organisation})` : ''}`
      : 'introduction with no named author';
    const handoff = r.handoff ? `; next: ${r.handoff.author} from ${r.handoff.organisation}` : '';
    const titled = r.titleFrom === 'file name' ? ' (no title line: dated by the file name)' : '';
    return `${r.file}: imported "${r.title}"${titled} as /updates/${r.slug}: ${r.sections} sections, ${r.items} items, ${author}${handoff}${describeDropped(r.dropped ?? [])}`;
  }
  if (r.status === 'unchanged') return `${r.file}: unchanged, already imported as /updates/${r.slug}`;
  if (r.status === 'skipped') return `${r.file}: skipped: ${r.reason}`;
  return `${r.file}: not imported: ${r.reason}`;
}

const KIND_LABEL: Record<Dropped['kind'], string> = {
  'site chrome': 'site chrome',
  'post metadata': 'post metadata',
  spacer: 'spacer paragraphs (only a non-breaking space)',
  'stray word': 'stray words (image alt text)',
};

/** The furniture dropped from one file, one indented line per kind, quoting each text (spacers counted). */
function describeDropped(dropped: Dropped[]): string {
  if (!dropped.length) return '';
  const lines = (Object.keys(KIND_LABEL) as Array<Dropped['kind']>).flatMap((kind) => {
    const texts = dropped.filter((d) => d.kind === kind).map((d) => d.text);
    if (!texts.length) return [];
    const shown = kind === 'spacer' ? String(texts.length) : texts.map((t) => `"${t.length > 60 ? `${t.slice(0, 57)}...` : t}"`).join(', ');
    return [`    ${KIND_LABEL[kind]}: ${shown}`];
  });
  return `\n  dropped as page furniture:\n${lines.join('\n')}`;
}

/** A table of every file's outcome, for the end of the command's output. */
export function summaryTable(reports: ImportReport[]): string {
  const rows = [
    ['file', 'result', 'month', 'sections', 'items', 'dropped', 'title or reason'],
    ...reports.map((r) => [
      r.file,
      r.status === 'created' ? 'imported' : r.status === 'failed' ? 'not imported' : r.status,
      r.month ?? '',
      r.sections === undefined ? '' : String(r.sections),
      r.items === undefined ? '' : String(r.items),
      r.dropped === undefined ? '' : String(r.dropped.length),
      (r.status === 'created' ? r.title : r.reason) ?? '',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c === row.length - 1 ? cell : /^\d+$/.test(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w, c) => '-'.repeat(c === widths.length - 1 ? rows[0]![c]!.length : w));
  return [line(rows[0]!), line(rule), ...rows.slice(1).map(line)].join('\n');
}
