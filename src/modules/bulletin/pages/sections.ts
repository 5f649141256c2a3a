import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../../platform/http/context.js';
import { actionRoute, formPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import * as content from '../content.js';
import { itemInput } from '../validation.js';
import { sectionForm } from './editions.js';
import { EDITOR_TEMPLATE, backToEdition, editorData } from './editor-view.js';

const idOf = (req: PageRequest) => pathId(req.params.id);
const edit = (req: PageRequest) => authorise(req.actor, 'bulletin.edit');
const label = (s: { heading: string | null }) => `'${s.heading || 'untitled'}'`;

/** The editor's changes to one section: rename, move up or down, delete (after a confirm page) and add an item. */
export function sectionPages(app: FastifyInstance, { db }: AppContext): void {
  const section = async (req: PageRequest) => content.sectionForEditor(db, req.actor, idOf(req));

  /** A section's form, shown on the edition page and re-rendering it with the problems when refused. */
  const sectionEditorForm = <S extends z.ZodType>(
    path: string,
    schema: S,
    run: (req: PageRequest, input: z.output<S>, s: Awaited<ReturnType<typeof section>>) => Promise<string>,
  ) =>
    formPage(app, {
      path,
      get: false,
      resource: section,
      authorise: edit,
      template: EDITOR_TEMPLATE,
      schema,
      load: async (req, s) => editorData(db, req.actor, s.editionId, req),
      submit: async (req, input, s) => ({
        to: backToEdition(s.editionId, req.body, paths.adminEdition),
        notice: await run(req, input, s),
      }),
    });

  sectionEditorForm(paths.adminSectionUpdate.pattern, sectionForm, async (req, input, s) => {
    await content.updateSection(db, req.actor, s.id, input);
    return `Saved the section ${label({ heading: input.heading })}`;
  });
  sectionEditorForm(paths.adminSectionItems.pattern, itemInput, async (req, input, s) => {
    await content.addItem(db, req.actor, s.id, input);
    return `Added an item to ${label(s)}`;
  });

  for (const [route, dir] of [
    [paths.adminSectionUp, 'up'],
    [paths.adminSectionDown, 'down'],
  ] as const) {
    actionRoute(app, {
      path: route.pattern,
      resource: section,
      authorise: edit,
      submit: async (req, _input, s) => {
        await content.moveSection(db, req.actor, s.id, dir);
        return { to: backToEdition(s.editionId, req.body, paths.adminEdition), notice: `Moved the section ${label(s)} ${dir}` };
      },
    });
  }

  formPage(app, {
    path: paths.adminSectionDelete.pattern,
    resource: section,
    authorise: edit,
    template: 'bulletin/views/admin-confirm-delete.njk',
    schema: z.object({}).passthrough(),
    load: async (_req, s) => ({
      what: `the section ${label(s)}`,
      detail: `Its ${s.itemCount} item${s.itemCount === 1 ? '' : 's'} and their attachments are deleted with it. This cannot be undone.`,
      back: `${paths.adminEdition(s.editionId)}#s${s.id}`,
      action: paths.adminSectionDelete(s.id),
    }),
    submit: async (req, _input, s) => {
      await content.deleteSection(db, req.actor, s.id);
      return { to: paths.adminEdition(s.editionId), notice: `Deleted the section ${label(s)}` };
    },
  });
}
