import { z } from 'zod';
import {
  dateTimeField,
  longText,
  monthField as month,
  optionalIdField,
  optionalText as optional,
  requiredText as text,
} from '../../platform/validation.js';

/** A month as YYYY-MM. */
export const monthField = month();

/** The guest introduction of an edition. */
export const introductionInput = z.object({
  author: optional(200),
  organisation: optional(200),
  personId: optionalIdField('Choose a director from the list').optional(),
  body: longText(100_000, 'The introduction is too long').default(''),
  signOff: optional(200),
});

/** One item: a heading and a Markdown body. */
export const itemInput = z.object({
  heading: optional(300),
  body: longText(200_000).default(''),
});

/** A section: a heading with either a body (one item) or items. */
export const sectionInput = z.object({
  heading: optional(300),
  body: longText(200_000).optional(),
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
  publishAt: dateTimeField().refine((d) => d.getTime() > Date.now(), 'Choose a time in the future'),
});

/** A comment from a reader. */
export const commentInput = z.object({ body: text(5000, 'Write your comment', { multiline: true }) });
