import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { ValidationError } from '../../platform/errors.js';
import { formErrors, uploadedFile } from '../../platform/http/forms.js';
import { paths, withQuery } from '../../platform/http/paths.js';
import { renderMarkdown } from '../../platform/text/markdown.js';
import { formId, pathId } from '../../platform/validation.js';
import { authorise } from '../../policy.js';
import { searchPeople } from '../directory/service.js';
import * as content from './content.js';
import { presentEdition } from './present.js';
import * as pub from './public.js';
import * as bulletin from './service.js';

type Body = Record<string, string | undefined>;
type Params = { Params: { id: string } };

const idOf = (req: FastifyRequest<Params>) => pathId(req.params.id);
const monthOf = (e: { month: string }) => e.month.slice(0, 7);

/** The editors' pages: editions, their introduction, sections and items, the workflow, comments and settings. */
export function bulletinAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;

  const editPage = async (req: FastifyRequest, reply: FastifyReply, id: number, extra: Record<string, unknown> = {}) => {
    const tree = await bulletin.editionForEditor(db, req.actor, id);
    const [editions, directors] = await Promise.all([
      bulletin.editionsForEditor(db, req.actor),
      searchPeople(db, req.actor, { limit: 1000, offset: 0 }),
    ]);
    return reply.page('bulletin/views/admin-edition.njk', {
      e: presentEdition(tree),
      month: monthOf(tree.edition),
      others: editions.filter((x) => x.id !== id),
      directors: directors.rows.filter((p) => p.jobRole === 'director'),
      values: {},
      ...extra,
    });
  };

  /** Runs an editor's action and returns to the edition page, re-rendering it with errors if the input was refused. */
  const act =
    (action: (req: FastifyRequest<Params>, body: Body) => Promise<unknown>, editionOf: (req: FastifyRequest<Params>) => Promise<number>) =>
    async (req: FastifyRequest<Params>, reply: FastifyReply) => {
      const body = (req.body ?? {}) as Body;
      const editionId = await editionOf(req);
      try {
        await action(req, body);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        reply.code(400);
        return editPage(req, reply, editionId, { errors: formErrors(err.issues), values: body, failed: body.form });
      }
      return reply.redirect(`${paths.adminEdition(editionId)}${/^[\w-]{1,100}$/.test(body.anchor ?? '') ? `#${body.anchor}` : ''}`, 303);
    };
  const sameEdition = async (req: FastifyRequest<Params>) => idOf(req);
  const editionOfSection = async (req: FastifyRequest<Params>) => (await content.editionOfSection(db, idOf(req))) ?? 0;
  const editionOfItem = async (req: FastifyRequest<Params>) => (await content.editionOfItem(db, idOf(req))) ?? 0;

  app.get(paths.adminEditions, async (req, reply) => {
    const editions = await bulletin.editionsForEditor(db, req.actor);
    return reply.page('bulletin/views/admin-editions.njk', { editions, values: {} });
  });

  app.post(paths.adminEditions, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    try {
      const fn = body.fromPrevious ? bulletin.startFromPrevious : bulletin.createEdition;
      const { id } = await fn(db, req.actor, { title: body.title, month: body.month });
      return reply.redirect(paths.adminEdition(id), 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page('bulletin/views/admin-editions.njk', {
        editions: await bulletin.editionsForEditor(db, req.actor),
        values: body,
        errors: formErrors(err.issues),
      });
    }
  });

  app.get<Params>('/admin/editions/:id', async (req, reply) => editPage(req, reply, idOf(req)));

  app.get<Params>('/admin/editions/:id/preview', async (req, reply) => {
    const tree = await bulletin.editionForEditor(db, req.actor, idOf(req));
    return reply.page('bulletin/views/admin-preview.njk', {
      e: presentEdition(tree),
      comments: [],
      settings: await pub.bulletinSettings(db),
    });
  });

  app.post<Params>(
    '/admin/editions/:id/details',
    act((req, b) => bulletin.updateEdition(db, req.actor, idOf(req), { title: b.title, month: b.month }), sameEdition),
  );
  app.post<Params>(
    '/admin/editions/:id/introduction',
    act(
      (req, b) =>
        bulletin.updateEdition(db, req.actor, idOf(req), {
          introduction: {
            author: b.author,
            organisation: b.organisation,
            personId: b.personId || null,
            body: b.body ?? '',
            signOff: b.signOff,
          },
        }),
      sameEdition,
    ),
  );
  app.post<Params>(
    '/admin/editions/:id/sections',
    act((req, b) => content.addSection(db, req.actor, idOf(req), { heading: b.heading, standing: b.standing === 'yes' }), sameEdition),
  );
  // The workflow's moves, each back to the edition's page.
  for (const to of ['review', 'draft', 'publish', 'unpublish'] as const) {
    app.post<Params>(
      `/admin/editions/:id/${to}`,
      act((req) => bulletin.transition(db, req.actor, idOf(req), to), sameEdition),
    );
  }
  app.post<Params>(
    '/admin/editions/:id/schedule',
    act((req, b) => bulletin.transition(db, req.actor, idOf(req), { schedule: { publishAt: b.publishAt } }), sameEdition),
  );
  app.post<Params>('/admin/editions/:id/delete', async (req, reply) => {
    await bulletin.deleteEdition(db, req.actor, idOf(req));
    return reply.redirect(paths.adminEditions, 303);
  });

  // Each change to a section or an item returns to its edition's page.
  const contentActions: Array<
    [string, (req: FastifyRequest<Params>, b: Body) => Promise<unknown>, (req: FastifyRequest<Params>) => Promise<number>]
  > = [
    [
      '/admin/sections/:id/update',
      (req, b) => content.updateSection(db, req.actor, idOf(req), { heading: b.heading, standing: b.standing === 'yes' }),
      editionOfSection,
    ],
    ['/admin/sections/:id/up', (req) => content.moveSection(db, req.actor, idOf(req), 'up'), editionOfSection],
    ['/admin/sections/:id/down', (req) => content.moveSection(db, req.actor, idOf(req), 'down'), editionOfSection],
    ['/admin/sections/:id/delete', (req) => content.deleteSection(db, req.actor, idOf(req)), editionOfSection],
    [
      '/admin/sections/:id/items',
      (req, b) => content.addItem(db, req.actor, idOf(req), { heading: b.heading, body: b.body ?? '' }),
      editionOfSection,
    ],
    ['/admin/items/:id/up', (req) => content.moveItem(db, req.actor, idOf(req), 'up'), editionOfItem],
    ['/admin/items/:id/down', (req) => content.moveItem(db, req.actor, idOf(req), 'down'), editionOfItem],
    ['/admin/items/:id/delete', (req) => content.deleteItem(db, req.actor, idOf(req)), editionOfItem],
    [
      '/admin/items/:id/move',
      (req, b) => content.moveItemToEdition(db, req.actor, idOf(req), formId(b.edition, 'edition', 'Choose an edition')),
      editionOfItem,
    ],
  ];
  for (const [url, action, editionOf] of contentActions) app.post<Params>(url, act(action, editionOf));

  const itemPage = async (req: FastifyRequest<Params>, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    authorise(req.actor, 'bulletin.edit');
    const editionId = await content.editionOfItem(db, idOf(req));
    const tree = await bulletin.editionForEditor(db, req.actor, editionId ?? 0);
    const item = tree.sections.flatMap((s) => s.items).find((i) => i.id === idOf(req))!;
    return reply.page('bulletin/views/admin-item.njk', { e: tree.edition, item, values: item, ...extra });
  };
  app.get<Params>('/admin/items/:id', async (req, reply) => itemPage(req, reply));
  app.post<Params>('/admin/items/:id', async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    if (body.action === 'preview') return itemPage(req, reply, { values: body, previewHtml: renderMarkdown(body.body ?? '') });
    try {
      await content.updateItem(db, req.actor, idOf(req), { heading: body.heading, body: body.body ?? '' });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return itemPage(req, reply.code(400), { values: body, errors: formErrors(err.issues) });
    }
    return reply.redirect(withQuery(paths.adminItem(idOf(req)), { saved: 1 }), 303);
  });
  app.post<Params>('/admin/items/:id/attachments', async (req, reply) => {
    const file = uploadedFile((req.body as { file?: unknown } | undefined)?.file);
    try {
      await content.attachFile(db, req.actor, idOf(req), {
        filename: file?.filename ?? '',
        contentType: file?.mimetype ?? '',
        data: file?.data ?? Buffer.alloc(0),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return itemPage(req, reply.code(400), { errors: formErrors(err.issues) });
    }
    return reply.redirect(withQuery(paths.adminItem(idOf(req)), { saved: 1 }), 303);
  });

  app.get(paths.adminComments, async (req, reply) =>
    reply.page('bulletin/views/admin-comments.njk', { comments: await pub.pendingComments(db, req.actor) }),
  );
  app.post<{ Params: { id: string; decision: string } }>('/admin/comments/:id/:decision', async (req, reply) => {
    const decision = req.params.decision === 'approve' ? 'approved' : 'rejected';
    await pub.decideComment(db, req.actor, pathId(req.params.id), decision);
    return reply.redirect(paths.adminComments, 303);
  });

  app.get(paths.adminBulletinSettings, async (req, reply) => {
    authorise(req.actor, 'bulletin.publish');
    return reply.page('bulletin/views/admin-settings.njk', { values: await pub.bulletinSettings(db) });
  });
  app.post(paths.adminBulletinSettings, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    try {
      await pub.saveBulletinSettings(db, req.actor, body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page('bulletin/views/admin-settings.njk', { values: body, errors: formErrors(err.issues) });
    }
    return reply.page('bulletin/views/admin-settings.njk', { values: await pub.bulletinSettings(db), notice: 'Saved' });
  });
}
