import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { emailField } from '../directory/validation.js';
import { monthField } from '../bulletin/validation.js';
import * as rota from './service.js';

const slotOut = z.object({
  month: z.string(),
  person: z.object({ name: z.string(), email: z.string().nullable() }),
  organisation: z.string().nullable(),
  deadline: z.string(),
});

/** The API's view of a slot. */
function present(e: rota.RotaEntry): z.output<typeof slotOut> {
  return { month: e.month, person: { name: e.authorName, email: e.email }, organisation: e.organisationName, deadline: e.deadline };
}

/** JSON API for the introduction rota. */
export function rotaApi(app: FastifyInstance, { db, mailer, config }: AppContext): void {
  const mail: rota.RotaMail = { mailer, baseUrl: config.baseUrl, networkName: config.networkName, from: config.mailFrom };
  apiRoute(app, {
    method: 'GET',
    url: '/rota',
    tag: 'rota',
    summary: 'List the rota, month by month',
    response: z.array(slotOut),
    handler: async ({ req }) => (await rota.rotaForApi(db, req.actor)).map(present),
  });
  apiRoute(app, {
    method: 'POST',
    url: '/rota',
    tag: 'rota',
    summary: 'Set who writes a month’s introduction (person: email of someone in the directory; replace: true to replace who is booked, both are emailed)',
    body: z.object({ month: monthField, person: emailField, replace: z.boolean().optional() }),
    response: slotOut,
    handler: async ({ body, req }) => present(await rota.assignSlot(db, req.actor, body, mail)),
  });
}
