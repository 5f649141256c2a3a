import type { Db } from '../../platform/db/client.js';
import type { Actor } from '../../platform/actor.js';
import { toCsv, type CsvCell } from '../../platform/csv.js';
import { NotFoundError } from '../../platform/errors.js';
import { authorise, can } from '../../policy.js';
import { auditAbout } from '../audit/service.js';
import { mailingRecordOf } from '../mailing/personal-data.js';
import { rotaForApi } from '../rota/service.js';
import * as repo from './repo.js';

// A person's data on request (UK GDPR right of access): what Baton holds about them, gathered from each module's
// exported read function, as one JSON document or one CSV of section, field and value.

/** Everything Baton holds about a person; they may ask for their own, an admin for anyone's. */
export async function personalData(db: Db, actor: Actor, personId: number) {
  if (!(actor.kind === 'person' && actor.id === personId)) authorise(actor, 'person.exportData');
  const person = await repo.getPerson(db, personId);
  if (!person) throw new NotFoundError('Person');
  const mailing = await mailingRecordOf(db, person.email);
  // The rota is read through its API read model, which needs directory.view: people below member hold no slots.
  const rota = can(actor, 'directory.view') ? await rotaForApi(db, actor) : [];
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      name: person.name,
      email: person.email,
      jobTitle: person.jobTitle,
      organisation: person.organisationName,
      roleInChildrensServices: person.jobRole,
      paEmail: person.paEmail,
      accessInBaton: person.accessRole,
      addedOn: person.createdAt.toISOString(),
    },
    subscriber: mailing.subscriber,
    subscriptions: mailing.subscriptions,
    consentRecord: mailing.consent,
    sendsReceived: mailing.received,
    rotaSlots: rota.filter((s) => s.personId === personId).map((s) => ({ month: s.month, deadline: s.deadline, submitted: s.submitted })),
    auditEntries: await auditAbout(db, { personId, email: person.email }),
  };
}

/** A person's data on request, as personalData returns it. */
export type PersonalData = Awaited<ReturnType<typeof personalData>>;

/** The same data as CSV: one row per value, with the section, the row's number within it, the field and the value. */
export function personalDataCsv(data: PersonalData): string {
  const rows: CsvCell[][] = [];
  const cell = (v: unknown): CsvCell => (v == null || typeof v !== 'object' || v instanceof Date ? (v as CsvCell) : JSON.stringify(v));
  for (const [section, value] of Object.entries(data)) {
    if (Array.isArray(value)) {
      value.forEach((item: Record<string, unknown>, i) => {
        for (const [field, v] of Object.entries(item)) rows.push([section, i + 1, field, cell(v)]);
      });
    } else if (value && typeof value === 'object') {
      for (const [field, v] of Object.entries(value)) rows.push([section, 1, field, cell(v)]);
    } else rows.push([section, 1, section, cell(value)]);
  }
  return toCsv(['section', 'row', 'field', 'value'], rows);
}
