import crypto from 'node:crypto';
import type { Db } from '../../platform/db/client.js';
import type { Actor } from '../../platform/actor.js';
import { ValidationError } from '../../platform/errors.js';
import { authorise } from '../../policy.js';
import { listMemberOrganisations } from '../directory/service.js';
import * as repo from './repo.js';
import { BulletinParseError, parseBulletin } from './import-parse.js';
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
      const parsed = parseBulletin(file.text, { organisations });
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
      });
    } catch (err) {
      if (err instanceof BulletinParseError || err instanceof ValidationError)
        reports.push({ file: file.name, status: 'failed', reason: err.message });
      else throw err;
    }
  }
  return reports;
}

/** One line per file for the command line. */
export function describeReport(r: ImportReport): string {
  if (r.status === 'created') {
    const author = r.author
      ? `introduction by ${r.author}${r.organisation ? ` (${r.organisation})` : ''}`
      : 'introduction with no named author';
    const handoff = r.handoff ? `; next: ${r.handoff.author} from ${r.handoff.organisation}` : '';
    return `${r.file}: imported "${r.title}" as /updates/${r.slug}: ${r.sections} sections, ${r.items} items, ${author}${handoff}`;
  }
  if (r.status === 'unchanged') return `${r.file}: unchanged, already imported as /updates/${r.slug}`;
  if (r.status === 'skipped') return `${r.file}: skipped: ${r.reason}`;
  return `${r.file}: not imported: ${r.reason}`;
}
