import { z } from 'zod';
import { ACCOUNT_ROLES } from '../../platform/actor.js';
import {
  dateField,
  emailAddress,
  idField,
  optionalEmailAddress,
  optionalText,
  parseId,
  requiredLine,
  requiredText,
} from '../../platform/validation.js';
import { JOB_ROLES, OFFICES, ORGANISATION_KINDS } from './schema.js';

/** An email address, trimmed and lower-cased. */
export const emailField = emailAddress();

const optionalEmail = optionalEmailAddress();

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
  email: emailField,
  jobTitle: optionalText(200),
  organisation: z
    .union([z.number().refine((n) => parseId(n) !== null, 'Choose an organisation from the list'), optionalText(200)], {
      error: 'Give an organisation id or name',
    })
    .optional()
    .nullable()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  role: z.enum(JOB_ROLES, { error: `Choose one of: ${JOB_ROLES.join(', ')}` }),
  paEmail: optionalEmail,
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
});
/** Office appointment after validation. */
export type OfficeInput = z.output<typeof officeInput>;
