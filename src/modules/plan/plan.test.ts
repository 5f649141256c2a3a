import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { TestClient, addPerson, bearer, testBaton } from '../../../test/helpers/app.js';
import { systemActor, type Actor } from '../../platform/actor.js';
import { ForbiddenError, ValidationError } from '../../platform/errors.js';
import type { Baton } from '../../server.js';
import * as plan from './service.js';

let database: TestDatabase;
let baton: Baton;
const editor = systemActor('editor');
beforeAll(async () => {
  database = await testDatabase();
  baton = await testBaton(database);
});
afterAll(async () => {
  await baton.close();
  await database.close();
});
beforeEach(() => database.reset());

const asPerson = (p: { id: number; organisationId: number | null }, role: Actor['role'] = 'member'): Actor => ({
  kind: 'person',
  id: p.id,
  label: `person ${p.id}`,
  role,
  organisationId: p.organisationId,
});

async function setUp() {
  const lead = await addPerson(database.db, { email: 'lead@example.org', name: 'Lena Lead', org: 'Worcestershire', accessRole: 'member' });
  const other = await addPerson(database.db, { email: 'other@example.org', name: 'Otto Other', org: 'Shropshire', accessRole: 'member' });
  const p = await plan.createPlan(database.db, editor, { title: 'Regional Priority Plan', start: '2022-05-01', end: '2023-03-31' });
  const strand = await plan.addStrand(database.db, editor, p.id, { title: 'Care leaver offer' });
  const mine = await plan.addWorkstream(database.db, editor, { strand: strand.id, title: 'Care leavers workstream', lead: lead.id });
  const theirs = await plan.addWorkstream(database.db, editor, { strand: strand.id, title: 'Family hubs workstream', lead: other.id });
  const a = await plan.createProject(database.db, editor, { title: 'Local offer review', workstream: 'Care leavers workstream', status: 'active', rag: 'amber', leadOrganisation: 'Worcestershire', programme: 'Care leavers' });
  const b = await plan.createProject(database.db, editor, { title: 'Hub pilot', workstream: theirs.id, status: 'proposed' });
  return { lead, other, plan: p, mine, theirs, a, b };
}

describe('priority plan', () => {
  it('keeps the history of extensions and refuses an end that is not later', async () => {
    const { plan: p } = await setUp();
    await plan.extendPlan(database.db, editor, p.id, { end: '2023-09-30', reason: 'Extended for a further six months' });
    await expect(plan.extendPlan(database.db, editor, p.id, { end: '2023-01-01', reason: 'x' })).rejects.toThrow(ValidationError);
    const tree = await plan.currentPlanTree(database.db, editor, '2023-06-01');
    expect(tree!.plan.endsOn).toBe('2023-09-30');
    expect(tree!.extensions.map((e) => [e.previousEnd, e.newEnd, e.reason])).toEqual([['2023-03-31', '2023-09-30', 'Extended for a further six months']]);
  });

  it('lets a workstream lead update their own projects and not another workstream’s', async () => {
    const { lead, a, b } = await setUp();
    const actor = asPerson(lead);
    const changed = await plan.updateProject(database.db, actor, a.id, { rag: 'green', ragNote: 'On track' });
    expect(changed.rag).toBe('green');
    await plan.addOutcome(database.db, actor, a.id, { text: 'Offer published', on: '2022-09-01' });
    await expect(plan.updateProject(database.db, actor, b.id, { status: 'stopped' })).rejects.toThrow(ForbiddenError);
    await expect(plan.addOutcome(database.db, actor, b.id, { text: 'Not mine' })).rejects.toThrow(ForbiddenError);
    const [audit] = await database.query<{ summary: string }>(sql`SELECT summary FROM audit_events WHERE action = 'project.update'`);
    expect(audit!.summary).toContain('rag: amber → green');
  });

  it('names the field when a workstream or organisation is not found', async () => {
    await setUp();
    const bad = (input: Record<string, unknown>) => plan.createProject(database.db, editor, { title: 'X', workstream: 'Care leavers workstream', ...input } as never);
    await expect(bad({ workstream: 'No such' })).rejects.toMatchObject({ issues: [{ field: 'workstream' }] });
    await expect(bad({ leadOrganisation: 'worcestershire' })).rejects.toMatchObject({ issues: [{ field: 'leadOrganisation' }] });
  });

  it('shows the public the plan without RAG, members the detail, and exports the overview report as CSV', async () => {
    const { lead, a } = await setUp();
    const publicPage = await baton.app.inject({ url: '/plan' });
    expect(publicPage.statusCode).toBe(200);
    expect(publicPage.body).toContain('Local offer review');
    expect(publicPage.body).not.toContain('RAG: Amber');
    expect((await baton.app.inject({ url: `/plan/projects/${a.id}` })).statusCode).toBe(302);

    const client = new TestClient(baton.app, database.db);
    await client.signIn(lead.email);
    expect((await client.get('/plan')).body).toContain('RAG: Amber');
    const bad = await client.post(`/plan/projects/${a.id}`, { title: 'Local offer review', status: 'finished' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    const ok = await client.post(`/plan/projects/${a.id}`, { title: 'Local offer review', status: 'completed', rag: 'green' });
    expect(ok.statusCode).toBe(303);
    const csv = await client.get('/plan/report.csv?programme=Care%20leavers');
    expect(csv.body.startsWith('\uFEFF')).toBe(true);
    expect(csv.body).toContain('Local offer review');
    expect(csv.body).not.toContain('Hub pilot');
    expect((await client.get('/plan/report?programme=Care%20leavers')).body).toContain('Local offer review');
  });

  it('answers the API as the issue says: nested plan, projects by title and name, outcomes, 404 and 422 naming the field', async () => {
    const { a } = await setUp();
    const auth = await bearer(database.db, 'editor');
    const got = await baton.app.inject({ url: '/api/v1/plan', headers: auth });
    expect(got.json()).toMatchObject({
      period: { start: '2022-05-01', end: '2023-03-31' },
      strands: [{ title: 'Care leaver offer', workstreams: [{ title: 'Care leavers workstream', projects: [{ title: 'Local offer review', status: 'active', rag: 'amber', leadOrganisation: 'Worcestershire' }] }, { title: 'Family hubs workstream' }] }],
    });
    const made = await baton.app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload: { title: 'New', workstream: 'Family hubs workstream', status: 'active', rag: 'red', leadOrganisation: 'Shropshire' } });
    expect(made.statusCode).toBe(201);
    expect(made.json().id).toEqual(expect.any(Number));
    const patched = await baton.app.inject({ method: 'PATCH', url: `/api/v1/projects/${a.id}`, headers: auth, payload: { status: 'completed' } });
    expect(patched.json().status).toBe('completed');
    const outcome = await baton.app.inject({ method: 'POST', url: `/api/v1/projects/${a.id}/outcomes`, headers: auth, payload: { text: 'Learning captured' } });
    expect(outcome.statusCode).toBe(201);
    const bad = await baton.app.inject({ method: 'POST', url: '/api/v1/projects', headers: auth, payload: { title: 'New', workstream: 'Nope', status: 'active' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors[0].field).toBe('workstream');
    const badStatus = await baton.app.inject({ method: 'PATCH', url: `/api/v1/projects/${a.id}`, headers: auth, payload: { status: 'done' } });
    expect(badStatus.json().errors[0].field).toBe('status');
    expect((await baton.app.inject({ method: 'PATCH', url: '/api/v1/projects/999999', headers: auth, payload: {} })).statusCode).toBe(404);
    const member = await bearer(database.db, 'member');
    expect((await baton.app.inject({ method: 'POST', url: `/api/v1/projects/${a.id}/outcomes`, headers: member, payload: { text: 'x' } })).statusCode).toBe(403);
  });
});
