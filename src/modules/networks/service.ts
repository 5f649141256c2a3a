import { inTransaction, type Db } from '../../platform/db/client.js';
import { FieldConflictError, NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import { authorise } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { listAllOrganisations, personForAuth } from '../directory/service.js';
import * as repo from './repo.js';
import { commentInput, documentInput, networkInput, type CommentInput, type DocumentInput, type NetworkInput } from './validation.js';

/** Creates a network with its chair. */
export async function createNetwork(db: Db, actor: Actor, input: NetworkInput): Promise<repo.Network> {
  authorise(actor, 'network.manage');
  const v = parseOrThrow(networkInput, input);
  if (v.chair != null && !(await personForAuth(db, v.chair))) throw new ValidationError([{ field: 'chair', message: 'Choose the chair from the directory' }]);
  return inTransaction(db, async (tx) => {
    const n = await repo.insertNetwork(tx, { name: v.name, description: v.description, chairPersonId: v.chair });
    if (v.chair != null) await repo.addMember(tx, n.id, v.chair);
    await recordAudit(tx, actor, { action: 'network.create', entityType: 'network', entityId: n.id, summary: `Created network ${v.name}` });
    return n;
  });
}

/** Adds people from the directory to a network. */
export async function addMembers(db: Db, actor: Actor, networkId: number, personIds: number[]): Promise<void> {
  authorise(actor, 'network.manage');
  if (!(await repo.getNetwork(db, networkId))) throw new NotFoundError('Network');
  for (const id of personIds) if (!(await personForAuth(db, id))) throw new ValidationError([{ field: 'members', message: `No person ${id} in the directory` }]);
  await inTransaction(db, async (tx) => {
    for (const id of personIds) await repo.addMember(tx, networkId, id);
    await recordAudit(tx, actor, { action: 'network.members', entityType: 'network', entityId: networkId, summary: `Added ${personIds.length} members` });
  });
}

/** Every network, for members. */
export async function listNetworks(db: Db, actor: Actor) {
  authorise(actor, 'network.view');
  return repo.listNetworks(db);
}

async function networkOrThrow(db: Db, id: number) {
  const n = await repo.getNetwork(db, id);
  if (!n) throw new NotFoundError('Network');
  return n;
}

/** The network's lead (its chair, or an editor) circulates a document for comment by a deadline. */
export async function circulateDocument(db: Db, actor: Actor, networkId: number, input: DocumentInput, now = new Date()) {
  const n = await networkOrThrow(db, networkId);
  authorise(actor, 'network.lead', { leadPersonId: n.chairPersonId });
  const v = parseOrThrow(documentInput, input);
  if (v.deadline <= now) throw new ValidationError([{ field: 'deadline', message: 'The deadline must be in the future' }]);
  return inTransaction(db, async (tx) => {
    const d = await repo.insertDocument(tx, { networkId, title: v.title, summary: v.summary, link: v.link, deadline: v.deadline, createdBy: actor.label });
    await recordAudit(tx, actor, { action: 'network.document', entityType: 'network', entityId: networkId, summary: `Circulated ${v.title} for comment until ${v.deadline.toISOString()}` });
    return d;
  });
}

/** True while comments are taken: until the deadline. */
export function commentsOpen(doc: { deadline: Date }, now = new Date()): boolean {
  return now < doc.deadline;
}

/** A member comments on a document, with their name and organisation; refused once the deadline has passed. */
export async function comment(db: Db, actor: Actor, documentId: number, input: CommentInput, now = new Date()) {
  authorise(actor, 'network.comment');
  const doc = await repo.getDocument(db, documentId);
  if (!doc) throw new NotFoundError('Document');
  const v = parseOrThrow(commentInput, input);
  if (!commentsOpen(doc, now)) throw new FieldConflictError([{ field: 'body', message: `Comments closed at ${doc.deadline.toISOString()}` }]);
  const person = actor.kind === 'person' && actor.id != null ? await personForAuth(db, actor.id) : undefined;
  const org = person?.organisationId ? (await listAllOrganisations(db)).find((o) => o.id === person.organisationId)?.name : undefined;
  return repo.insertComment(db, { documentId, personId: person?.id ?? null, authorName: person?.name ?? actor.label, organisationName: org ?? null, body: v.body });
}

/** All comments on a document in one place, for the network's lead. */
export async function commentsFor(db: Db, actor: Actor, documentId: number) {
  const doc = await repo.getDocument(db, documentId);
  if (!doc) throw new NotFoundError('Document');
  const n = await networkOrThrow(db, doc.networkId);
  authorise(actor, 'network.lead', { leadPersonId: n.chairPersonId });
  return { document: doc, network: n, comments: await repo.commentsOf(db, documentId) };
}
