import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { ValidationError } from '../../platform/errors.js';
import { pathId } from '../../platform/validation.js';
import { formErrors, pageNumber } from '../../platform/http/forms.js';
import { PageCache } from '../../platform/http/page-cache.js';
import { paths } from '../../platform/http/paths.js';
import { can } from '../../policy.js';
import { atomFeed } from './feed.js';
import { presentEdition } from './present.js';
import * as pub from './public.js';
import { ViewCounter } from './view-counter.js';

/** The public bulletin: archive, one edition, the Atom feed, search, comments and attachments. */
export function bulletinPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db, config } = ctx;
  const cache = new PageCache({ db });
  cache.attach(app);
  const views = new ViewCounter(db);
  views.start();
  app.addHook('onClose', () => views.stop());

  const renderEdition = async (req: FastifyRequest, reply: FastifyReply, slug: string, extra: Record<string, unknown> = {}) => {
    const data = await pub.editionBySlug(db, req.actor, slug);
    const settings = await pub.bulletinSettings(db);
    return reply.render('bulletin/views/edition.njk', {
      e: presentEdition(data),
      comments: data.comments,
      recent: data.recent,
      settings,
      canComment: can(req.actor, 'comment.create'),
      values: {},
      ...extra,
    });
  };

  app.get(paths.updates, async (req, reply) => {
    const page = pageNumber((req.query as { page?: string }).page);
    return cache.serve(req, reply, async () => {
      const data = await pub.archive(db, page);
      return reply.render('bulletin/views/archive.njk', { ...data, page, perPage: pub.ARCHIVE_PER_PAGE });
    });
  });

  app.get(paths.feed, async (req, reply) =>
    cache.serve(req, reply, async () => atomFeed(await pub.feedEditions(db), config), 'application/atom+xml; charset=utf-8'),
  );

  app.get<{ Params: { slug: string } }>('/updates/:slug', async (req, reply) => {
    const { slug } = req.params;
    views.count(slug, req.ip, req.headers['user-agent']);
    return cache.serve(req, reply, () => renderEdition(req, reply, slug));
  });

  app.post<{ Params: { slug: string } }>('/updates/:slug/comments', async (req, reply) => {
    try {
      await pub.addComment(db, req.actor, req.params.slug, req.body ?? {});
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(await renderEdition(req, reply, req.params.slug, { errors: formErrors(err.issues), values: req.body }));
    }
    return reply
      .type('text/html; charset=utf-8')
      .send(
        await renderEdition(req, reply, req.params.slug, { notice: 'Thank you: your comment will appear once an editor has approved it' }),
      );
  });

  app.get(paths.search, async (req, reply) => {
    const q = String((req.query as { q?: string }).q ?? '');
    const page = pageNumber((req.query as { page?: string }).page);
    const result = await pub.search(db, q, page);
    return reply.page('bulletin/views/search.njk', { ...result, page, perPage: 10 });
  });

  app.get<{ Params: { id: string } }>('/attachments/:id', async (req, reply) => {
    const id = pathId(req.params.id, 'Attachment');
    const a = await pub.attachmentFor(db, req.actor, id);
    return reply
      .type(a.contentType)
      .header('Content-Disposition', `attachment; filename="${a.filename.replace(/"/g, '')}"`)
      .header('X-Content-Type-Options', 'nosniff')
      .send(a.data);
  });
}
