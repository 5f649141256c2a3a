import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { OFFICE_LABELS } from '../../directory/schema.js';
import { listMemberOrganisations, officeHoldersOn } from '../../directory/service.js';
import { dueNotices } from '../../rota/service.js';

/** The home page: what Baton offers (from the feature registry), the network's offices and members, and a director's due introduction. */
export function homePage(app: FastifyInstance, { db }: AppContext): void {
  viewPage(app, {
    path: paths.home,
    authorise: () => undefined, // open to everyone, signed in or not
    template: 'home/views/home.njk',
    load: async (req) => {
      const [offices, members, due] = await Promise.all([officeHoldersOn(db), listMemberOrganisations(db), dueNotices(db, req.actor)]);
      return { offices, members, officeLabels: OFFICE_LABELS, due };
    },
  });
}
