import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { paths } from '../../platform/http/paths.js';
import { OFFICE_LABELS } from '../directory/schema.js';
import { dueNotices } from '../rota/service.js';
import { officeHoldersOn, listMemberOrganisations } from '../directory/service.js';

/** The home page: the network, its offices and its members. */
export function homeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(paths.home, async (req, reply) => {
    const [offices, members, due] = await Promise.all([
      officeHoldersOn(ctx.db),
      listMemberOrganisations(ctx.db),
      dueNotices(ctx.db, req.actor),
    ]);
    return reply.page('home/views/home.njk', { offices, members, officeLabels: OFFICE_LABELS, due });
  });
}
