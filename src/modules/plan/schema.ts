import { date, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** A project's status in the plan. */
export const PROJECT_STATUSES = ['proposed', 'active', 'completed', 'stopped'] as const;
/** A project's status. */
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
/** Red, amber or green: how a project is going. */
export const RAG_RATINGS = ['red', 'amber', 'green'] as const;
/** A RAG rating. */
export type Rag = (typeof RAG_RATINGS)[number];
/** What a dated entry on a project records. */
export const OUTCOME_KINDS = ['outcome', 'learning'] as const;

/** A regional priority plan with its period. */
export const plans = pgTable('plans', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  title: text('title').notNull(),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Each extension of a plan's period, with its reason: the history of the end date. */
export const planExtensions = pgTable('plan_extensions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  planId: integer('plan_id').notNull(),
  previousEnd: date('previous_end').notNull(),
  newEnd: date('new_end').notNull(),
  reason: text('reason').notNull(),
  recordedBy: text('recorded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** The plan's strands, in order, each with a sponsoring director. */
export const planStrands = pgTable('plan_strands', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  planId: integer('plan_id').notNull(),
  position: integer('position').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  sponsorPersonId: integer('sponsor_person_id'),
});

/** Cross-cutting themes that underpin every strand. */
export const planThemes = pgTable('plan_themes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  planId: integer('plan_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
});

/** Workstreams under a strand, with a lead and a sponsor. */
export const planWorkstreams = pgTable('plan_workstreams', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  strandId: integer('strand_id').notNull(),
  title: text('title').notNull(),
  leadPersonId: integer('lead_person_id'),
  sponsorPersonId: integer('sponsor_person_id'),
});

/** People who belong to a workstream. */
export const planWorkstreamMembers = pgTable(
  'plan_workstream_members',
  {
    workstreamId: integer('workstream_id').notNull(),
    personId: integer('person_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workstreamId, t.personId] })],
);

/** Projects under a workstream. */
export const planProjects = pgTable('plan_projects', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workstreamId: integer('workstream_id').notNull(),
  title: text('title').notNull(),
  programme: text('programme'),
  leadOrganisationId: integer('lead_organisation_id'),
  leadPersonId: integer('lead_person_id'),
  status: text('status').$type<ProjectStatus>().notNull().default('proposed'),
  startsOn: date('starts_on'),
  endsOn: date('ends_on'),
  rag: text('rag').$type<Rag>(),
  ragNote: text('rag_note'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Outcomes and learning captured on a project as dated entries. */
export const planOutcomes = pgTable('plan_outcomes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  projectId: integer('project_id').notNull(),
  recordedOn: date('recorded_on').notNull(),
  kind: text('kind').$type<(typeof OUTCOME_KINDS)[number]>().notNull().default('outcome'),
  text: text('text').notNull(),
  recordedBy: text('recorded_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
