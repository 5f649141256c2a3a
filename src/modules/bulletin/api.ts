import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { pathId } from '../../platform/validation.js';
import { EDITION_STATUSES } from './schema.js';
import * as bulletin from './service.js';
import { editionInput, editionPatch } from './validation.js';

const editionOut = z.object({
  id: z.number(),
  slug: z.string(),
  title: z.string(),
  month: z.string(),
  status: z.enum(EDITION_STATUSES),
  publishedAt: z.string().nullable(),
  introduction: z.object({
    author: z.string().nullable(),
    organisation: z.string().nullable(),
    body: z.string(),
    signOff: z.string().nullable(),
  }),
  sections: z.array(
    z.object({
      id: z.number(),
      heading: z.string().nullable(),
      items: z.array(z.object({ id: z.number(), heading: z.string().nullable(), body: z.string() })),
    }),
  ),
});

/** The API's view of an edition: only these fields leave Baton. */
function present(tree: Awaited<ReturnType<typeof bulletin.editionForEditor>>): z.output<typeof editionOut> {
  const e = tree.edition;
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    month: e.month.slice(0, 7),
    status: e.status,
    publishedAt: e.publishedAt?.toISOString() ?? null,
    introduction: { author: e.introAuthor, organisation: e.introOrganisation, body: e.introBody, signOff: e.introSignOff },
    sections: tree.sections.map((s) => ({
      id: s.id,
      heading: s.heading,
      items: s.items.map((i) => ({ id: i.id, heading: i.heading, body: i.body })),
    })),
  };
}

const idOf = (params: Record<string, string>) => pathId(params.id, 'Edition');

/** JSON API for editions: create, get, change, publish. */
export function bulletinApi(app: FastifyInstance, { db }: AppContext): void {
  apiRoute(app, {
    method: 'POST',
    url: '/editions',
    tag: 'bulletin',
    summary: 'Create an edition (sections: [{heading, body}] or [{heading, items}])',
    body: editionInput,
    status: 201,
    response: z.object({ id: z.number(), slug: z.string() }),
    handler: async ({ body, req }) => bulletin.createEdition(db, req.actor, body),
  });
  apiRoute(app, {
    method: 'GET',
    url: '/editions/:id',
    tag: 'bulletin',
    summary: 'Get an edition with its sections',
    response: editionOut,
    handler: async ({ params, req }) => present(await bulletin.editionForEditor(db, req.actor, idOf(params))),
  });
  apiRoute(app, {
    method: 'PATCH',
    url: '/editions/:id',
    tag: 'bulletin',
    summary: 'Change an edition (sections, if given, replace all)',
    body: editionPatch,
    response: editionOut,
    handler: async ({ body, params, req }) => {
      await bulletin.updateEdition(db, req.actor, idOf(params), body);
      return present(await bulletin.editionForEditor(db, req.actor, idOf(params)));
    },
  });
  apiRoute(app, {
    method: 'POST',
    url: '/editions/:id/publish',
    tag: 'bulletin',
    summary: 'Publish an edition now',
    response: editionOut,
    handler: async ({ params, req }) => {
      await bulletin.transition(db, req.actor, idOf(params), 'publish');
      return present(await bulletin.editionForEditor(db, req.actor, idOf(params)));
    },
  });
}
