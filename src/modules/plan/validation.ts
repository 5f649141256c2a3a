import { z } from 'zod';
import { dateField, idField, longText, optionalIdField, optionalText, parseId, requiredText } from '../../platform/validation.js';
import { OUTCOME_KINDS, PROJECT_STATUSES, RAG_RATINGS } from './schema.js';

/** A reference to a thing by id (number or digits) or by its exact name. */
export const idOrName = (message: string) =>
  z
    .union([z.number(), z.string()], { error: message })
    .transform((v) => (typeof v === 'number' || parseId(v) !== null ? (parseId(v) ?? v) : v.trim()))
    .refine((v) => (typeof v === 'number' ? parseId(v) !== null : v.length > 0 && v.length <= 200), message);

const optionalDate = z
  .union([z.literal(''), z.null(), dateField()])
  .optional()
  .transform((v) => (v ? v : null));
/** An optional person or thing chosen by id; missing means none. */
const optId = (message: string) => optionalIdField(message).optional().transform((v) => v ?? null);
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** A new plan and its period. */
export const planInput = z
  .object({
    title: requiredText(200, 'Enter the plan’s title'),
    start: dateField('Enter the start date as YYYY-MM-DD'),
    end: dateField('Enter the end date as YYYY-MM-DD'),
  })
  .refine((v) => v.end >= v.start, { path: ['end'], message: 'The end date must be on or after the start date' });
/** What a new plan needs. */
export type PlanInput = z.input<typeof planInput>;

/** An extension of a plan's period, with the reason recorded. */
export const extensionInput = z.object({
  end: dateField('Enter the new end date as YYYY-MM-DD'),
  reason: requiredText(1000, 'Say why the plan is extended'),
});
/** What an extension needs. */
export type ExtensionInput = z.input<typeof extensionInput>;

/** A strand of the plan. */
export const strandInput = z.object({
  title: requiredText(200, 'Enter the strand’s title'),
  description: longText(5000).optional().default(''),
  sponsor: optId('Choose the sponsoring director from the list'),
});
/** What a strand needs. */
export type StrandInput = z.input<typeof strandInput>;

/** A cross-cutting theme. */
export const themeInput = z.object({
  title: requiredText(200, 'Enter the theme’s title'),
  description: longText(5000).optional().default(''),
});
/** What a theme needs. */
export type ThemeInput = z.input<typeof themeInput>;

/** A workstream under a strand. */
export const workstreamInput = z.object({
  strand: idField('Choose the strand from the list'),
  title: requiredText(200, 'Enter the workstream’s title'),
  lead: optId('Choose the lead from the list'),
  sponsor: optId('Choose the sponsor from the list'),
});
/** What a workstream needs. */
export type WorkstreamInput = z.input<typeof workstreamInput>;

const projectFields = {
  title: requiredText(300, 'Enter the project’s title'),
  workstream: idOrName('Give the workstream as its id or exact title'),
  status: z.enum(PROJECT_STATUSES, { error: 'Choose proposed, active, completed or stopped' }).default('proposed'),
  rag: z.preprocess(emptyToUndefined, z.enum(RAG_RATINGS, { error: 'Choose red, amber or green' }).nullable().optional()),
  ragNote: optionalText(2000),
  leadOrganisation: z.preprocess(emptyToUndefined, idOrName('Give the lead organisation as its id or exact name').nullable().optional()),
  leadPerson: optId('Choose the lead person from the list'),
  programme: optionalText(200),
  start: optionalDate,
  end: optionalDate,
};

/** A new project. */
export const projectInput = z.object(projectFields);
/** What a new project needs. */
export type ProjectInput = z.input<typeof projectInput>;

/** A change to a project: any of its fields. */
export const projectPatch = z.object(projectFields).partial();
/** What a change to a project may say. */
export type ProjectPatch = z.input<typeof projectPatch>;

/** A dated outcome or piece of learning on a project. */
export const outcomeInput = z.object({
  text: requiredText(5000, 'Enter the outcome or learning', { multiline: true }),
  kind: z.enum(OUTCOME_KINDS, { error: 'Choose outcome or learning' }).default('outcome'),
  on: optionalDate,
});
/** What an outcome needs. */
export type OutcomeInput = z.input<typeof outcomeInput>;

/** Which projects an overview report covers. */
export const reportFilter = z.object({
  programme: optionalText(200),
  workstream: optId('Choose a workstream from the list'),
  status: z.preprocess(emptyToUndefined, z.enum(PROJECT_STATUSES).optional()),
});
/** A report's filter. */
export type ReportFilter = z.input<typeof reportFilter>;
