import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { idField, pathId } from '../../platform/validation.js';
import { authorise } from '../../policy.js';
import type { Organisation, PersonView } from './repo.js';
import * as repo from './repo.js';
import { JOB_ROLES, ORGANISATION_KINDS } from './schema.js';
import * as directory from './service.js';
import { organisationInput, personInput, personPatch } from './validation.js';

const paging = z.object({
  page: z.coerce.number().int().min(1, 'page starts at 1').max(1_000_000, 'page is at most 1,000,000').default(1),
  perPage: z.coerce.number().int().min(1).max(500, 'perPage is at most 500').default(50),
});

const organisationOut = z.object({ id: z.number(), name: z.string(), kind: z.enum(ORGANISATION_KINDS) });
const personOut = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  jobTitle: z.string().nullable(),
  organisation: z.object({ id: z.number(), name: z.string() }).nullable(),
  role: z.enum(JOB_ROLES),
  paEmail: z.string().nullable(),
});
const pageOf = (item: z.ZodType) => z.object({ items: z.array(item), page: z.number(), perPage: z.number(), total: z.number() });

/** The API's view of an organisation: only these fields leave Baton. */
function presentOrganisation(o: Organisation): z.output<typeof organisationOut> {
  return { id: o.id, name: o.name, kind: o.kind };
}

/** The API's view of a person: only these fields leave Baton. */
function presentPerson(p: PersonView): z.output<typeof personOut> {
  return {
    id: p.id,
    name: p.name,
    email: p.email,
    jobTitle: p.jobTitle,
    organisation: p.organisationId != null ? { id: p.organisationId, name: p.organisationName ?? '' } : null,
    role: p.jobRole,
    paEmail: p.paEmail,
  };
}

const idOf = (params: Record<string, string>) => pathId(params.id, 'Resource');

/** JSON API for people and organisations: list with paging, get, create, update. */
export function directoryApi(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const notices = { mailer: ctx.mailer, networkName: ctx.config.networkName };

  apiRoute(app, {
    method: 'GET',
    url: '/organisations',
    tag: 'directory',
    summary: 'List organisations',
    query: paging,
    response: pageOf(organisationOut),
    handler: async ({ query, req }) => {
      authorise(req.actor, 'directory.view');
      const { rows, total } = await repo.pageOrganisations(db, { limit: query.perPage, offset: (query.page - 1) * query.perPage });
      return { items: rows.map(presentOrganisation), page: query.page, perPage: query.perPage, total };
    },
  });
  apiRoute(app, {
    method: 'GET',
    url: '/organisations/:id',
    tag: 'directory',
    summary: 'Get an organisation',
    response: organisationOut,
    handler: async ({ params, req }) => {
      authorise(req.actor, 'directory.view');
      return presentOrganisation(await directory.getOrganisation(db, idOf(params)));
    },
  });
  apiRoute(app, {
    method: 'POST',
    url: '/organisations',
    tag: 'directory',
    summary: 'Create an organisation',
    body: organisationInput,
    response: organisationOut,
    status: 201,
    handler: async ({ body, req }) => presentOrganisation(await directory.createOrganisation(db, req.actor, body)),
  });
  apiRoute(app, {
    method: 'PATCH',
    url: '/organisations/:id',
    tag: 'directory',
    summary: 'Change an organisation',
    body: organisationInput.partial(),
    response: organisationOut,
    handler: async ({ body, params, req }) => presentOrganisation(await directory.updateOrganisation(db, req.actor, idOf(params), body)),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/people',
    tag: 'directory',
    summary: 'List people',
    query: paging.extend({ q: z.string().optional(), organisation: idField('organisation is an organisation id').optional() }),
    response: pageOf(personOut),
    handler: async ({ query, req }) => {
      const { rows, total } = await directory.searchPeople(db, req.actor, {
        q: query.q,
        organisationId: query.organisation,
        limit: query.perPage,
        offset: (query.page - 1) * query.perPage,
      });
      return { items: rows.map(presentPerson), page: query.page, perPage: query.perPage, total };
    },
  });
  apiRoute(app, {
    method: 'GET',
    url: '/people/:id',
    tag: 'directory',
    summary: 'Get a person',
    response: personOut,
    handler: async ({ params, req }) => presentPerson(await directory.getPerson(db, req.actor, idOf(params))),
  });
  apiRoute(app, {
    method: 'POST',
    url: '/people',
    tag: 'directory',
    summary: 'Create a person (organisation: id or exact name)',
    body: personInput,
    response: personOut,
    status: 201,
    handler: async ({ body, req }) => presentPerson(await directory.createPerson(db, req.actor, body)),
  });
  apiRoute(app, {
    method: 'PATCH',
    url: '/people/:id',
    tag: 'directory',
    summary: 'Change a person',
    body: personPatch,
    response: personOut,
    handler: async ({ body, params, req }) => presentPerson(await directory.updatePerson(db, req.actor, idOf(params), body, notices)),
  });
}
