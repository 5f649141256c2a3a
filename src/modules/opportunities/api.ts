import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { pathId } from '../../platform/validation.js';
import * as opportunities from './service.js';
import { opportunityInput, signupInput } from './validation.js';

/** JSON API for opportunities: add one, and sign an organisation up (409 when closed or already signed up). */
export function opportunitiesApi(app: FastifyInstance, { db }: AppContext): void {
  apiRoute(app, {
    method: 'POST',
    url: '/opportunities',
    tag: 'opportunities',
    summary: 'Add an opportunity (partner: organisation name, made if new; closes: YYYY-MM-DD)',
    body: opportunityInput,
    status: 201,
    response: z.object({ id: z.number() }),
    handler: async ({ body, req }) => ({ id: (await opportunities.createOpportunity(db, req.actor, body)).id }),
  });
  apiRoute(app, {
    method: 'POST',
    url: '/opportunities/:id/signups',
    tag: 'opportunities',
    summary: 'Sign an organisation up (organisation: id or exact name)',
    body: signupInput,
    status: 201,
    response: z.object({ id: z.number() }),
    handler: async ({ body, params, req }) => ({ id: await opportunities.signUp(db, req.actor, pathId(params.id, 'Opportunity'), body) }),
  });
}
