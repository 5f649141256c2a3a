import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import { recordAudit } from '../audit/service.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import { touchEdition } from './service.js';
import type { z } from 'zod';
import { itemInput, sectionInput } from './validation.js';

const sectionFields = sectionInput.pick({ heading: true, standing: true });

/** Runs an editor's change to an edition's contents in one transaction, reindexing and auditing it. */
async function change<T>(db: Db, actor: Actor, summary: string, work: (tx: Db) => Promise<{ editionId: number; result: T }>): Promise<T> {
  authorise(actor, 'bulletin.edit');
  return inTransaction(db, async (tx) => {
    const { editionId, result } = await work(tx);
    await touchEdition(tx, editionId);
    await recordAudit(tx, actor, { action: 'edition.content', entityType: 'edition', entityId: editionId, summary });
    return result;
  });
}

async function sectionOrThrow(tx: Db, id: number) {
  const s = await repo.getSection(tx, id);
  if (!s) throw new NotFoundError('Section');
  return s;
}

async function itemOrThrow(tx: Db, id: number) {
  const i = await repo.getItem(tx, id);
  if (!i) throw new NotFoundError('Item');
  return i;
}

/** Adds a section at the end of an edition. */
export async function addSection(db: Db, actor: Actor, editionId: number, input: z.input<typeof sectionFields>) {
  const v = parseOrThrow(sectionFields, input);
  return change(db, actor, `Added section ${v.heading ?? '(untitled)'}`, async (tx) => {
    if (!(await repo.getEdition(tx, editionId))) throw new NotFoundError('Edition');
    return { editionId, result: await repo.appendSection(tx, editionId, { heading: v.heading, standing: v.standing }) };
  });
}

/** Renames a section or marks it standing (carried into next month's edition). */
export async function updateSection(db: Db, actor: Actor, sectionId: number, input: z.input<typeof sectionFields>) {
  const v = parseOrThrow(sectionFields, input);
  return change(db, actor, `Changed section ${v.heading ?? '(untitled)'}`, async (tx) => {
    const s = await sectionOrThrow(tx, sectionId);
    await repo.updateSection(tx, sectionId, { heading: v.heading, ...(v.standing !== undefined ? { standing: v.standing } : {}) });
    return { editionId: s.editionId, result: undefined };
  });
}

/** Deletes a section and its items. */
export async function deleteSection(db: Db, actor: Actor, sectionId: number) {
  return change(db, actor, `Deleted a section`, async (tx) => {
    const s = await sectionOrThrow(tx, sectionId);
    await repo.deleteSection(tx, sectionId);
    return { editionId: s.editionId, result: undefined };
  });
}

/** Moves a section one place up or down. */
export async function moveSection(db: Db, actor: Actor, sectionId: number, dir: 'up' | 'down') {
  return change(db, actor, `Moved a section ${dir}`, async (tx) => {
    const s = await sectionOrThrow(tx, sectionId);
    const other = await repo.neighbourSection(tx, s, dir);
    if (other) {
      await repo.updateSection(tx, s.id, { position: other.position });
      await repo.updateSection(tx, other.id, { position: s.position });
    }
    return { editionId: s.editionId, result: undefined };
  });
}

/** Adds an item at the end of a section. */
export async function addItem(db: Db, actor: Actor, sectionId: number, input: z.input<typeof itemInput>) {
  const v = parseOrThrow(itemInput, input);
  if (!v.heading && !v.body.trim()) throw new ValidationError([{ field: 'body', message: 'Enter a heading or some text' }]);
  return change(db, actor, `Added item ${v.heading ?? ''}`.trim(), async (tx) => {
    const s = await sectionOrThrow(tx, sectionId);
    return { editionId: s.editionId, result: await repo.appendItem(tx, sectionId, v) };
  });
}

/** Changes an item's heading and body. */
export async function updateItem(db: Db, actor: Actor, itemId: number, input: z.input<typeof itemInput>) {
  const v = parseOrThrow(itemInput, input);
  return change(db, actor, `Changed item ${v.heading ?? ''}`.trim(), async (tx) => {
    const it = await itemOrThrow(tx, itemId);
    await repo.updateItem(tx, itemId, v);
    return { editionId: it.editionId, result: undefined };
  });
}

/** Deletes an item. */
export async function deleteItem(db: Db, actor: Actor, itemId: number) {
  return change(db, actor, 'Deleted an item', async (tx) => {
    const it = await itemOrThrow(tx, itemId);
    await repo.deleteItem(tx, itemId);
    return { editionId: it.editionId, result: undefined };
  });
}

/** Moves an item one place up or down within its section. */
export async function moveItem(db: Db, actor: Actor, itemId: number, dir: 'up' | 'down') {
  return change(db, actor, `Moved an item ${dir}`, async (tx) => {
    const it = await itemOrThrow(tx, itemId);
    const other = await repo.neighbourItem(tx, it, dir);
    if (other) {
      await repo.updateItem(tx, it.id, { position: other.position });
      await repo.updateItem(tx, other.id, { position: it.position });
    }
    return { editionId: it.editionId, result: undefined };
  });
}

/** Moves an item to another edition, into its section with the same heading (made if missing). */
export async function moveItemToEdition(db: Db, actor: Actor, itemId: number, targetEditionId: number) {
  return change(db, actor, `Moved an item to edition ${targetEditionId}`, async (tx) => {
    const it = await itemOrThrow(tx, itemId);
    const target = await repo.getEdition(tx, targetEditionId);
    if (!target) throw new ValidationError([{ field: 'edition', message: 'Choose an edition to move the item to' }]);
    const from = await sectionOrThrow(tx, it.sectionId);
    const tree = await repo.loadTree(tx, target);
    const section =
      tree.sections.find((s) => s.heading === from.heading) ?? (await repo.appendSection(tx, target.id, { heading: from.heading }));
    const moved = await repo.appendItem(tx, section.id, { heading: it.heading, body: it.body });
    await repo.deleteItem(tx, it.id);
    await touchEdition(tx, target.id);
    return { editionId: it.editionId, result: moved };
  });
}

const ALLOWED_TYPES = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/msword',
  'text/csv',
]);

/** A file as an editor uploads it. */
export interface FileUpload {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Checks an uploaded file and answers its safe name. */
function checkedFile(file: FileUpload): string {
  if (!file.data.length) throw new ValidationError([{ field: 'file', message: 'Choose a file' }]);
  if (file.data.length > 5 * 1024 * 1024) throw new ValidationError([{ field: 'file', message: 'The file must be smaller than 5 MB' }]);
  if (!ALLOWED_TYPES.has(file.contentType))
    throw new ValidationError([{ field: 'file', message: 'The file must be a PDF, Word document, CSV, PNG or JPEG' }]);
  return file.filename.replace(/[^\w .()-]+/g, '_').slice(0, 120) || 'attachment';
}

/** Attaches a file (such as a flyer PDF, at most 5 MB) to an item. */
export async function attachFile(db: Db, actor: Actor, itemId: number, file: FileUpload) {
  const filename = checkedFile(file);
  return change(db, actor, `Attached ${filename}`, async (tx) => {
    const it = await itemOrThrow(tx, itemId);
    const id = await repo.insertAttachment(tx, {
      itemId,
      filename,
      contentType: file.contentType,
      size: file.data.length,
      data: file.data,
    });
    return { editionId: it.editionId, result: id };
  });
}

async function attachmentOrThrow(tx: Db, id: number) {
  const a = await repo.getAttachment(tx, id);
  if (!a) throw new NotFoundError('Attachment');
  return a;
}

/** Replaces an item's attachment with a new file, keeping its link. */
export async function replaceAttachment(db: Db, actor: Actor, attachmentId: number, itemId: number, file: FileUpload) {
  const filename = checkedFile(file);
  return change(db, actor, `Replaced an attachment with ${filename}`, async (tx) => {
    const a = await attachmentOrThrow(tx, attachmentId);
    if (a.itemId !== itemId) throw new ValidationError([{ field: 'replace', message: 'Choose one of this item’s attachments to replace' }]);
    await repo.replaceAttachment(tx, a.id, { filename, contentType: file.contentType, size: file.data.length, data: file.data });
    return { editionId: a.editionId, result: a.id };
  });
}

/** Removes an attachment from its item. */
export async function deleteAttachment(db: Db, actor: Actor, attachmentId: number) {
  return change(db, actor, 'Removed an attachment', async (tx) => {
    const a = await attachmentOrThrow(tx, attachmentId);
    await repo.deleteAttachment(tx, a.id);
    return { editionId: a.editionId, result: undefined };
  });
}

/** An attachment's details (not its bytes), for the editor's confirm page. */
export async function attachmentForEditor(db: Db, actor: Actor, attachmentId: number) {
  authorise(actor, 'bulletin.edit');
  const { data: _data, ...meta } = await attachmentOrThrow(db, attachmentId);
  return meta;
}

/** A section with the number of items it holds, for the editor. */
export async function sectionForEditor(db: Db, actor: Actor, sectionId: number) {
  authorise(actor, 'bulletin.edit');
  const s = await sectionOrThrow(db, sectionId);
  return { ...s, itemCount: await repo.countItems(db, sectionId) };
}

/** One item with its attachments and its edition, for the item page (without loading the rest of the edition). */
export async function itemForEditor(db: Db, actor: Actor, itemId: number) {
  authorise(actor, 'bulletin.edit');
  const it = await itemOrThrow(db, itemId);
  const [edition, attachments] = await Promise.all([repo.getEdition(db, it.editionId), repo.attachmentsOfItem(db, itemId)]);
  if (!edition) throw new NotFoundError('Item');
  return { ...it, edition, attachments };
}

/** The edition a section belongs to, if the section exists. */
export async function editionOfSection(db: Db, sectionId: number): Promise<number | undefined> {
  return (await repo.getSection(db, sectionId))?.editionId;
}

/** The edition an item belongs to, if the item exists. */
export async function editionOfItem(db: Db, itemId: number): Promise<number | undefined> {
  return (await repo.getItem(db, itemId))?.editionId;
}
