import { z } from 'zod';
import { ACCOUNT_ROLES } from '../../platform/actor.js';
import {
  dateField,
  emailAddress,
  idField,
  optionalText,
  parseId,
  requiredLine,
  requiredText,
} from '../../platform/validation.js';
import { JOB_ROLES, OFFICES, ORGANISATION_KINDS } from './schema.js';

/** An email address, trimmed and lower-cased. */
export const emailField = emailAddress();

/** The person's own address: its errors say which address is wrong. */
const personEmail = z
  .string({ error: "Enter the person's email address" })
  .trim()
  .toLowerCase()
  .min(1, "Enter the person's email address")
  .max(254, "The person's email address is at most 254 characters")
  .pipe(z.email({ error: "Enter the person's email address in the correct format, like name@example.org" }));

/** The PA's address, optional: its errors name the PA's email address, not just "an email address". */
const paEmailField = z
  .string({ error: "Enter the PA's email address, or leave it empty" })
  .trim()
  .toLowerCase()
  .max(254, "The PA's email address is at most 254 characters")
  .optional()
  .nullable()
  .transform((v) => (v ? v : null))
  .pipe(z.email({ error: "Enter the PA's email address in the correct format, like pa@example.org, or leave it empty" }).nullable());

/** The message when a person's role in children's services is missing or not one of the list (there is no default). */
export const CHOOSE_ROLE = "Choose the person's role in children's services";

/** A new or changed organisation. */
export const organisationInput = z.object({
  name: requiredText(200, 'Enter a name'),
  kind: z.enum(ORGANISATION_KINDS, { error: 'Choose council, trust, partner or network' }),
});
/** Organisation input as a caller gives it (form, API or import), before validation. */
export type OrganisationFields = z.input<typeof organisationInput>;
/** Organisation input after validation. */
export type OrganisationInput = z.output<typeof organisationInput>;

/** A new or changed person; organisation is an id or the exact name of an existing organisation. */
export const personInput = z.object({
  name: requiredLine(200, 'Enter a name'),
  email: personEmail,
  jobTitle: optionalText(200),
  organisation: z
    .union([z.number().refine((n) => parseId(n) !== null, 'Choose an organisation from the list'), optionalText(200)], {
      error: 'Give an organisation id or name',
    })
    .optional()
    .nullable()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  role: z.enum(JOB_ROLES, { error: CHOOSE_ROLE }),
  paEmail: paEmailField,
  accessRole: z.enum(ACCOUNT_ROLES, { error: `Choose one of: ${ACCOUNT_ROLES.join(', ')}` }).optional(),
});
/** Person input after validation. */
export type PersonInput = z.output<typeof personInput>;

/** A change to a person: any subset of the fields. */
export const personPatch = personInput.partial();
/** Person patch after validation. */
export type PersonPatch = z.output<typeof personPatch>;

const isoDate = dateField();

/** An appointment to a network office. */
export const officeInput = z.object({
  office: z.enum(OFFICES, { error: 'Choose an office' }),
  personId: idField('Choose a person'),
  portfolio: optionalText(200),
  startsOn: isoDate,
  /** For a co-vice-chair when both seats are held: the seat (1 or 2) the appointee takes. */
  seat: z.coerce
    .number({ error: 'Choose which co-vice-chair seat they take' })
    .int()
    .min(1, 'Choose seat 1 or seat 2')
    .max(2, 'Choose seat 1 or seat 2')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The day the current holder steps down (default: the day before the appointee starts). */
  holderEndsOn: z
    .literal('')
    .transform(() => undefined)
    .or(dateField('Enter the day the current holder steps down as YYYY-MM-DD'))
    .optional(),
  /** For an office already held in full: 'yes' once the editor has confirmed that the current holder steps down. */
  confirmed: z.enum(['yes']).optional(),
});
/** Office appointment as a caller gives it. */
export type OfficeFields = z.input<typeof officeInput>;
/** Office appointment after validation. */
export type OfficeInput = z.output<typeof officeInput>;
