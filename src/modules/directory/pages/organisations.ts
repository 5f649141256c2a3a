import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { formPage, viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import { ORGANISATION_KINDS } from '../schema.js';
import * as directory from '../service.js';
import { organisationInput } from '../validation.js';

const kinds = ORGANISATION_KINDS.map((k) => ({ value: k, text: k[0]!.toUpperCase() + k.slice(1) }));
const TEMPLATE = 'directory/views/organisation-form.njk';

/** The editors' pages for organisations: the list, adding one, and changing one. */
export function organisationPages(app: FastifyInstance, { db }: AppContext): void {
  const manage = (req: { actor: Parameters<typeof authorise>[0] }) => authorise(req.actor, 'directory.manage');

  viewPage(app, {
    path: paths.adminOrganisations,
    authorise: manage,
    template: 'directory/views/organisations.njk',
    load: async () => ({ organisations: await directory.listAllOrganisations(db) }),
  });

  formPage(app, {
    path: paths.adminOrganisationsNew,
    authorise: manage,
    template: TEMPLATE,
    schema: organisationInput,
    load: async () => ({ kinds, isNew: true }),
    submit: async (req, input) => {
      const org = await directory.createOrganisation(db, req.actor, input);
      return { to: paths.adminOrganisations, notice: `Added ${org.name}` };
    },
  });

  formPage(app, {
    path: paths.adminOrganisation.pattern,
    resource: async (req) => directory.getOrganisation(db, pathId(req.params.id)),
    authorise: manage,
    template: TEMPLATE,
    schema: organisationInput.partial(),
    load: async (_req, org) => ({ kinds, org }),
    values: (_req, org) => org,
    submit: async (req, input, org) => {
      const saved = await directory.updateOrganisation(db, req.actor, org.id, input);
      return { to: paths.adminOrganisations, notice: `Saved ${saved.name}` };
    },
  });
}
