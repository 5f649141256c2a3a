import { z } from 'zod';
import { idField, longText, optionalText, requiredText } from '../../platform/validation.js';
import { idOrName } from '../plan/validation.js';
import { SHARE_STATUSES } from './schema.js';

/** A submission of practice to share. */
export const shareInput = z.object({
  title: requiredText(200, 'Enter a title for what you want to share'),
  body: requiredText(10_000, 'Say what you did', { multiline: true }),
  difference: longText(10_000).optional().default(''),
  contact: optionalText(300),
  link: optionalText(1000).refine((v) => v === null || /^https?:\/\//.test(v), 'Give the link as a web address starting https://'),
  organisation: z.preprocess((v) => (v === '' ? undefined : v), idOrName('Give the organisation as its id or exact name').optional()),
});
/** What a submission needs. */
export type ShareInput = z.input<typeof shareInput>;

/** Filter of the queue. */
export const shareQuery = z.object({
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(SHARE_STATUSES, { error: 'Status is new, in_progress, used or declined' }).optional()),
});

/** An editor's decision to decline a submission. */
export const declineInput = z.object({ reason: requiredText(1000, 'Say why it is declined') });
/** What declining needs. */
export type DeclineInput = z.input<typeof declineInput>;

/** Where an accepted submission goes: a section of an edition. */
export const placeInput = z.object({ section: idField('Choose the section to place it in') });
/** What placing needs. */
export type PlaceInput = z.input<typeof placeInput>;
