import { inTransaction, type Db } from '../../platform/db/client.js';
import { FieldConflictError, NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import { authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { createOrganisation, listAllOrganisations } from '../directory/service.js';
import * as repo from './repo.js';
import { opportunityInput, signupInput, type OpportunityInput, type SignupInput } from './validation.js';

const today = () => new Date().toISOString().slice(0, 10);

/** True when sign-ups are still taken: up to and including the closing date. */
export function isOpen(o: { closesOn: string }, day = today()): boolean {
  return day <= o.closesOn;
}

/** An editor records an opportunity on a partner's behalf; a partner not in the directory is added as a partner organisation. */
export async function createOpportunity(db: Db, actor: Actor, input: OpportunityInput): Promise<repo.Opportunity> {
  authorise(actor, 'opportunity.manage');
  const v = parseOrThrow(opportunityInput, input);
  const partner = (await listAllOrganisations(db)).find((o) => o.name === v.partner) ?? (await createOrganisation(db, actor, { name: v.partner, kind: 'partner' }));
  return inTransaction(db, async (tx) => {
    const o = await repo.insertOpportunity(tx, {
      title: v.title,
      partnerOrganisationId: partner.id,
      description: v.description,
      takingPart: v.takingPart,
      contact: v.contact,
      link: v.link,
      closesOn: v.closes,
    });
    await recordAudit(tx, actor, { action: 'opportunity.create', entityType: 'opportunity', entityId: o.id, summary: `Added opportunity ${v.title} from ${partner.name}, closing ${v.closes}` });
    return o;
  });
}

/** Opportunities with their partner's name and whether they are open. */
export async function listOpportunities(db: Db, actor: Actor, day = today()) {
  authorise(actor, 'opportunity.view');
  const orgs = new Map((await listAllOrganisations(db)).map((o) => [o.id, o.name]));
  return (await repo.listOpportunities(db)).map((o) => ({ ...o, partner: orgs.get(o.partnerOrganisationId) ?? '', open: isOpen(o, day) }));
}

/** One opportunity. */
export async function getOpportunity(db: Db, actor: Actor, id: number) {
  authorise(actor, 'opportunity.view');
  const o = await repo.getOpportunity(db, id);
  if (!o) throw new NotFoundError('Opportunity');
  return o;
}

/** An organisation signs up (its director, or an editor on its behalf); once per organisation, and only until the closing date. */
export async function signUp(db: Db, actor: Actor, opportunityId: number, input: SignupInput, day = today()): Promise<number> {
  authorise(actor, 'opportunity.signup', { organisationId: actor.organisationId });
  const o = await getOpportunity(db, actor, opportunityId);
  const v = parseOrThrow(signupInput, input);
  const org = (await listAllOrganisations(db)).find((x) => (typeof v.organisation === 'number' ? x.id === v.organisation : x.name === v.organisation));
  if (!org) throw new ValidationError([{ field: 'organisation', message: 'No organisation has that id or exact name in the directory' }]);
  authorise(actor, 'opportunity.signup', { organisationId: org.id });
  if (!isOpen(o, day)) throw new FieldConflictError([{ field: 'opportunity', message: `This opportunity closed on ${o.closesOn}` }]);
  return inTransaction(db, async (tx) => {
    const id = await repo.insertSignup(tx, { opportunityId, organisationId: org.id, contactEmail: v.contact, note: v.note, recordedBy: actor.label });
    if (id === null) throw new FieldConflictError([{ field: 'organisation', message: `${org.name} has already signed up` }]);
    await recordAudit(tx, actor, { action: 'opportunity.signup', entityType: 'opportunity', entityId: opportunityId, summary: `${org.name} signed up to ${o.title} (contact ${v.contact})` });
    return id;
  });
}

/** Who has signed up, for the partner's contact (an editor on their behalf). */
export async function signups(db: Db, actor: Actor, opportunityId: number) {
  authorise(actor, 'opportunity.manage');
  await getOpportunity(db, actor, opportunityId);
  const orgs = new Map((await listAllOrganisations(db)).map((o) => [o.id, o.name]));
  return (await repo.signupsOf(db, opportunityId)).map((s) => ({ ...s, organisation: orgs.get(s.organisationId) ?? '' }));
}
