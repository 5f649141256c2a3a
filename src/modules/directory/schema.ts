import { date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { JOB_ROLES } from './job-roles.js';

/** The kinds of organisation in a network. */
export const ORGANISATION_KINDS = ['council', 'trust', 'partner', 'network'] as const;
/** An organisation's kind. */
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** The roles people hold in children's services (kept in a file of its own so the command line can list them without Drizzle). */
export { JOB_ROLES };
/** A person's job role. */
export type JobRole = (typeof JOB_ROLES)[number];

/** Human labels for job roles. */
export const JOB_ROLE_LABELS: Record<JobRole, string> = {
  director: 'Director (DCS) or trust chief executive',
  'assistant-director': 'Assistant director',
  'head-of-service': 'Head of service',
  'principal-social-worker': 'Principal social worker',
  'team-manager': 'Team manager',
  'regional-team': 'Regional network team',
  partner: 'Partner',
  other: 'Other',
};

/** The network's offices, held for a period. */
export const OFFICES = ['chair', 'co-vice-chair', 'executive-lead', 'workstream-sponsor'] as const;
/** A network office. */
export type Office = (typeof OFFICES)[number];

/** Human labels for offices. */
export const OFFICE_LABELS: Record<Office, string> = {
  chair: 'Chair',
  'co-vice-chair': 'Co-vice-chair',
  'executive-lead': 'Executive lead',
  'workstream-sponsor': 'Workstream sponsor',
};

/** Member councils, trusts and partners. */
export const organisations = pgTable('organisations', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  kind: text('kind').$type<OrganisationKind>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** People in the network, with their job role and their access role in Baton. */
export const people = pgTable('people', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  jobTitle: text('job_title'),
  organisationId: integer('organisation_id'),
  jobRole: text('job_role').$type<JobRole>().notNull(),
  paEmail: text('pa_email'),
  accessRole: text('access_role').$type<'subscriber' | 'member' | 'director' | 'editor' | 'admin'>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Terms of office: who held which office from when to when (ends_on null = still holds it). */
export const offices = pgTable('offices', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  office: text('office').$type<Office>().notNull(),
  portfolio: text('portfolio'),
  personId: integer('person_id').notNull(),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
