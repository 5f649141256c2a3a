import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import { planExtensions, planOutcomes, planProjects, planStrands, planThemes, planWorkstreams, plans } from './schema.js';

/** A plan row. */
export type Plan = typeof plans.$inferSelect;
/** A project row. */
export type Project = typeof planProjects.$inferSelect;
/** A workstream row. */
export type Workstream = typeof planWorkstreams.$inferSelect;

/** Inserts a plan. */
export async function insertPlan(db: Db, v: typeof plans.$inferInsert): Promise<Plan> {
  return (await db.insert(plans).values(v).returning())[0]!;
}

/** The plan whose period covers the day, else the latest one. */
export async function currentPlan(db: Db, day: string): Promise<Plan | undefined> {
  const all = await db.select().from(plans).orderBy(desc(plans.startsOn), desc(plans.id));
  return all.find((p) => p.startsOn <= day && p.endsOn >= day) ?? all[0];
}

/** One plan. */
export async function getPlan(db: Db, id: number): Promise<Plan | undefined> {
  return (await db.select().from(plans).where(eq(plans.id, id)))[0];
}

/** Moves a plan's end and records why, in the caller's transaction. */
export async function extend(db: Db, plan: Plan, v: { end: string; reason: string; recordedBy: string }): Promise<void> {
  await db.insert(planExtensions).values({ planId: plan.id, previousEnd: plan.endsOn, newEnd: v.end, reason: v.reason, recordedBy: v.recordedBy });
  await db.update(plans).set({ endsOn: v.end }).where(eq(plans.id, plan.id));
}

/** A plan's extensions, oldest first. */
export async function extensions(db: Db, planId: number) {
  return db.select().from(planExtensions).where(eq(planExtensions.planId, planId)).orderBy(asc(planExtensions.id));
}

/** Adds a strand at the end of a plan. */
export async function insertStrand(db: Db, v: Omit<typeof planStrands.$inferInsert, 'position'>) {
  const n = (await db.select({ id: planStrands.id }).from(planStrands).where(eq(planStrands.planId, v.planId))).length;
  return (await db.insert(planStrands).values({ ...v, position: n + 1 }).returning())[0]!;
}

/** Adds a cross-cutting theme. */
export async function insertTheme(db: Db, v: typeof planThemes.$inferInsert) {
  return (await db.insert(planThemes).values(v).returning())[0]!;
}

/** Adds a workstream. */
export async function insertWorkstream(db: Db, v: typeof planWorkstreams.$inferInsert): Promise<Workstream> {
  return (await db.insert(planWorkstreams).values(v).returning())[0]!;
}

/** One strand. */
export async function getStrand(db: Db, id: number) {
  return (await db.select().from(planStrands).where(eq(planStrands.id, id)))[0];
}

/** One workstream. */
export async function getWorkstream(db: Db, id: number): Promise<Workstream | undefined> {
  return (await db.select().from(planWorkstreams).where(eq(planWorkstreams.id, id)))[0];
}

/** Workstreams with exactly this title. */
export async function workstreamsTitled(db: Db, title: string): Promise<Workstream[]> {
  return db.select().from(planWorkstreams).where(eq(planWorkstreams.title, title));
}

/** Adds a project. */
export async function insertProject(db: Db, v: typeof planProjects.$inferInsert): Promise<Project> {
  return (await db.insert(planProjects).values(v).returning())[0]!;
}

/** Changes a project. */
export async function updateProject(db: Db, id: number, v: Partial<typeof planProjects.$inferInsert>): Promise<void> {
  await db.update(planProjects).set({ ...v, updatedAt: new Date() }).where(eq(planProjects.id, id));
}

/** One project. */
export async function getProject(db: Db, id: number): Promise<Project | undefined> {
  return (await db.select().from(planProjects).where(eq(planProjects.id, id)))[0];
}

/** Adds a dated outcome. */
export async function insertOutcome(db: Db, v: typeof planOutcomes.$inferInsert) {
  return (await db.insert(planOutcomes).values(v).returning())[0]!;
}

/** A project's outcomes, by date. */
export async function outcomesOf(db: Db, projectIds: number[]) {
  if (!projectIds.length) return [];
  return db.select().from(planOutcomes).where(inArray(planOutcomes.projectId, projectIds)).orderBy(asc(planOutcomes.recordedOn), asc(planOutcomes.id));
}

/** A plan's strands, themes, workstreams and projects, flat and in order. */
export async function planParts(db: Db, planId: number) {
  const strands = await db.select().from(planStrands).where(eq(planStrands.planId, planId)).orderBy(asc(planStrands.position));
  const themes = await db.select().from(planThemes).where(eq(planThemes.planId, planId)).orderBy(asc(planThemes.id));
  const strandIds = strands.map((s) => s.id);
  const workstreams = strandIds.length
    ? await db.select().from(planWorkstreams).where(inArray(planWorkstreams.strandId, strandIds)).orderBy(asc(planWorkstreams.id))
    : [];
  const wsIds = workstreams.map((w) => w.id);
  const projects = wsIds.length
    ? await db.select().from(planProjects).where(inArray(planProjects.workstreamId, wsIds)).orderBy(asc(planProjects.id))
    : [];
  return { strands, themes, workstreams, projects };
}
