import { z } from 'zod';

/** Text that must be given: trimmed, at least one character, at most `max`. */
export function requiredText(max: number, message = 'Enter some text') {
  return z.string({ error: message }).trim().min(1, message).max(max, `Must be ${max} characters or fewer`);
}

/** Text that may be left out: trimmed, at most `max`; empty becomes null. */
export function optionalText(max: number) {
  return z
    .string()
    .trim()
    .max(max, `Must be ${max} characters or fewer`)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));
}

// Names go into mail headers (a subscriber's in To, a list's in List-Id), where a line break would start a new header.
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;
const ONE_LINE = 'Must be on one line: remove the line breaks';

/** Like requiredText, and refuses line breaks: for names that end up in mail headers. */
export function requiredLine(max: number, message = 'Enter some text') {
  return requiredText(max, message).refine((v) => !LINE_BREAK.test(v), ONE_LINE);
}

/** Like optionalText, and refuses line breaks: for names that end up in mail headers. */
export function optionalLine(max: number) {
  return optionalText(max).refine((v) => v === null || !LINE_BREAK.test(v), ONE_LINE);
}
