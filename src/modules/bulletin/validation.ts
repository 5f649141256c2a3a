import { z } from 'zod';
import { optionalText as optional, requiredText as text } from '../../platform/validation.js';

/** A month as YYYY-MM. */
export const monthField = z
  .string({ error: 'Give the month as YYYY-MM' })
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Give the month as YYYY-MM, for example 2023-04');

/** The guest introduction of an edition. */
export const introductionInput = z.object({
  author: optional(200),
  organisation: optional(200),
  personId: z.coerce.number().int().positive().optional().nullable(),
  body: z.string().max(100_000, 'The introduction is too long').default(''),
  signOff: optional(200),
});

/** One item: a heading and a Markdown body. */
export const itemInput = z.object({
  heading: optional(300),
  body: z.string().max(200_000, 'The text is too long').default(''),
});

/** A section: a heading with either a body (one item) or items. */
export const sectionInput = z.object({
  heading: optional(300),
  body: z.string().max(200_000, 'The text is too long').optional(),
  standing: z.boolean().optional(),
  items: z.array(itemInput).max(200).optional(),
});

/** A new edition, as the API and the editors' form send it. */
export const editionInput = z.object({
  title: text(200, 'Enter a title'),
  month: monthField,
  introduction: introductionInput.optional(),
  sections: z.array(sectionInput).max(100, 'At most 100 sections').default([]),
});
/** A new edition after validation. */
export type EditionInput = z.output<typeof editionInput>;

/** A change to an edition's own fields. */
export const editionPatch = z.object({
  title: text(200, 'Enter a title').optional(),
  month: monthField.optional(),
  introduction: introductionInput.partial().optional(),
  sections: z.array(sectionInput).max(100).optional(),
});

/** A time to publish at, in the future. */
export const scheduleInput = z.object({
  publishAt: z.coerce
    .date({ error: 'Enter a date and time, for example 2023-04-28 09:00' })
    .refine((d) => d.getTime() > Date.now(), 'Choose a time in the future'),
});

/** A comment from a reader. */
export const commentInput = z.object({ body: text(5000, 'Write your comment') });
