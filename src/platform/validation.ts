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
