import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { ValidationError } from '../../../platform/errors.js';
import { formErrors, pageNumber } from '../../../platform/http/forms.js';
import { PageCache } from '../../../platform/http/page-cache.js';
import { redirectDone, takeNotice, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { authorise, can } from '../../../policy.js';
import { atomFeed } from '../feed.js';
import { presentEdition } from '../present.js';
import * as pub from '../public.js';
import { commentInput } from '../validation.js';
import { ViewCounter } from '../view-counter.js';
import { parseOrThrow } from '../../../platform/errors.js';

/** The public bulletin: the archive, one edition with its comments (and the comment form), and the Atom feed. */
export function updatePages(app: FastifyInstance, { db, config }: AppContext): void {
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
      // Only signed-in people see a notice; the public's pages are cached and shared, so never carry one.
      notice: req.actor.kind === 'public' ? undefined : takeNotice(req, reply),
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

  app.get(paths.update.pattern, async (request, reply) => {
    const { slug } = (request as PageRequest).params as { slug: string };
    views.count(slug, request.ip, request.headers['user-agent']);
    return cache.serve(request, reply, () => renderEdition(request, reply, slug));
  });

  app.post(paths.updateComments.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const slug = req.params.slug!;
    authorise(req.actor, 'comment.create');
    try {
      await pub.addComment(db, req.actor, slug, parseOrThrow(commentInput, req.body ?? {}));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(await renderEdition(req, reply, slug, { errors: formErrors(err.issues), values: req.body }));
    }
    return redirectDone(reply, {
      to: `${paths.update(slug)}#comments`,
      notice: 'Thank you: your comment will appear once an editor has approved it',
    });
  });
}
