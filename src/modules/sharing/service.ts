import { inTransaction, type Db } from '../../platform/db/client.js';
import { FieldConflictError, NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import { authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { addItem, editionOfSection } from '../bulletin/content.js';
import { listAllOrganisations } from '../directory/service.js';
import type { ShareStatus } from './schema.js';
import * as repo from './repo.js';
import { declineInput, placeInput, shareInput, type DeclineInput, type PlaceInput, type ShareInput } from './validation.js';

async function organisationOf(db: Db, actor: Actor, ref: number | string | undefined): Promise<{ id: number; name: string } | null> {
  const orgs = await listAllOrganisations(db);
  if (ref === undefined) return orgs.find((o) => o.id === actor.organisationId) ?? null;
  const org = orgs.find((o) => (typeof ref === 'number' ? o.id === ref : o.name === ref));
  if (!org) throw new ValidationError([{ field: 'organisation', message: 'No organisation has that id or exact name in the directory' }]);
  return org;
}

/** A signed-in member submits practice to share; it joins the editors' queue as new. */
export async function submitShare(db: Db, actor: Actor, input: ShareInput): Promise<repo.Share> {
  authorise(actor, 'share.submit');
  const v = parseOrThrow(shareInput, input);
  const org = await organisationOf(db, actor, v.organisation);
  return inTransaction(db, async (tx) => {
    const share = await repo.insertShare(tx, {
      title: v.title,
      body: v.body,
      difference: v.difference,
      contact: v.contact,
      link: v.link,
      organisationId: org?.id ?? null,
      submittedByPersonId: actor.kind === 'person' ? actor.id : null,
      submittedBy: actor.label,
    });
    await recordAudit(tx, actor, { action: 'share.submit', entityType: 'share', entityId: share.id, summary: `Submitted "${v.title}" to share` });
    return share;
  });
}

/** The editors' queue, optionally of one status, with organisation names. */
export async function listShares(db: Db, actor: Actor, status?: ShareStatus) {
  authorise(actor, 'share.review');
  const orgs = new Map((await listAllOrganisations(db)).map((o) => [o.id, o.name]));
  return (await repo.listShares(db, status)).map((s) => ({ ...s, organisation: s.organisationId ? (orgs.get(s.organisationId) ?? null) : null }));
}

/** One submission, for editors. */
export async function getShare(db: Db, actor: Actor, id: number): Promise<repo.Share> {
  authorise(actor, 'share.review');
  const share = await repo.getShare(db, id);
  if (!share) throw new NotFoundError('Submission');
  return share;
}

async function decided(db: Db, actor: Actor, id: number) {
  const share = await getShare(db, actor, id);
  if (share.status === 'used' || share.status === 'declined') {
    throw new FieldConflictError([{ field: 'status', message: `This submission is already ${share.status}` }]);
  }
  return share;
}

/** An editor marks a submission as being worked on. */
export async function startShare(db: Db, actor: Actor, id: number): Promise<void> {
  const share = await decided(db, actor, id);
  await inTransaction(db, async (tx) => {
    await repo.updateShare(tx, id, { status: 'in_progress' });
    await recordAudit(tx, actor, { action: 'share.start', entityType: 'share', entityId: id, summary: `Started work on "${share.title}" (was ${share.status})` });
  });
}

/** An editor declines a submission, with a reason. */
export async function declineShare(db: Db, actor: Actor, id: number, input: DeclineInput): Promise<void> {
  const share = await decided(db, actor, id);
  const v = parseOrThrow(declineInput, input);
  await inTransaction(db, async (tx) => {
    await repo.updateShare(tx, id, { status: 'declined', declineReason: v.reason });
    await recordAudit(tx, actor, { action: 'share.decline', entityType: 'share', entityId: id, summary: `Declined "${share.title}": ${v.reason}` });
  });
}

/** The bulletin item's text for a submission, crediting the organisation. */
export function itemBody(share: repo.Share, organisation: string | null): string {
  return [
    share.body,
    share.difference ? `**The difference it made:** ${share.difference}` : '',
    share.contact ? `**Contact:** ${share.contact}` : '',
    share.link ? `[Find out more](${share.link})` : '',
    organisation ? `*Shared by ${organisation}.*` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** One action: the submission becomes a draft item in the chosen section of an edition, and is marked used with a link to it. */
export async function placeShare(db: Db, actor: Actor, id: number, input: PlaceInput): Promise<{ itemId: number; editionId: number }> {
  authorise(actor, 'bulletin.edit');
  const share = await decided(db, actor, id);
  const v = parseOrThrow(placeInput, input);
  const editionId = await editionOfSection(db, v.section);
  if (editionId === undefined) throw new ValidationError([{ field: 'section', message: 'Choose a section of an edition' }]);
  const org = share.organisationId ? ((await listAllOrganisations(db)).find((o) => o.id === share.organisationId)?.name ?? null) : null;
  return inTransaction(db, async (tx) => {
    const item = await addItem(tx, actor, v.section, { heading: share.title, body: itemBody(share, org) });
    await repo.updateShare(tx, id, { status: 'used', itemId: item.id, editionId });
    await recordAudit(tx, actor, { action: 'share.place', entityType: 'share', entityId: id, summary: `Placed "${share.title}" in edition ${editionId} as item ${item.id}` });
    return { itemId: item.id, editionId };
  });
}
