import { inTransaction, type Db } from '../../platform/db/client.js';
import { NotFoundError, ValidationError, parseOrThrow } from '../../platform/errors.js';
import type { Actor } from '../../platform/actor.js';
import { authorise, can } from '../../policy.js';
import { recordAudit } from '../audit/service.js';
import { listAllOrganisations, personForAuth } from '../directory/service.js';
import * as repo from './repo.js';
import {
  extensionInput,
  outcomeInput,
  planInput,
  projectInput,
  projectPatch,
  reportFilter,
  strandInput,
  themeInput,
  workstreamInput,
  type ExtensionInput,
  type OutcomeInput,
  type PlanInput,
  type ProjectInput,
  type ProjectPatch,
  type ReportFilter,
  type StrandInput,
  type ThemeInput,
  type WorkstreamInput,
} from './validation.js';

const today = () => new Date().toISOString().slice(0, 10);

/** Creates a plan with its period. */
export async function createPlan(db: Db, actor: Actor, input: PlanInput): Promise<repo.Plan> {
  authorise(actor, 'plan.manage');
  const v = parseOrThrow(planInput, input);
  return inTransaction(db, async (tx) => {
    const plan = await repo.insertPlan(tx, { title: v.title, startsOn: v.start, endsOn: v.end });
    await recordAudit(tx, actor, { action: 'plan.create', entityType: 'plan', entityId: plan.id, summary: `Created plan ${v.title} (${v.start} to ${v.end})` });
    return plan;
  });
}

/** Extends a plan to a later end date, keeping the previous end and the reason in its history. */
export async function extendPlan(db: Db, actor: Actor, planId: number, input: ExtensionInput): Promise<void> {
  authorise(actor, 'plan.manage');
  const v = parseOrThrow(extensionInput, input);
  await inTransaction(db, async (tx) => {
    const plan = await repo.getPlan(tx, planId);
    if (!plan) throw new NotFoundError('Plan');
    if (v.end <= plan.endsOn) throw new ValidationError([{ field: 'end', message: `The new end date must be after the current end, ${plan.endsOn}` }]);
    await repo.extend(tx, plan, { end: v.end, reason: v.reason, recordedBy: actor.label });
    await recordAudit(tx, actor, { action: 'plan.extend', entityType: 'plan', entityId: plan.id, summary: `Extended plan ${plan.title} from ${plan.endsOn} to ${v.end}: ${v.reason}` });
  });
}

async function planOrThrow(db: Db, planId: number) {
  const plan = await repo.getPlan(db, planId);
  if (!plan) throw new ValidationError([{ field: 'plan', message: 'Choose a plan that exists' }]);
  return plan;
}

/** Adds a strand at the end of the plan's strands. */
export async function addStrand(db: Db, actor: Actor, planId: number, input: StrandInput) {
  authorise(actor, 'plan.manage');
  const v = parseOrThrow(strandInput, input);
  await planOrThrow(db, planId);
  return repo.insertStrand(db, { planId, title: v.title, description: v.description, sponsorPersonId: v.sponsor });
}

/** Adds a cross-cutting theme to the plan. */
export async function addTheme(db: Db, actor: Actor, planId: number, input: ThemeInput) {
  authorise(actor, 'plan.manage');
  const v = parseOrThrow(themeInput, input);
  await planOrThrow(db, planId);
  return repo.insertTheme(db, { planId, title: v.title, description: v.description });
}

/** Adds a workstream under a strand. */
export async function addWorkstream(db: Db, actor: Actor, input: WorkstreamInput): Promise<repo.Workstream> {
  authorise(actor, 'plan.manage');
  const v = parseOrThrow(workstreamInput, input);
  if (!(await repo.getStrand(db, v.strand))) throw new ValidationError([{ field: 'strand', message: 'Choose a strand that exists' }]);
  return repo.insertWorkstream(db, { strandId: v.strand, title: v.title, leadPersonId: v.lead, sponsorPersonId: v.sponsor });
}

async function resolveWorkstream(db: Db, ref: number | string): Promise<repo.Workstream> {
  const found = typeof ref === 'number' ? [await repo.getWorkstream(db, ref)].filter((w) => w !== undefined) : await repo.workstreamsTitled(db, ref);
  if (found.length === 1) return found[0]!;
  const message = found.length ? 'More than one workstream has that title: give its id' : 'No workstream has that id or exact title';
  throw new ValidationError([{ field: 'workstream', message }]);
}

async function resolveOrganisation(db: Db, ref: number | string | null | undefined): Promise<number | null> {
  if (ref == null) return null;
  const org = (await listAllOrganisations(db)).find((o) => (typeof ref === 'number' ? o.id === ref : o.name === ref));
  if (!org) throw new ValidationError([{ field: 'leadOrganisation', message: 'No organisation has that id or exact name in the directory' }]);
  return org.id;
}

async function checkPerson(db: Db, id: number | null | undefined, field: string) {
  if (id != null && !(await personForAuth(db, id))) throw new ValidationError([{ field, message: 'Choose a person from the directory' }]);
}

/** The project's resource for the policy: its workstream's lead may update it. */
export async function projectResource(db: Db, project: { workstreamId: number }) {
  const ws = await repo.getWorkstream(db, project.workstreamId);
  return { leadPersonId: ws?.leadPersonId ?? null };
}

// Refuses at once anyone who could update no project at all (not an editor, nor a person who might lead a workstream),
// so they learn nothing about which projects or workstreams exist.
const mayUpdateSome = (actor: Actor) => authorise(actor, 'project.update', { leadPersonId: actor.kind === 'person' ? actor.id : -1 });

/** Adds a project under a workstream (editors, or the workstream's lead). */
export async function createProject(db: Db, actor: Actor, input: ProjectInput): Promise<repo.Project> {
  mayUpdateSome(actor);
  const v = parseOrThrow(projectInput, input);
  const ws = await resolveWorkstream(db, v.workstream);
  authorise(actor, 'project.update', { leadPersonId: ws.leadPersonId });
  const leadOrganisationId = await resolveOrganisation(db, v.leadOrganisation);
  await checkPerson(db, v.leadPerson, 'leadPerson');
  return inTransaction(db, async (tx) => {
    const p = await repo.insertProject(tx, {
      workstreamId: ws.id,
      title: v.title,
      programme: v.programme,
      leadOrganisationId,
      leadPersonId: v.leadPerson,
      status: v.status,
      startsOn: v.start,
      endsOn: v.end,
      rag: v.rag ?? null,
      ragNote: v.ragNote,
    });
    await recordAudit(tx, actor, { action: 'project.create', entityType: 'project', entityId: p.id, summary: `Added project ${v.title} to ${ws.title} (${v.status})` });
    return p;
  });
}

/** Changes a project (editors, or the lead of its workstream); the audit entry says which fields changed from what. */
export async function updateProject(db: Db, actor: Actor, id: number, input: ProjectPatch): Promise<repo.Project> {
  mayUpdateSome(actor);
  const before = await repo.getProject(db, id);
  if (!before) throw new NotFoundError('Project');
  authorise(actor, 'project.update', await projectResource(db, before));
  const v = parseOrThrow(projectPatch, input);
  const changes: Partial<repo.Project> = {};
  if (v.workstream !== undefined) {
    const ws = await resolveWorkstream(db, v.workstream);
    authorise(actor, 'project.update', { leadPersonId: ws.leadPersonId });
    changes.workstreamId = ws.id;
  }
  if (v.leadOrganisation !== undefined) changes.leadOrganisationId = await resolveOrganisation(db, v.leadOrganisation);
  if (v.leadPerson !== undefined) {
    await checkPerson(db, v.leadPerson, 'leadPerson');
    changes.leadPersonId = v.leadPerson;
  }
  for (const [k, col] of [['title', 'title'], ['status', 'status'], ['rag', 'rag'], ['ragNote', 'ragNote'], ['programme', 'programme'], ['start', 'startsOn'], ['end', 'endsOn']] as const) {
    if (v[k] !== undefined) (changes as Record<string, unknown>)[col] = v[k];
  }
  return inTransaction(db, async (tx) => {
    await repo.updateProject(tx, id, changes);
    const said = Object.entries(changes).map(([k, val]) => `${k}: ${String(before[k as keyof repo.Project] ?? '—')} → ${String(val ?? '—')}`);
    await recordAudit(tx, actor, { action: 'project.update', entityType: 'project', entityId: id, summary: `Changed project ${before.title}: ${said.join('; ') || 'nothing'}`, data: changes });
    return (await repo.getProject(tx, id))!;
  });
}

/** Records a dated outcome or piece of learning on a project (editors, or the lead of its workstream). */
export async function addOutcome(db: Db, actor: Actor, projectId: number, input: OutcomeInput) {
  mayUpdateSome(actor);
  const project = await repo.getProject(db, projectId);
  if (!project) throw new NotFoundError('Project');
  authorise(actor, 'project.update', await projectResource(db, project));
  const v = parseOrThrow(outcomeInput, input);
  return inTransaction(db, async (tx) => {
    const o = await repo.insertOutcome(tx, { projectId, recordedOn: v.on ?? today(), kind: v.kind, text: v.text, recordedBy: actor.label });
    await repo.updateProject(tx, projectId, {});
    await recordAudit(tx, actor, { action: 'project.outcome', entityType: 'project', entityId: projectId, summary: `Recorded ${v.kind} on ${project.title}` });
    return o;
  });
}

/** One project with its outcomes and names, for signed-in members; `canUpdate` says whether the actor may change it. */
export async function projectDetail(db: Db, actor: Actor, id: number) {
  authorise(actor, 'plan.viewDetail');
  const project = await repo.getProject(db, id);
  if (!project) throw new NotFoundError('Project');
  const ws = await repo.getWorkstream(db, project.workstreamId);
  const orgs = await listAllOrganisations(db);
  const lead = project.leadPersonId ? await personForAuth(db, project.leadPersonId) : undefined;
  return {
    project,
    workstream: ws,
    leadOrganisation: orgs.find((o) => o.id === project.leadOrganisationId)?.name ?? null,
    leadPerson: lead?.name ?? null,
    outcomes: await repo.outcomesOf(db, [id]),
    canUpdate: can(actor, 'project.update', { leadPersonId: ws?.leadPersonId ?? null }),
  };
}

/** The current plan as strands → workstreams → projects; the detail (RAG, outcomes) only for members. */
export async function currentPlanTree(db: Db, actor: Actor, day = today()) {
  authorise(actor, 'plan.view');
  const plan = await repo.currentPlan(db, day);
  if (!plan) return null;
  const detail = can(actor, 'plan.viewDetail');
  const parts = await repo.planParts(db, plan.id);
  const orgs = new Map((await listAllOrganisations(db)).map((o) => [o.id, o.name]));
  const outcomes = detail ? await repo.outcomesOf(db, parts.projects.map((p) => p.id)) : [];
  return {
    plan,
    detail,
    extensions: await repo.extensions(db, plan.id),
    themes: parts.themes,
    strands: parts.strands.map((s) => ({
      ...s,
      workstreams: parts.workstreams
        .filter((w) => w.strandId === s.id)
        .map((w) => ({
          ...w,
          projects: parts.projects
            .filter((p) => p.workstreamId === w.id)
            .map((p) => ({
              id: p.id,
              title: p.title,
              status: p.status,
              programme: p.programme,
              rag: detail ? p.rag : null,
              ragNote: detail ? p.ragNote : null,
              leadOrganisation: p.leadOrganisationId ? (orgs.get(p.leadOrganisationId) ?? null) : null,
              outcomes: outcomes.filter((o) => o.projectId === p.id),
              updatedAt: p.updatedAt,
            })),
        })),
    })),
  };
}

/** The overview report of a set of projects (a programme, a workstream or a status) from the current plan, for members. */
export async function overviewReport(db: Db, actor: Actor, filter: Partial<ReportFilter>) {
  authorise(actor, 'plan.viewDetail');
  const f = parseOrThrow(reportFilter, filter);
  const tree = await currentPlanTree(db, actor);
  const rows = (tree?.strands ?? []).flatMap((s) =>
    s.workstreams.flatMap((w) =>
      w.projects
        .filter((p) => (!f.programme || p.programme === f.programme) && (!f.workstream || w.id === f.workstream) && (!f.status || p.status === f.status))
        .map((p) => ({ ...p, strand: s.title, workstream: w.title, workstreamId: w.id })),
    ),
  );
  const programmes = [...new Set((tree?.strands ?? []).flatMap((s) => s.workstreams.flatMap((w) => w.projects.map((p) => p.programme))).filter((p): p is string => !!p))];
  return { plan: tree?.plan ?? null, filter: f, rows, programmes };
}
