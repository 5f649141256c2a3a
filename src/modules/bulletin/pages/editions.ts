import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/http/context.js';
import { formPage, viewPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { optionalText, pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import * as content from '../content.js';
import { presentEdition } from '../present.js';
import * as pub from '../public.js';
import * as bulletin from '../service.js';
import { editionInput, editionPatch, introductionInput, scheduleInput } from '../validation.js';
import { EDITOR_TEMPLATE, backToEdition, editorData } from './editor-view.js';

const idOf = (req: PageRequest) => pathId(req.params.id);
const edit = (req: PageRequest) => authorise(req.actor, 'bulletin.edit');

/** A GOV.UK checkbox with the value "yes": true when ticked, false when left out. */
export const checkbox = () =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (Array.isArray(v) ? v.includes('yes') : v === 'yes'));

/** The new-edition form: a title, a month and whether to start from last month's standing sections. */
const newEditionForm = editionInput.pick({ title: true, month: true }).extend({
  fromPrevious: optionalText(10).optional(),
  withItems: checkbox(),
});

/** A section's form fields: its heading and the "standing" checkbox. */
export const sectionForm = z.object({
  heading: optionalText(300),
  standing: checkbox(),
});

/** The editors' pages for editions: the list and new-edition form, the editor, the preview, and the workflow's buttons. */
export function editionPages(app: FastifyInstance, { db }: AppContext): void {
  formPage(app, {
    path: paths.adminEditions,
    authorise: edit,
    template: 'bulletin/views/admin-editions.njk',
    schema: newEditionForm,
    load: async (req) => ({ editions: await bulletin.editionsForEditor(db, req.actor) }),
    submit: async (req, { fromPrevious, withItems, ...input }) => {
      await bulletin.refuseTakenMonth(db, input.month);
      if (!fromPrevious) {
        const { id } = await bulletin.createEdition(db, req.actor, input);
        return { to: paths.adminEdition(id), notice: `Created the edition ${input.title}` };
      }
      const started = await bulletin.startFromPrevious(db, req.actor, { ...input, withItems });
      return { to: paths.adminEdition(started.id), notice: bulletin.startedNotice(input.title, started) };
    },
  });

  viewPage(app, {
    path: paths.adminEdition.pattern,
    authorise: edit,
    template: EDITOR_TEMPLATE,
    load: async (req) => editorData(db, req.actor, idOf(req)),
  });

  viewPage(app, {
    path: paths.adminEditionPreview.pattern,
    authorise: edit,
    template: 'bulletin/views/admin-preview.njk',
    load: async (req) => ({
      e: presentEdition(await bulletin.editionForEditor(db, req.actor, idOf(req))),
      comments: [],
      settings: await pub.bulletinSettings(db),
    }),
  });

  /** A form of the editor (shown by the edition page), re-rendering that page with the problems when refused. */
  const editorForm = <S extends z.ZodType>(path: string, schema: S, run: (req: PageRequest, input: z.output<S>) => Promise<string>) =>
    formPage(app, {
      path,
      get: false,
      authorise: edit,
      template: EDITOR_TEMPLATE,
      schema,
      load: async (req) => editorData(db, req.actor, idOf(req), req),
      submit: async (req, input) => ({ to: backToEdition(idOf(req), req.body, paths.adminEdition), notice: await run(req, input) }),
    });

  editorForm(paths.adminEditionDetails.pattern, editionPatch.pick({ title: true, month: true }), async (req, input) => {
    if (input.month) await bulletin.refuseTakenMonth(db, input.month, idOf(req));
    await bulletin.updateEdition(db, req.actor, idOf(req), input);
    return 'Saved the title and month';
  });
  editorForm(paths.adminEditionIntroduction.pattern, introductionInput, async (req, input) => {
    await bulletin.updateEdition(db, req.actor, idOf(req), { introduction: input });
    return 'Saved the introduction';
  });
  editorForm(paths.adminEditionSections.pattern, sectionForm, async (req, input) => {
    await content.addSection(db, req.actor, idOf(req), input);
    return `Added the section ${input.heading ?? '(untitled)'}`;
  });
  editorForm(paths.adminEditionSchedule.pattern, scheduleInput, async (req, input) => {
    await bulletin.transition(db, req.actor, idOf(req), { schedule: input });
    return 'Scheduled the edition';
  });

  // The workflow's moves, each back to the edition's page.
  const moves = [
    [paths.adminEditionReview, 'review', 'Marked the edition ready for review'],
    [paths.adminEditionDraft, 'draft', 'Returned the edition to draft'],
    [paths.adminEditionPublish, 'publish', 'Published the edition'],
    [paths.adminEditionUnpublish, 'unpublish', 'Unpublished the edition'],
  ] as const;
  for (const [route, to, notice] of moves) {
    editorForm(route.pattern, z.object({}).passthrough(), async (req) => {
      await bulletin.transition(db, req.actor, idOf(req), to);
      return notice;
    });
  }

  formPage(app, {
    path: paths.adminEditionDelete.pattern,
    resource: async (req) => (await bulletin.editionForEditor(db, req.actor, idOf(req))).edition,
    authorise: edit,
    template: 'bulletin/views/admin-confirm-delete.njk',
    schema: z.object({}).passthrough(),
    load: async (_req, e) => ({
      what: `the edition ${e.title}`,
      detail: 'Its sections, items and attachments are deleted with it. This cannot be undone.',
      back: paths.adminEdition(e.id),
      action: paths.adminEditionDelete(e.id),
    }),
    submit: async (req, _input, e) => {
      await bulletin.deleteEdition(db, req.actor, e.id);
      return { to: paths.adminEditions, notice: `Deleted the edition ${e.title}` };
    },
  });
}
