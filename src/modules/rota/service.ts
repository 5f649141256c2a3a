import { toCsv } from '../../platform/csv.js';
import { z } from 'zod';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { recordAudit } from '../audit/service.js';
import { authorise } from '../../policy.js';
import { editionAuthors, monthLabel, setHandoff } from '../bulletin/service.js';
import { listDirectors, listMemberOrganisations, personByEmailForAuth, personForAuth, searchPeople } from '../directory/service.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { deadlineCancellation } from './reminders.js';
import { emailField } from '../directory/validation.js';
import { monthField } from '../bulletin/validation.js';
import { defaultDeadline, longDate, monthOf, monthStart, nextMonth } from './dates.js';
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

type Person = NonNullable<Awaited<ReturnType<typeof personForAuth>>>;

/** Slots as entries in a fixed number of queries: the directors once, the months with introductions once. */
async function toEntries(db: Db, slots: repo.Slot[]): Promise<RotaEntry[]> {
  if (!slots.length) return [];
  const [directors, received] = await Promise.all([listDirectors(db), repo.monthsWithIntroductions(db)]);
  const byId = new Map<number, Person>(directors.map((p) => [p.id, p]));
  // Someone booked who is not (or no longer) a director is looked up alone: rare, and never the whole directory.
  for (const id of new Set(slots.map((s) => s.personId).filter((id): id is number => id != null && !byId.has(id)))) {
    const p = await personForAuth(db, id);
    if (p) byId.set(id, p);
  }
  return slots.map((s) => {
    const month = s.month.slice(0, 7);
    const person = s.personId ? byId.get(s.personId) : undefined;
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
      submitted: received.has(s.month),
    };
  });
}

async function toEntry(db: Db, s: repo.Slot): Promise<RotaEntry> {
  return (await toEntries(db, [s]))[0]!;
}

/** The whole rota, by month, for editors. */
export async function listRota(db: Db, actor: Actor): Promise<RotaEntry[]> {
  authorise(actor, 'rota.manage');
  return toEntries(db, await repo.listSlots(db));
}

/** The months from this one on, over the next year, that nobody is booked to write: the rota's gaps. */
export function upcomingGaps(entries: RotaEntry[], today = new Date(), months = 12): Array<{ month: string; label: string }> {
  const booked = new Set(entries.map((e) => e.month));
  const gaps: Array<{ month: string; label: string }> = [];
  let m = monthOf(today);
  for (let i = 0; i < months; i++, m = nextMonth(m)) if (!booked.has(m)) gaps.push({ month: m, label: monthLabel(m) });
  return gaps;
}

/** The directors who may be booked, by name (directors only, never the whole directory). */
export async function directorsToBook(db: Db, actor: Actor) {
  authorise(actor, 'rota.manage');
  return listDirectors(db);
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
  return toEntries(db, await repo.listSlots(db));
}

/** The slots of the signed-in director. */
export async function mySlots(db: Db, actor: Actor): Promise<RotaEntry[]> {
  authorise(actor, 'rota.viewOwn');
  if (actor.id == null || actor.kind !== 'person') return [];
  return toEntries(db, await repo.slotsOf(db, actor.id));
}

/** "Your introduction for MONTH is due on DATE" for each of the signed-in person's months not yet written and not past. */
export async function dueNotices(db: Db, actor: Actor, today = new Date()): Promise<Array<{ month: string; text: string }>> {
  if (actor.id == null || actor.kind !== 'person') return [];
  const current = monthOf(today);
  const received = await repo.monthsWithIntroductions(db);
  return (await repo.slotsOf(db, actor.id))
    .filter((s) => s.month.slice(0, 7) >= current && !received.has(s.month))
    .map((s) => {
      const month = s.month.slice(0, 7);
      return { month, text: `Your introduction for ${monthLabel(month)} is due on ${longDate(s.deadline ?? defaultDeadline(month))}` };
    });
}

const CHOOSE_DIRECTOR = 'Choose the director who will write the introduction';
const MONTH_MESSAGE = 'Enter the month as YYYY-MM, for example 2031-06';

/** What booking a month takes: the month, the director (email or id), and whether replacing who is booked is confirmed. */
export const assignInput = z.object({
  month: z.string({ error: MONTH_MESSAGE }).pipe(monthField),
  person: z.union([emailField, idField(CHOOSE_DIRECTOR)], { error: CHOOSE_DIRECTOR }),
  replace: z.union([z.boolean(), z.literal('yes'), z.literal('')]).optional(),
});
/** The input of assignSlot, as a form or the API sends it. */
export type AssignInput = z.input<typeof assignInput>;

/** The month is booked for someone else and the replacement was not confirmed; says who would be replaced. */
export class ReplacementNeeded extends ValidationError {
  constructor(
    readonly month: string,
    readonly current: string,
    readonly next: string,
  ) {
    super([{ field: 'replace', message: `${monthLabel(month)} is booked for ${current}: confirm that ${next} replaces them` }]);
  }
}

/** How the rota writes to directors when a booking changes. */
export interface RotaMail {
  mailer: Mailer;
  baseUrl: string;
  networkName: string;
  from: string;
}

/** Sets who writes a month's introduction (a person in the directory, by email or id); the hand-off line follows.
 * A month already booked for someone else needs `replace`; both directors are then told, the first with a calendar cancellation. */
export async function assignSlot(db: Db, actor: Actor, input: AssignInput | unknown, mail?: RotaMail, today = new Date()): Promise<RotaEntry> {
  authorise(actor, 'rota.manage');
  const v = parseOrThrow(assignInput, input);
  if (v.month < monthOf(today))
    throw new ValidationError([
      { field: 'month', message: `${monthLabel(v.month)} has passed: choose ${monthLabel(monthOf(today))} or a later month` },
    ]);
  const person = typeof v.person === 'number' ? await personForAuth(db, v.person) : await personByEmailForAuth(db, v.person);
  if (!person) throw new ValidationError([{ field: 'person', message: `${v.person} is not in the directory: add them first` }]);
  await inTransaction(db, async (tx) => {
    const before = await repo.slotFor(tx, monthStart(v.month));
    const replacing = before && before.personId !== person.id ? before : undefined;
    if (replacing && !(v.replace === true || v.replace === 'yes')) throw new ReplacementNeeded(v.month, replacing.authorName, person.name);
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
      summary: replacing
        ? `${person.name} replaces ${replacing.authorName} for the introduction for ${monthLabel(v.month)}`
        : `${person.name} writes the introduction for ${monthLabel(v.month)}`,
    });
    if (replacing && mail) await tellOfReplacement(tx, mail, { month: v.month, slot: replacing, next: person });
  });
  await syncHandoffs(db);
  return toEntry(db, (await repo.slotFor(db, monthStart(v.month)))!);
}

/** Who booking this director for this month would replace, for the confirm page; NotFound when nobody would be. */
export async function replacementFor(db: Db, actor: Actor, input: AssignInput | unknown) {
  authorise(actor, 'rota.manage');
  const v = parseOrThrow(assignInput, input);
  const person = typeof v.person === 'number' ? await personForAuth(db, v.person) : await personByEmailForAuth(db, v.person);
  const slot = await repo.slotFor(db, monthStart(v.month));
  if (!person || !slot || slot.personId === person.id) throw new NotFoundError('Booking to replace');
  return {
    month: v.month,
    label: monthLabel(v.month),
    person: typeof v.person === 'number' ? String(v.person) : v.person,
    current: slot.authorName,
    currentOrganisation: slot.organisationName,
    next: person.name,
    nextOrganisation: person.organisationName,
  };
}

/** Emails the replaced director (with a cancellation of the deadline invitation they had) and the new one. */
async function tellOfReplacement(tx: Db, mail: RotaMail, r: { month: string; slot: repo.Slot; next: Person }): Promise<void> {
  const label = monthLabel(r.month);
  const deadline = r.slot.deadline ?? defaultDeadline(r.month);
  const old = r.slot.personId ? await personForAuth(tx, r.slot.personId) : undefined;
  if (old) {
    const hadInvitation = await repo.wasReminded(tx, monthStart(r.month), old.id);
    const { text, html } = renderSimpleEmail({
      heading: `You no longer need to write the introduction for ${label}`,
      paragraphs: [
        `Dear ${old.name},`,
        `The regional team has changed the rota: ${r.next.name}${r.next.organisationName ? ` (${r.next.organisationName})` : ''} will write the introduction for the ${label} Regional Update instead of you.`,
        hadInvitation
          ? 'The deadline in your calendar is cancelled by the attachment, and the personal link we sent you no longer works.'
          : 'There is nothing you need to do.',
      ],
      footer: mail.networkName,
    });
    await mail.mailer.queue(tx, {
      to: old.email,
      cc: old.paEmail,
      subject: `Regional Update introduction for ${label}: you have been replaced on the rota`,
      text,
      html,
      ical: hadInvitation
        ? {
            method: 'CANCEL',
            filename: 'cancel.ics',
            content: deadlineCancellation({ month: r.month, deadline, to: old.email, name: old.name, ...mail }),
          }
        : undefined,
    });
  }
  const { text, html } = renderSimpleEmail({
    heading: `You are on the rota for ${label}`,
    paragraphs: [
      `Dear ${r.next.name},`,
      `The regional team has booked you to write the introduction for the ${label} Regional Update, in place of ${r.slot.authorName}. It is due on ${longDate(deadline)}.`,
      'You will get a reminder with a personal link to write it, and the deadline as a calendar invitation.',
    ],
    footer: mail.networkName,
  });
  await mail.mailer.queue(tx, {
    to: r.next.email,
    cc: r.next.paEmail,
    subject: `Regional Update introduction for ${label}: due ${longDate(deadline)}`,
    text,
    html,
  });
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
  const people = await listDirectors(db);
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
