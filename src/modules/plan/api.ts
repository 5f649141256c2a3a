import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../platform/http/context.js';
import { apiRoute } from '../../platform/http/openapi.js';
import { pathId } from '../../platform/validation.js';
import { PROJECT_STATUSES, RAG_RATINGS } from './schema.js';
import * as plan from './service.js';
import { outcomeInput, projectInput, projectPatch } from './validation.js';

const planOut = z.object({
  period: z.object({ start: z.string(), end: z.string() }).nullable(),
  strands: z.array(
    z.object({
      title: z.string(),
      workstreams: z.array(
        z.object({
          title: z.string(),
          projects: z.array(
            z.object({ title: z.string(), status: z.enum(PROJECT_STATUSES), rag: z.enum(RAG_RATINGS).nullable(), leadOrganisation: z.string().nullable() }),
          ),
        }),
      ),
    }),
  ),
});

/** The API's view of the current plan: only these fields leave Baton. */
function presentPlan(tree: Awaited<ReturnType<typeof plan.currentPlanTree>>): z.output<typeof planOut> {
  if (!tree) return { period: null, strands: [] };
  return {
    period: { start: tree.plan.startsOn, end: tree.plan.endsOn },
    strands: tree.strands.map((s) => ({
      title: s.title,
      workstreams: s.workstreams.map((w) => ({
        title: w.title,
        projects: w.projects.map((p) => ({ title: p.title, status: p.status, rag: p.rag, leadOrganisation: p.leadOrganisation })),
      })),
    })),
  };
}

const idOf = (params: Record<string, string>) => pathId(params.id, 'Project');

/** JSON API for the priority plan: read it nested, add and change projects, record outcomes. */
export function planApi(app: FastifyInstance, { db }: AppContext): void {
  apiRoute(app, {
    method: 'GET',
    url: '/plan',
    tag: 'plan',
    summary: 'The current plan: strands, workstreams and projects',
    response: planOut,
    handler: async ({ req }) => presentPlan(await plan.currentPlanTree(db, req.actor)),
  });
  apiRoute(app, {
    method: 'POST',
    url: '/projects',
    tag: 'plan',
    summary: 'Add a project (workstream: id or exact title; leadOrganisation: id or exact name)',
    body: projectInput,
    status: 201,
    response: z.object({ id: z.number() }),
    handler: async ({ body, req }) => ({ id: (await plan.createProject(db, req.actor, body)).id }),
  });
  apiRoute(app, {
    method: 'PATCH',
    url: '/projects/:id',
    tag: 'plan',
    summary: 'Change a project',
    body: projectPatch,
    response: z.object({ id: z.number(), title: z.string(), status: z.enum(PROJECT_STATUSES), rag: z.enum(RAG_RATINGS).nullable() }),
    handler: async ({ body, params, req }) => {
      const p = await plan.updateProject(db, req.actor, idOf(params), body);
      return { id: p.id, title: p.title, status: p.status, rag: p.rag };
    },
  });
  apiRoute(app, {
    method: 'POST',
    url: '/projects/:id/outcomes',
    tag: 'plan',
    summary: 'Record a dated outcome or learning on a project',
    body: outcomeInput,
    status: 201,
    response: z.object({ id: z.number(), on: z.string() }),
    handler: async ({ body, params, req }) => {
      const o = await plan.addOutcome(db, req.actor, idOf(params), body);
      return { id: o.id, on: o.recordedOn };
    },
  });
}
