import { z } from 'zod';
import { dateTimeField, longText, optionalIdField, optionalText, requiredText } from '../../platform/validation.js';

/** A new network with its chair. */
export const networkInput = z.object({
  name: requiredText(200, 'Enter the network’s name'),
  description: longText(5000).optional().default(''),
  chair: optionalIdField('Choose the chair from the directory').optional().transform((v) => v ?? null),
});
/** What a network needs. */
export type NetworkInput = z.input<typeof networkInput>;

/** A document circulated for comment by a deadline. */
export const documentInput = z.object({
  title: requiredText(300, 'Enter the document’s title'),
  summary: longText(10_000).optional().default(''),
  link: optionalText(1000),
  deadline: dateTimeField('Enter the comment deadline, for example 2023-04-28 17:00'),
});
/** What a document needs. */
export type DocumentInput = z.input<typeof documentInput>;

/** A member's comment. */
export const commentInput = z.object({ body: requiredText(10_000, 'Enter your comment', { multiline: true }) });
/** What a comment needs. */
export type CommentInput = z.input<typeof commentInput>;
