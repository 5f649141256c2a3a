import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/http/context.js';
import { ValidationError, parseOrThrow } from '../../../platform/errors.js';
import { formErrors, uploadedFile } from '../../../platform/http/forms.js';
import { actionRoute, formPage, redirectDone, viewPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { renderMarkdown } from '../../../platform/text/markdown.js';
import { idField, pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import * as content from '../content.js';
import { itemInput } from '../validation.js';
import * as bulletin from '../service.js';
import { backToEdition } from './editor-view.js';

const idOf = (req: PageRequest) => pathId(req.params.id);
const edit = (req: PageRequest) => authorise(req.actor, 'bulletin.edit');
const ITEM_TEMPLATE = 'bulletin/views/admin-item.njk';
const label = (i: { heading: string | null }) => `'${i.heading || 'untitled item'}'`;

/** The item form: Save, or Preview (which shows the text rendered without saving). */
const itemForm = itemInput.extend({ action: z.string().optional() });

/** The editor's pages for one item: its own edit page with attachments, and its buttons on the edition page. */
export function itemPages(app: FastifyInstance, { db }: AppContext): void {
  const item = async (req: PageRequest) => content.itemForEditor(db, req.actor, idOf(req));
  const itemView = async (req: PageRequest, it: Awaited<ReturnType<typeof item>>) => ({
    e: it.edition,
    item: it,
    others: await bulletin.otherEditions(db, req.actor, it.editionId),
  });

  viewPage(app, {
    path: paths.adminItem.pattern,
    resource: item,
    authorise: edit,
    template: ITEM_TEMPLATE,
    load: async (req, it) => ({ ...(await itemView(req, it)), values: it }),
  });

  // Save, or Preview: the preview re-renders the form with the text as readers will see it, saving nothing.
  app.post(paths.adminItem.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const it = await item(req);
    edit(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { action, ...input } = parseOrThrow(itemForm, body);
      if (action === 'preview') return reply.page(ITEM_TEMPLATE, { ...(await itemView(req, it)), values: body, previewHtml: renderMarkdown(input.body) });
      await content.updateItem(db, req.actor, it.id, input);
      return redirectDone(reply, { to: paths.adminItem(it.id), notice: `Saved the item ${label(input)}` });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(ITEM_TEMPLATE, { ...(await itemView(req, it)), values: body, errors: formErrors(err.issues) });
    }
  });

  app.post(paths.adminItemAttachments.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const it = await item(req);
    edit(req);
    const fields = (req.body ?? {}) as { file?: unknown; replace?: unknown };
    const file = uploadedFile(fields.file);
    try {
      const replace = fields.replace ? parseOrThrow(z.object({ replace: idField('Choose the attachment to replace') }), fields).replace : undefined;
      const input = { filename: file?.filename ?? '', contentType: file?.mimetype ?? '', data: file?.data ?? Buffer.alloc(0) };
      if (replace) await content.replaceAttachment(db, req.actor, replace, it.id, input);
      else await content.attachFile(db, req.actor, it.id, input);
      return redirectDone(reply, {
        to: paths.adminItem(it.id),
        notice: `${replace ? 'Replaced the attachment with' : 'Attached'} ${input.filename}`,
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(ITEM_TEMPLATE, { ...(await itemView(req, it)), values: it, errors: formErrors(err.issues) });
    }
  });

  for (const [route, dir] of [
    [paths.adminItemUp, 'up'],
    [paths.adminItemDown, 'down'],
  ] as const) {
    actionRoute(app, {
      path: route.pattern,
      resource: item,
      authorise: edit,
      submit: async (req, _input, it) => {
        await content.moveItem(db, req.actor, it.id, dir);
        return { to: backToEdition(it.editionId, req.body, paths.adminEdition), notice: `Moved the item ${label(it)} ${dir}` };
      },
    });
  }

  formPage(app, {
    path: paths.adminItemMove.pattern,
    get: false,
    resource: item,
    authorise: edit,
    template: ITEM_TEMPLATE,
    schema: z.object({ edition: idField('Choose an edition') }),
    load: async (req, it) => ({ ...(await itemView(req, it)), values: it }),
    submit: async (req, input, it) => {
      await content.moveItemToEdition(db, req.actor, it.id, input.edition);
      return { to: backToEdition(it.editionId, req.body, paths.adminEdition), notice: `Moved the item ${label(it)} to another edition` };
    },
  });

  formPage(app, {
    path: paths.adminItemDelete.pattern,
    resource: item,
    authorise: edit,
    template: 'bulletin/views/admin-confirm-delete.njk',
    schema: z.object({}).passthrough(),
    load: async (_req, it) => ({
      what: `the item ${label(it)}`,
      detail: `It is deleted from ${it.edition.title}${it.attachments.length ? ' with its attachments' : ''}. This cannot be undone.`,
      back: `${paths.adminEdition(it.editionId)}#s${it.sectionId}`,
      action: paths.adminItemDelete(it.id),
    }),
    submit: async (req, _input, it) => {
      await content.deleteItem(db, req.actor, it.id);
      return { to: `${paths.adminEdition(it.editionId)}#s${it.sectionId}`, notice: `Deleted the item ${label(it)}` };
    },
  });

  formPage(app, {
    path: paths.adminAttachmentDelete.pattern,
    resource: async (req) => content.attachmentForEditor(db, req.actor, idOf(req)),
    authorise: edit,
    template: 'bulletin/views/admin-confirm-delete.njk',
    schema: z.object({}).passthrough(),
    load: async (_req, a) => ({
      what: `the attachment ${a.filename}`,
      detail: 'Readers will no longer be able to download it. This cannot be undone.',
      back: paths.adminItem(a.itemId),
      action: paths.adminAttachmentDelete(a.id),
    }),
    submit: async (req, _input, a) => {
      await content.deleteAttachment(db, req.actor, a.id);
      return { to: paths.adminItem(a.itemId), notice: `Removed the attachment ${a.filename}` };
    },
  });
}
