import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { SHARE_STATUSES } from './schema.js';
import * as sharing from './service.js';
import { shareInput, shareQuery } from './validation.js';

const shareOut = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  organisation: z.string().nullable(),
  status: z.enum(SHARE_STATUSES),
  submittedAt: z.string(),
});

/** JSON API for "Anything to Share": submit, and list the queue by status. */
export function sharingApi(app: FastifyInstance, { db }: AppContext): void {
  apiRoute(app, {
    method: 'POST',
    url: '/shares',
    tag: 'sharing',
    summary: 'Submit practice to share (organisation: id or exact name)',
    body: shareInput,
    status: 201,
    response: z.object({ id: z.number() }),
    handler: async ({ body, req }) => ({ id: (await sharing.submitShare(db, req.actor, body)).id }),
  });
  apiRoute(app, {
    method: 'GET',
    url: '/shares',
    tag: 'sharing',
    summary: 'The editors’ queue of submissions, optionally of one status',
    query: shareQuery,
    response: z.object({ items: z.array(shareOut) }),
    handler: async ({ query, req }) => ({
      items: (await sharing.listShares(db, req.actor, query.status)).map((s) => ({
        id: s.id,
        title: s.title,
        body: s.body,
        organisation: s.organisation,
        status: s.status,
        submittedAt: s.createdAt.toISOString(),
      })),
    }),
  });
}
