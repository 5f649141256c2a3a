import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { sendCsv, toCsv } from '../../../platform/csv.js';
import { actionRoute, formPage, viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import { PROJECT_STATUSES, RAG_RATINGS } from '../schema.js';
import * as plan from '../service.js';
import { outcomeInput, projectPatch, type ReportFilter } from '../validation.js';

const choices = {
  statuses: PROJECT_STATUSES.map((s) => ({ value: s, text: s[0]!.toUpperCase() + s.slice(1) })),
  rags: [{ value: '', text: 'Not rated' }, ...RAG_RATINGS.map((r) => ({ value: r, text: r[0]!.toUpperCase() + r.slice(1) }))],
};

/** The plan's pages: the public plan, a project's detail and update form, its outcomes, and the overview report. */
export function planPages(app: FastifyInstance, { db }: AppContext): void {
  viewPage(app, {
    path: paths.plan,
    authorise: (req) => authorise(req.actor, 'plan.view'),
    template: 'plan/views/plan.njk',
    load: async (req) => ({ tree: await plan.currentPlanTree(db, req.actor) }),
  });

  formPage(app, {
    path: paths.planProject.pattern,
    resource: async (req) => plan.projectDetail(db, req.actor, pathId(req.params.id, 'Project')),
    authorise: (req) => authorise(req.actor, 'plan.viewDetail'),
    template: 'plan/views/project.njk',
    schema: projectPatch.omit({ workstream: true, leadOrganisation: true, leadPerson: true }),
    load: async (_req, d) => ({ ...d, ...choices }),
    values: (_req, d) => ({ ...d.project, start: d.project.startsOn, end: d.project.endsOn }),
    submit: async (req, input, d) => {
      await plan.updateProject(db, req.actor, d.project.id, input);
      return { to: paths.planProject(d.project.id), notice: 'Project updated' };
    },
  });

  actionRoute(app, {
    path: paths.planProjectOutcomes.pattern,
    resource: async (req) => plan.projectDetail(db, req.actor, pathId(req.params.id, 'Project')),
    authorise: (req) => authorise(req.actor, 'plan.viewDetail'),
    schema: outcomeInput,
    submit: async (req, input, d) => {
      await plan.addOutcome(db, req.actor, d.project.id, input);
      return { to: paths.planProject(d.project.id), notice: `Recorded the ${input.kind}` };
    },
  });

  viewPage(app, {
    path: paths.planReport,
    authorise: (req) => authorise(req.actor, 'plan.viewDetail'),
    template: 'plan/views/report.njk',
    load: async (req) => ({ report: await plan.overviewReport(db, req.actor, req.query as Partial<ReportFilter>), query: req.query }),
  });

  app.get(paths.planReportCsv, async (req, reply) => {
    const report = await plan.overviewReport(db, req.actor, req.query as Partial<ReportFilter>);
    const csv = toCsv(
      ['Strand', 'Workstream', 'Project', 'Programme', 'Status', 'RAG', 'RAG note', 'Lead organisation', 'Outcomes and learning'],
      report.rows.map((p) => [
        p.strand,
        p.workstream,
        p.title,
        p.programme,
        p.status,
        p.rag,
        p.ragNote,
        p.leadOrganisation,
        p.outcomes.map((o) => `${o.recordedOn} (${o.kind}): ${o.text}`).join('\n'),
      ]),
    );
    return sendCsv(reply, `plan-overview-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  });
}
