import { toCsv } from '../../platform/csv.js';
import { z } from 'zod';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { recordAudit } from '../audit/service.js';
import { authorise } from '../../policy.js';
import { editionAuthors, monthLabel, setHandoff } from '../bulletin/service.js';
import { listMemberOrganisations, personByEmailForAuth, personForAuth, searchPeople } from '../directory/service.js';
import { emailField } from '../directory/validation.js';
import { monthField } from '../bulletin/validation.js';
import { defaultDeadline, monthOf, monthStart, nextMonth } from './dates.js';
import { dateField, idField } from '../../platform/validation.js';
import * as repo from './repo.js';

/** A slot as the rota pages and API show it. */
export interface RotaEntry {
  month: string;
  label: string;
  deadline: string;
  personId: number | null;
  authorName: string;
  organisationName: string | null;
  email: string | null;
  paEmail: string | null;
  source: 'rota' | 'import';
  submitted: boolean;
}

async function toEntry(db: Db, s: repo.Slot): Promise<RotaEntry> {
  const month = s.month.slice(0, 7);
  const person = s.personId ? await personForAuth(db, s.personId) : undefined;
  return {
    month,
    label: monthLabel(month),
    deadline: s.deadline ?? defaultDeadline(month),
    personId: s.personId,
    authorName: s.authorName,
    organisationName: s.organisationName,
    email: person?.email ?? null,
    paEmail: person?.paEmail ?? null,
    source: s.source,
    submitted: Boolean(await repo.latestIntroduction(db, s.month)),
  };
}

/** The whole rota, by month, for editors. */
export async function listRota(db: Db, actor: Actor): Promise<RotaEntry[]> {
  authorise(actor, 'rota.manage');
  return Promise.all((await repo.listSlots(db)).map((s) => toEntry(db, s)));
}

/** The rota as CSV, one row a month, for a spreadsheet. */
export async function rotaCsv(db: Db, actor: Actor): Promise<string> {
  const rows = await listRota(db, actor);
  return toCsv(
    ['month', 'author', 'organisation', 'email', 'pa_email', 'deadline', 'introduction_received', 'source'],
    rows.map((e) => [e.month, e.authorName, e.organisationName, e.email, e.paEmail, e.deadline, e.submitted, e.source]),
  );
}

/** The rota as the API sends it: everything editors see, for any token that may read the directory. */
export async function rotaForApi(db: Db, actor: Actor): Promise<RotaEntry[]> {
  authorise(actor, 'directory.view');
  return Promise.all((await repo.listSlots(db)).map((s) => toEntry(db, s)));
}

/** The slots of the signed-in director. */
export async function mySlots(db: Db, actor: Actor): Promise<RotaEntry[]> {
  authorise(actor, 'rota.viewOwn');
  if (actor.id == null || actor.kind !== 'person') return [];
  return Promise.all((await repo.slotsOf(db, actor.id)).map((s) => toEntry(db, s)));
}

const assignInput = z.object({ month: monthField, person: z.union([emailField, idField('Choose a director')]) });

/** Sets who writes a month's introduction (a person in the directory, by email or id); the hand-off line follows. */
export async function assignSlot(db: Db, actor: Actor, input: unknown): Promise<RotaEntry> {
  authorise(actor, 'rota.manage');
  const v = parseOrThrow(assignInput, input);
  const person = typeof v.person === 'number' ? await personForAuth(db, v.person) : await personByEmailForAuth(db, v.person);
  if (!person) throw new ValidationError([{ field: 'person', message: `${v.person} is not in the directory: add them first` }]);
  await inTransaction(db, async (tx) => {
    await repo.upsertSlot(tx, {
      month: monthStart(v.month),
      personId: person.id,
      authorName: person.name,
      organisationName: person.organisationName,
    });
    await recordAudit(tx, actor, {
      action: 'rota.assign',
      entityType: 'rota',
      entityId: v.month,
      summary: `${person.name} writes the introduction for ${monthLabel(v.month)}`,
    });
  });
  await syncHandoffs(db);
  return toEntry(db, (await repo.slotFor(db, monthStart(v.month)))!);
}

/** Swaps the authors of two months, keeping each month's deadline. */
export async function swapSlots(db: Db, actor: Actor, input: unknown): Promise<void> {
  authorise(actor, 'rota.manage');
  const v = parseOrThrow(z.object({ first: monthField, second: monthField }), input);
  if (v.first === v.second) throw new ValidationError([{ field: 'second', message: 'Choose two different months' }]);
  await inTransaction(db, async (tx) => {
    const a = await repo.slotFor(tx, monthStart(v.first));
    const b = await repo.slotFor(tx, monthStart(v.second));
    if (!a) throw new ValidationError([{ field: 'first', message: `Nobody is on the rota for ${monthLabel(v.first)}` }]);
    if (!b) throw new ValidationError([{ field: 'second', message: `Nobody is on the rota for ${monthLabel(v.second)}` }]);
    await repo.setSlotAuthor(tx, a.id, { personId: b.personId, authorName: b.authorName, organisationName: b.organisationName });
    await repo.setSlotAuthor(tx, b.id, { personId: a.personId, authorName: a.authorName, organisationName: a.organisationName });
    await recordAudit(tx, actor, {
      action: 'rota.swap',
      entityType: 'rota',
      entityId: `${v.first}/${v.second}`,
      summary: `Swapped ${monthLabel(v.first)} (${a.authorName}) and ${monthLabel(v.second)} (${b.authorName})`,
    });
  });
  await syncHandoffs(db);
}

/** Changes a month's copy deadline (empty for the default, the 15th of the month before). */
export async function changeDeadline(db: Db, actor: Actor, input: unknown): Promise<void> {
  authorise(actor, 'rota.manage');
  const v = parseOrThrow(z.object({ month: monthField, deadline: z.union([dateField(), z.literal('')]) }), input);
  const slot = await repo.slotFor(db, monthStart(v.month));
  if (!slot) throw new NotFoundError('Rota slot');
  await inTransaction(db, async (tx) => {
    await repo.setDeadline(tx, monthStart(v.month), v.deadline || null);
    await recordAudit(tx, actor, {
      action: 'rota.deadline',
      entityType: 'rota',
      entityId: v.month,
      summary: `Deadline for ${monthLabel(v.month)} set to ${v.deadline || defaultDeadline(v.month)}`,
    });
  });
}

/** When each member council last wrote, who is booked next, and who never has. */
export async function fairness(db: Db, actor: Actor, today = new Date()) {
  authorise(actor, 'rota.manage');
  const slots = await repo.listSlots(db);
  const current = monthOf(today);
  const people = (await searchPeople(db, actor, { limit: 10_000, offset: 0 })).rows;
  const orgOf = (s: repo.Slot) => (s.personId ? people.find((p) => p.id === s.personId)?.organisationName : null) ?? s.organisationName;
  return (await listMemberOrganisations(db))
    .map((org) => {
      const theirs = slots.filter((s) => orgOf(s)?.toLowerCase() === org.name.toLowerCase()).map((s) => s.month.slice(0, 7));
      const past = theirs.filter((m) => m <= current);
      return { organisation: org.name, lastWrote: past.at(-1) ?? null, next: theirs.find((m) => m > current) ?? null, times: past.length };
    })
    .sort((a, b) => (a.lastWrote ?? '').localeCompare(b.lastWrote ?? '') || a.organisation.localeCompare(b.organisation));
}

/** Fills the rota's past from editions: each edition's author for its month, its hand-off line for the month after. */
export async function fillFromEditions(db: Db): Promise<number> {
  const people = new Map(
    (await searchPeople(db, systemActor('rota'), { limit: 10_000, offset: 0 })).rows.map((p) => [p.name.toLowerCase(), p.id]),
  );
  let added = 0;
  for (const e of await editionAuthors(db)) {
    const entries: Array<{ month: string; author: string; organisation: string | null; personId: number | null }> = [];
    if (e.author) entries.push({ month: e.month, author: e.author, organisation: e.organisation, personId: e.personId });
    if (e.handoff)
      entries.push({ month: nextMonth(e.month), author: e.handoff.author, organisation: e.handoff.organisation, personId: null });
    for (const x of entries) {
      const personId = x.personId ?? people.get(x.author.toLowerCase()) ?? null;
      if (
        await repo.insertSlotIfMissing(db, { month: monthStart(x.month), personId, authorName: x.author, organisationName: x.organisation })
      )
        added++;
    }
  }
  return added;
}

/** Writes next month's author from the rota onto each edition (from a month on), for the hand-off line that ends its introduction. */
export async function syncHandoffs(db: Db, fromMonth?: string): Promise<number> {
  const slots = new Map((await repo.listSlots(db)).map((s) => [s.month.slice(0, 7), s]));
  let changed = 0;
  for (const e of await editionAuthors(db, fromMonth)) {
    const next = slots.get(nextMonth(e.month));
    if (!next) continue;
    const want = { author: next.authorName, organisation: next.organisationName };
    if (e.handoff?.author === want.author && e.handoff?.organisation === want.organisation) continue;
    changed += await setHandoff(db, e.month, want);
  }
  return changed;
}
