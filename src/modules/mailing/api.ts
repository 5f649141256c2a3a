import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { ValidationError } from '../../platform/errors.js';
import { pathId } from '../../platform/validation.js';
import { authorise } from '../../policy.js';
import * as repo from './repo.js';
import * as sends from './sends.js';
import * as subs from './subscriptions.js';

const subscriberIn = z.object({
  email: z.string(),
  name: z.string().optional().nullable(),
  role: z.string().optional().nullable(),
  organisation: z.string().optional().nullable(),
});
const sendStatus = z.object({
  id: z.number(),
  status: z.enum(['queued', 'sending', 'paused', 'done', 'cancelled', 'failed']),
  total: z.number(),
  sent: z.number(),
  failed: z.number(),
});
const idOf = (params: Record<string, string>) => pathId(params.id, 'Resource');

/** JSON API for subscribers and sends. */
export function mailingApi(app: FastifyInstance, { db }: AppContext): void {
  apiRoute(app, {
    method: 'POST',
    url: '/subscribers',
    tag: 'mailing',
    summary:
      'Add or update up to 10,000 subscribers on lists (created if new); a bad row is answered with its index and nothing is applied',
    body: z.object({ lists: z.array(z.string()), subscribers: z.array(subscriberIn) }),
    response: z.object({ lists: z.array(z.string()), created: z.number(), updated: z.number() }),
    handler: async ({ body, req }) => subs.upsertSubscribers(db, req.actor, body, 'api'),
  });
  apiRoute(app, {
    method: 'GET',
    url: '/subscribers',
    tag: 'mailing',
    summary: 'List the active subscribers of a list',
    query: z.object({
      list: z.string({ error: 'Name a list' }).min(1, 'Name a list'),
      page: z.coerce.number().int().min(1).max(1_000_000, 'page is at most 1,000,000').default(1),
      perPage: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: z.object({
      items: z.array(
        z.object({ email: z.string(), name: z.string().nullable(), role: z.string().nullable(), organisation: z.string().nullable() }),
      ),
      page: z.number(),
      perPage: z.number(),
      total: z.number(),
    }),
    handler: async ({ query, req }) => {
      authorise(req.actor, 'mailing.manage');
      const list = await repo.findList(db, query.list);
      if (!list) throw new ValidationError([{ field: 'list', message: `No list named ${query.list}` }]);
      const { rows, total } = await repo.listSubscribers(db, list.id, { limit: query.perPage, offset: (query.page - 1) * query.perPage });
      return {
        items: rows.map((r) => ({ email: r.email, name: r.name, role: r.role, organisation: r.organisation })),
        page: query.page,
        perPage: query.perPage,
        total,
      };
    },
  });
  apiRoute(app, {
    method: 'POST',
    url: '/editions/:id/sends',
    tag: 'mailing',
    summary: 'Send an edition to a list (optionally a segment, optionally at a time); never twice to anyone unless asked',
    status: 201,
    body: z.object({
      list: z.string(),
      segment: z.object({ roles: z.array(z.string()).optional(), organisations: z.array(z.string()).optional() }).optional(),
      scheduledAt: z.string().optional(),
      repeat: z
        .enum(sends.REPEAT_CHOICES)
        .optional()
        .describe(
          'Needed when some recipients already have the edition (through any list or segment): "missing" sends only to the others, "everyone" again to all; without it such a send is refused (422)',
        ),
    }),
    response: z.object({ id: z.number() }),
    handler: async ({ body, params, req }) => ({ id: (await sends.createSend(db, req.actor, idOf(params), body)).id }),
  });
  apiRoute(app, {
    method: 'GET',
    url: '/sends/:id',
    tag: 'mailing',
    summary: 'A send’s status and counts',
    response: sendStatus,
    handler: async ({ params, req }) => {
      const p = await sends.progress(db, req.actor, idOf(params));
      return { id: p.send.id, status: p.status, total: p.total, sent: p.sent, failed: p.failed };
    },
  });
}
