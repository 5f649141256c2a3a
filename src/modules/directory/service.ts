import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import { inTransaction, type Db } from '../../platform/db/client.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../../platform/actor.js';
import type { Mailer } from '../../platform/mail/mailer.js';
import { renderSimpleEmail } from '../../platform/mail/render.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import { JOB_ROLE_LABELS, type JobRole } from './schema.js';
import { organisationInput, type OrganisationFields, personInput, personPatch, type PersonInput, type PersonPatch } from './validation.js';

/** Creates an organisation; a name already in use is a validation error on `name`. */
export async function createOrganisation(db: Db, actor: Actor, input: OrganisationFields): Promise<repo.Organisation> {
  authorise(actor, 'directory.manage');
  const values = parseOrThrow(organisationInput, input);
  return inTransaction(db, async (tx) => {
    if (await repo.findOrganisationByName(tx, values.name)) {
      throw new ValidationError([{ field: 'name', message: `An organisation called ${values.name} already exists` }]);
    }
    const org = await repo.insertOrganisation(tx, values);
    await recordAudit(tx, actor, {
      action: 'organisation.create',
      entityType: 'organisation',
      entityId: org.id,
      summary: `Added organisation ${org.name}`,
      data: values,
    });
    return org;
  });
}

/** Changes an organisation's name or kind. */
export async function updateOrganisation(db: Db, actor: Actor, id: number, input: Partial<OrganisationFields>): Promise<repo.Organisation> {
  authorise(actor, 'directory.manage');
  const values = parseOrThrow(organisationInput.partial(), input);
  return inTransaction(db, async (tx) => {
    const before = await repo.getOrganisation(tx, id);
    if (!before) throw new NotFoundError('Organisation');
    if (values.name) {
      const clash = await repo.findOrganisationByName(tx, values.name);
      if (clash && clash.id !== id) {
        throw new ValidationError([{ field: 'name', message: `An organisation called ${values.name} already exists` }]);
      }
    }
    const org = (await repo.updateOrganisation(tx, id, values))!;
    await recordAudit(tx, actor, {
      action: 'organisation.update',
      entityType: 'organisation',
      entityId: id,
      summary: `Changed organisation ${org.name}`,
      data: { before: { name: before.name, kind: before.kind }, after: values },
    });
    return org;
  });
}

/** Finds an organisation by id or exact name, or reports the field. */
async function resolveOrganisation(db: Db, ref: number | string | null | undefined): Promise<number | null> {
  if (ref == null) return null;
  const org = typeof ref === 'number' ? await repo.getOrganisation(db, ref) : await repo.findOrganisationByName(db, ref);
  if (!org)
    throw new ValidationError([
      { field: 'organisation', message: `No organisation ${typeof ref === 'number' ? 'with id' : 'named'} ${ref}` },
    ]);
  return org.id;
}

function toValues(input: PersonInput, organisationId: number | null): repo.PersonValues {
  return {
    name: input.name,
    email: input.email,
    jobTitle: input.jobTitle,
    organisationId,
    jobRole: input.role,
    paEmail: input.paEmail,
    accessRole: input.accessRole ?? 'member',
  };
}

const FIELD_WORDS: Record<keyof repo.PersonValues, string> = {
  name: 'name',
  email: 'email address',
  jobTitle: 'job title',
  organisationId: 'organisation',
  jobRole: "role in children's services",
  paEmail: "PA's email address",
  accessRole: 'access in Baton',
};

/** Says a change to a person in words: "Changed Jo Bloggs: job title from 'Head' to 'Director'; organisation from none to Solihull". */
async function describeChanges(db: Db, before: repo.PersonView, changes: Partial<repo.PersonValues>): Promise<string> {
  const shown = async (key: keyof repo.PersonValues, value: unknown): Promise<string> => {
    if (value == null || value === '') return 'none';
    if (key === 'organisationId') return (await repo.getOrganisation(db, value as number))?.name ?? `organisation ${String(value)}`;
    if (key === 'jobRole') return JOB_ROLE_LABELS[value as JobRole] ?? String(value);
    return `'${String(value)}'`;
  };
  const parts: string[] = [];
  for (const key of Object.keys(changes) as Array<keyof repo.PersonValues>) {
    if (changes[key] === before[key]) continue;
    parts.push(`${FIELD_WORDS[key]} from ${await shown(key, before[key])} to ${await shown(key, changes[key])}`);
  }
  return `Changed ${before.name}: ${parts.join('; ') || 'nothing'}`;
}

/** Adds a person; an address already in the directory is a validation error on `email`. */
export async function createPerson(db: Db, actor: Actor, input: unknown): Promise<repo.PersonView> {
  const values = parseOrThrow(personInput, input);
  return inTransaction(db, async (tx) => {
    const organisationId = await resolveOrganisation(tx, values.organisation);
    authorise(actor, 'person.edit', { organisationId, accessRole: values.accessRole ?? 'member' });
    if (values.accessRole && values.accessRole !== 'member') authorise(actor, 'person.setAccessRole');
    if (await repo.findPersonByEmail(tx, values.email)) {
      throw new ValidationError([{ field: 'email', message: `${values.email} is already in the directory` }]);
    }
    const id = await repo.insertPerson(tx, toValues(values, organisationId));
    await recordAudit(tx, actor, {
      action: 'person.create',
      entityType: 'person',
      entityId: id,
      summary: `Added ${values.name} <${values.email}> as ${JOB_ROLE_LABELS[values.role]}`,
      data: values,
    });
    return (await repo.getPerson(tx, id))!;
  });
}

/** How the directory tells a person about a change to their account: the mailer, and the network's name to sign with. */
export interface PersonNotices {
  mailer: Mailer;
  networkName: string;
}

/** Queues, in the change's transaction, the email telling the old address that the account's address changed. */
async function noticeOfNewAddress(tx: Db, notices: PersonNotices, actor: Actor, who: { name: string; from: string; to: string }) {
  const { text, html } = renderSimpleEmail({
    heading: 'Your email address was changed',
    paragraphs: [
      `Hello ${who.name},`,
      `The email address of your account with ${notices.networkName} was changed from ${who.from} to ${who.to} by ${actor.label}.`,
      'Sign-in links now go to the new address. If you did not expect this, reply to this email or contact the network team at once.',
    ],
    footer: notices.networkName,
  });
  await notices.mailer.queue(tx, { to: who.from, subject: `Your email address with ${notices.networkName} was changed`, text, html });
}

/**
 * Changes a person; only the given fields change, and the change is audited with before and after.
 * A change of email address needs `notices`: the old address is told, in the same transaction.
 */
export async function updatePerson(db: Db, actor: Actor, id: number, input: unknown, notices?: PersonNotices): Promise<repo.PersonView> {
  const patch: PersonPatch = parseOrThrow(personPatch, input);
  let emailed = false;
  const person = await inTransaction(db, async (tx) => {
    const before = await repo.getPerson(tx, id);
    if (!before) throw new NotFoundError('Person');
    const target = { organisationId: before.organisationId, accessRole: before.accessRole };
    authorise(actor, 'person.edit', target);
    const changes: Partial<repo.PersonValues> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.email !== undefined && patch.email !== before.email) {
      authorise(actor, 'person.changeEmail', target);
      const clash = await repo.findPersonByEmail(tx, patch.email);
      if (clash && clash.id !== id) throw new ValidationError([{ field: 'email', message: `${patch.email} is already in the directory` }]);
      if (!notices) throw new Error('updatePerson: a change of email address needs the mailer to tell the old address');
      changes.email = patch.email;
    }
    if (patch.jobTitle !== undefined) changes.jobTitle = patch.jobTitle;
    if (patch.role !== undefined) changes.jobRole = patch.role;
    if (patch.paEmail !== undefined) changes.paEmail = patch.paEmail;
    if (patch.organisation !== undefined) {
      changes.organisationId = await resolveOrganisation(tx, patch.organisation);
      // A director may not move someone out of (or into) another organisation.
      authorise(actor, 'person.edit', { ...target, organisationId: changes.organisationId });
    }
    if (patch.accessRole !== undefined && patch.accessRole !== before.accessRole) {
      authorise(actor, 'person.setAccessRole', target);
      changes.accessRole = patch.accessRole;
    }
    await repo.updatePerson(tx, id, changes);
    const beforeShown = Object.fromEntries(Object.keys(changes).map((k) => [k, before[k as keyof typeof before]]));
    await recordAudit(tx, actor, {
      action: changes.accessRole ? 'person.role' : changes.email ? 'person.email' : 'person.update',
      entityType: 'person',
      entityId: id,
      summary: await describeChanges(tx, before, changes),
      data: { before: beforeShown, after: changes },
    });
    if (changes.email && notices) {
      await noticeOfNewAddress(tx, notices, actor, { name: before.name, from: before.email, to: changes.email });
      emailed = true;
    }
    return (await repo.getPerson(tx, id))!;
  });
  if (emailed) notices?.mailer.kick();
  return person;
}

/** One person, for someone allowed to see the directory. */
export async function getPerson(db: Db, actor: Actor, id: number): Promise<repo.PersonView> {
  authorise(actor, 'directory.view');
  const person = await repo.getPerson(db, id);
  if (!person) throw new NotFoundError('Person');
  return person;
}

/** One organisation. */
export async function getOrganisation(db: Db, id: number): Promise<repo.Organisation> {
  const org = await repo.getOrganisation(db, id);
  if (!org) throw new NotFoundError('Organisation');
  return org;
}

/** A page of people matching a search, for someone allowed to see the directory. */
export async function searchPeople(db: Db, actor: Actor, filter: repo.PeopleFilter) {
  authorise(actor, 'directory.view');
  return repo.listPeople(db, filter);
}

export { appointToOffice, planAppointment, OfficeHeldError, type AppointmentPlan } from './offices.js';

/** Who held which office on a day (default today). */
export async function officeHoldersOn(db: Db, day = new Date().toISOString().slice(0, 10)) {
  return repo.officesHeldOn(db, day);
}

/** Leadership changes: every term of office, newest first. */
export async function leadershipChanges(db: Db) {
  return repo.officeHistory(db);
}

/** The person behind a session or sign-in, with no permission check: for the auth module only. */
export async function personForAuth(db: Db, id: number) {
  return repo.getPerson(db, id);
}

/** The person with an email address, with no permission check: for the auth module only. */
export async function personByEmailForAuth(db: Db, email: string) {
  return repo.findPersonByEmail(db, email);
}

/** Councils and trusts of the network, by name: shown to everyone. */
export async function listMemberOrganisations(db: Db) {
  const all = await repo.listOrganisations(db);
  return all.filter((o) => o.kind === 'council' || o.kind === 'trust');
}

/** Every organisation, by name: for choosing one in a form. */
export async function listAllOrganisations(db: Db) {
  return repo.listOrganisations(db);
}

/** Adds a person with an access role, or changes the name and role of the person with that address (the `user add` command). */
export async function addOrUpdateUser(
  db: Db,
  actor: Actor,
  input: { email: string; name: string; accessRole: string; organisation: string | null; role: string },
) {
  const existing = await repo.findPersonByEmail(db, input.email.trim().toLowerCase());
  if (existing) {
    const person = await updatePerson(db, actor, existing.id, {
      name: input.name,
      accessRole: input.accessRole,
      ...(input.organisation ? { organisation: input.organisation } : {}),
    });
    return { person, created: false };
  }
  return { person: await createPerson(db, actor, input), created: true };
}

/** Everyone who edits the bulletin (editors and admins), for notices such as an overdue introduction. */
export async function editorsForNotices(db: Db) {
  return (await repo.allPeople(db)).filter((p) => p.accessRole === 'editor' || p.accessRole === 'admin');
}

/** The directors (role in children's services), with organisation, by name: one query, for choosing a rota author. */
export async function listDirectors(db: Db) {
  return repo.listDirectors(db);
}
