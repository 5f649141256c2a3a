import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import { formErrors, pageNumber } from '../../platform/http/forms.js';
import { pathId } from '../../platform/validation.js';
import { paths } from '../../platform/http/paths.js';
import { getMessage, listMessages } from '../../platform/mail/outbox.js';
import { ACCOUNT_ROLES } from '../../platform/actor.js';
import { listAudit } from '../audit/service.js';
import { authorise, can } from '../../policy.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/service.js';

const PER_PAGE = 50;

/** The admin area: index, audit log, mail outbox and API tokens. */
export function adminRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;

  app.get(paths.admin, async (req, reply) => {
    authorise(req.actor, 'directory.manage');
    return reply.page('admin/views/index.njk', {
      canAudit: can(req.actor, 'audit.view'),
      canOutbox: can(req.actor, 'outbox.view'),
      canTokens: can(req.actor, 'tokens.manage'),
    });
  });

  app.get(paths.adminAudit, async (req, reply) => {
    authorise(req.actor, 'audit.view');
    const page = pageNumber((req.query as { page?: string }).page);
    const events = await listAudit(db, { page, perPage: PER_PAGE });
    return reply.page('admin/views/audit.njk', { events, page, hasMore: events.length === PER_PAGE });
  });

  app.get(paths.adminOutbox, async (req, reply) => {
    authorise(req.actor, 'outbox.view');
    const page = pageNumber((req.query as { page?: string }).page);
    const result = await listMessages(db, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
    return reply.page('admin/views/outbox.njk', { ...result, page, perPage: PER_PAGE, usesSmtp: ctx.mailer.usesSmtp });
  });

  app.get<{ Params: { id: string } }>('/admin/outbox/:id', async (req, reply) => {
    authorise(req.actor, 'outbox.view');
    const message = await getMessage(db, pathId(req.params.id));
    if (!message) throw new NotFoundError('Message');
    return reply.page('admin/views/message.njk', { message });
  });

  app.get<{ Params: { id: string } }>('/admin/outbox/:id/html', async (req, reply) => {
    authorise(req.actor, 'outbox.view');
    const message = await getMessage(db, pathId(req.params.id));
    if (!message) throw new NotFoundError('Message');
    // The email's inline styles need this one page to allow them; it runs no script.
    return reply
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:")
      .type('text/html; charset=utf-8')
      .send(message.htmlBody);
  });

  const tokensPage = async (extra: Record<string, unknown>) => ({
    tokens: await listApiTokens(db, extra.actor as never),
    roles: ACCOUNT_ROLES,
    values: {},
    ...extra,
  });

  app.get(paths.adminTokens, async (req, reply) => reply.page('admin/views/tokens.njk', await tokensPage({ actor: req.actor })));

  app.post(paths.adminTokens, async (req, reply) => {
    const body = (req.body ?? {}) as { name?: string; role?: string };
    try {
      const created = await createApiToken(db, req.actor, body);
      reply.header('Cache-Control', 'no-store');
      return reply.page('admin/views/tokens.njk', await tokensPage({ actor: req.actor, created }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply
        .code(400)
        .page('admin/views/tokens.njk', await tokensPage({ actor: req.actor, values: body, errors: formErrors(err.issues) }));
    }
  });

  app.post<{ Params: { id: string } }>('/admin/tokens/:id/revoke', async (req, reply) => {
    await revokeApiToken(db, req.actor, pathId(req.params.id));
    return reply.redirect(paths.adminTokens, 303);
  });
}
