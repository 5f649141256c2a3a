import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { sendCsv } from '../../platform/csv.js';
import { ValidationError } from '../../platform/errors.js';
import { formErrors, pageNumber, uploadedFile } from '../../platform/http/forms.js';
import { parseId, pathId } from '../../platform/validation.js';
import { paths, withQuery } from '../../platform/http/paths.js';
import { authorise, can } from '../../policy.js';
import { exportPeopleCsv, importPeopleCsv } from './csv.js';
import { JOB_ROLES, JOB_ROLE_LABELS, ORGANISATION_KINDS } from './schema.js';
import * as directory from './service.js';
import { organisationPages } from './pages/organisations.js';
import { officePages } from './pages/offices.js';
import { ACCOUNT_ROLES } from '../../platform/actor.js';

const PER_PAGE = 50;

/** Options for the person and organisation forms' selects. */
const choices = {
  jobRoles: JOB_ROLES.map((r) => ({ value: r, text: JOB_ROLE_LABELS[r] })),
  kinds: ORGANISATION_KINDS.map((k) => ({ value: k, text: k[0]!.toUpperCase() + k.slice(1) })),
  accessRoles: ACCOUNT_ROLES.map((r) => ({ value: r, text: r[0]!.toUpperCase() + r.slice(1) })),
};

type Body = Record<string, string | undefined>;

/** Turns a submitted person form into service input (the form sends organisation as an id). */
function personFromForm(body: Body) {
  return {
    name: body.name,
    email: body.email,
    jobTitle: body.jobTitle,
    organisation: body.organisation ? Number(body.organisation) : null,
    role: body.role,
    paEmail: body.paEmail,
    ...(body.accessRole ? { accessRole: body.accessRole } : {}),
  };
}

/** Re-renders a form with its errors when the service rejected the input; rethrows anything else. */
async function onInvalid(err: unknown, reply: FastifyReply, template: string, data: Record<string, unknown>) {
  if (!(err instanceof ValidationError)) throw err;
  return reply.code(400).page(template, { ...data, errors: formErrors(err.issues, { organisation: 'organisation', role: 'role' }) });
}

/** The public directory page and the editors' pages for people, organisations and offices. */
export function directoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { db } = ctx;
  const notices = { mailer: ctx.mailer, networkName: ctx.config.networkName };
  const personFormData = async (req: FastifyRequest, extra: Record<string, unknown>) => ({
    ...choices,
    organisations: await directory.listAllOrganisations(db),
    canSetRole: can(req.actor, 'person.setAccessRole'),
    ...extra,
  });

  app.get(paths.directory, async (req, reply) => {
    const q = req.query as { q?: string; page?: string };
    const members = await directory.listMemberOrganisations(db);
    let people = null;
    const page = pageNumber(q.page);
    if (can(req.actor, 'directory.view')) {
      const found = await directory.searchPeople(db, req.actor, {
        q: q.q?.trim() || undefined,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      });
      // A director may edit the people of their own organisation; the link shows where they may.
      people = {
        ...found,
        rows: found.rows.map((p) => ({
          ...p,
          canEdit: can(req.actor, 'person.edit', { organisationId: p.organisationId, accessRole: p.accessRole }),
        })),
      };
    }
    return reply.page('directory/views/directory.njk', {
      members,
      people,
      q: q.q ?? '',
      page,
      perPage: PER_PAGE,
      jobRoleLabels: JOB_ROLE_LABELS,
    });
  });

  app.get(paths.adminPeople, async (req, reply) => {
    authorise(req.actor, 'directory.manage');
    const q = req.query as { q?: string; organisation?: string; page?: string };
    const page = pageNumber(q.page);
    const organisationId = parseId(q.organisation) ?? undefined;
    const result = await directory.searchPeople(db, req.actor, {
      q: q.q?.trim() || undefined,
      organisationId,
      limit: PER_PAGE,
      offset: (page - 1) * PER_PAGE,
    });
    return reply.page('directory/views/people.njk', {
      ...result,
      q: q.q ?? '',
      organisationId,
      organisations: await directory.listAllOrganisations(db),
      page,
      perPage: PER_PAGE,
      jobRoleLabels: JOB_ROLE_LABELS,
      notice: (req.query as { saved?: string }).saved ? 'Saved' : undefined,
    });
  });

  app.get(paths.adminPeopleNew, async (req, reply) => {
    authorise(req.actor, 'directory.manage');
    return reply.page('directory/views/person-form.njk', await personFormData(req, { values: {}, isNew: true }));
  });

  app.post(paths.adminPeopleNew, async (req, reply) => {
    const body = (req.body ?? {}) as Body;
    try {
      const person = await directory.createPerson(db, req.actor, personFromForm(body));
      return reply.redirect(withQuery(paths.adminPerson(person.id), { saved: 1 }), 303);
    } catch (err) {
      // The input is checked before the service can authorise (a director adds people to their own council only): refuse here too.
      authorise(req.actor, 'person.edit', { organisationId: req.actor.organisationId, accessRole: 'member' });
      return onInvalid(err, reply, 'directory/views/person-form.njk', await personFormData(req, { values: body, isNew: true }));
    }
  });

  app.get<{ Params: { id: string } }>('/admin/people/:id', async (req, reply) => {
    const person = await directory.getPerson(db, req.actor, pathId(req.params.id));
    authorise(req.actor, 'person.edit', { organisationId: person.organisationId, accessRole: person.accessRole });
    const values = { ...person, role: person.jobRole, organisation: person.organisationId };
    return reply.page(
      'directory/views/person-form.njk',
      await personFormData(req, { values, person, notice: (req.query as { saved?: string }).saved ? 'Saved' : undefined }),
    );
  });

  app.post<{ Params: { id: string } }>('/admin/people/:id', async (req, reply) => {
    const person = await directory.getPerson(db, req.actor, pathId(req.params.id));
    const body = (req.body ?? {}) as Body;
    try {
      await directory.updatePerson(db, req.actor, person.id, personFromForm(body), notices);
      return reply.redirect(withQuery(paths.adminPerson(person.id), { saved: 1 }), 303);
    } catch (err) {
      return onInvalid(err, reply, 'directory/views/person-form.njk', await personFormData(req, { values: body, person }));
    }
  });

  app.get(paths.adminPeopleImport, async (req, reply) => {
    authorise(req.actor, 'directory.manage');
    return reply.page('directory/views/import.njk', {});
  });

  app.post(paths.adminPeopleImport, async (req, reply) => {
    authorise(req.actor, 'directory.manage');
    const body = (req.body ?? {}) as { file?: unknown; csv?: string };
    const file = uploadedFile(body.file)?.data ?? body.csv ?? '';
    try {
      const result = await importPeopleCsv(db, req.actor, file);
      return reply.page('directory/views/import.njk', { result });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page('directory/views/import.njk', { errors: formErrors(err.issues, { file: 'file' }), issues: err.issues });
    }
  });

  app.get(paths.adminPeopleExport, async (req, reply) => {
    const csv = await exportPeopleCsv(db, req.actor);
    return sendCsv(reply, `people-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  });

  organisationPages(app, ctx);
  officePages(app, ctx);
}
