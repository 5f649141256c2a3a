import { z } from 'zod';
import { dateField, emailAddress, longText, optionalText, requiredText } from '../../platform/validation.js';
import { idOrName } from '../plan/validation.js';

/** A new opportunity; the partner is an organisation's exact name (made if new). */
export const opportunityInput = z.object({
  title: requiredText(300, 'Enter the opportunity’s title'),
  partner: requiredText(200, 'Give the partner organisation’s name'),
  description: requiredText(10_000, 'Describe the opportunity', { multiline: true }),
  closes: dateField('Give the closing date as YYYY-MM-DD'),
  takingPart: longText(5000).optional().default(''),
  contact: optionalText(300),
  link: optionalText(1000),
});
/** What an opportunity needs. */
export type OpportunityInput = z.input<typeof opportunityInput>;

/** An organisation signing up to an opportunity. */
export const signupInput = z.object({
  organisation: idOrName('Give the organisation as its id or exact name'),
  contact: emailAddress('Give the contact’s email address'),
  note: optionalText(2000),
});
/** What a sign-up needs. */
export type SignupInput = z.input<typeof signupInput>;
