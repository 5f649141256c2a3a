import { z } from 'zod';
import { NotFoundError, ValidationError } from './errors.js';

// Input parsing shared by every edge (forms, API, CSV import, command line): text without control characters
// or broken characters, ids within PostgreSQL's integer range, months and dates within a sane range.

/** The largest id an integer column holds (PostgreSQL int4). */
export const MAX_ID = 2_147_483_647;
/** The earliest and latest years Baton accepts in a month or a date. */
export const YEAR_RANGE = { min: 2000, max: 2100 } as const;
/** The longest email address (RFC 5321 path limit less the angle brackets). */
export const MAX_EMAIL = 254;

// Unicode control characters (category Cc): C0, DEL and C1.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why text cannot be stored, or null: a broken character (lone surrogate) or a control character; multi-line text may hold tabs and line breaks. */
export function textProblem(s: string, opts: { multiline?: boolean } = {}): string | null {
  if (LONE_SURROGATE.test(s)) return 'Contains a broken character (half of a surrogate pair): type or paste the text again';
  const m = (opts.multiline ? CONTROL_BUT_WHITESPACE : CONTROL).exec(s);
  if (!m) return null;
  if (m[0] === '\n' || m[0] === '\r') return 'Must be on one line';
  const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `Contains an invisible control character (U+${code}): remove it`;
}

/** A string that holds no control characters (but tabs and line breaks when multi-line) and no broken characters. */
export function cleanString(opts: { multiline?: boolean; message?: string } = {}) {
  return z.string({ error: opts.message ?? 'Enter some text' }).superRefine((s, ctx) => {
    const problem = textProblem(s, opts);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** Text that must be given: trimmed, at least one character, at most `max`; on one line unless `multiline`. */
export function requiredText(max: number, message = 'Enter some text', opts: { multiline?: boolean } = {}) {
  return cleanString({ message, ...opts })
    .trim()
    .min(1, message)
    .max(max, `Must be ${max} characters or fewer`);
}

/** Text that may be left out, on one line: trimmed, at most `max`; empty becomes null. */
export function optionalText(max: number) {
  return cleanString()
    .trim()
    .max(max, `Must be ${max} characters or fewer`)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));
}

/** Multi-line text such as a Markdown body: tabs and line breaks allowed, at most `max` characters. */
export function longText(max: number, tooLong = 'The text is too long') {
  return cleanString({ multiline: true }).max(max, tooLong);
}

const emailFormat = z.email({ error: 'Enter an email address in the correct format, like name@example.org' });

/** An email address: trimmed, lower-cased, at most 254 characters, in the usual format. */
export function emailAddress(message = 'Enter an email address') {
  return z
    .string({ error: message })
    .trim()
    .toLowerCase()
    .min(1, message)
    .max(MAX_EMAIL, `An email address is at most ${MAX_EMAIL} characters`)
    .pipe(emailFormat);
}

/** An email address that may be left out; empty becomes null. */
export function optionalEmailAddress() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .max(MAX_EMAIL, `An email address is at most ${MAX_EMAIL} characters`)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null))
    .pipe(emailFormat.nullable());
}

/** Reads an id: a positive whole number within the integer column's range, as a number or decimal digits; otherwise null. */
export function parseId(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^ *\d{1,10} *$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_ID ? n : null;
}

/** Reads an id from a URL path; anything but a valid id is a page that does not exist (404). */
export function pathId(value: unknown, what = 'Page'): number {
  const id = parseId(value);
  if (id === null) throw new NotFoundError(what);
  return id;
}

/** An id in a form or JSON body (a number, or digits as forms send): a 400/422 naming the field when it is not one. */
export function idField(message = 'Choose one from the list') {
  return z
    .union([z.number(), z.string()], { error: message })
    .refine((v) => parseId(v) !== null, message)
    .transform((v) => parseId(v)!);
}

/** An id that may be left out (missing, null or empty become null). */
export function optionalIdField(message = 'Choose one from the list') {
  return z
    .union([z.literal(''), z.null(), z.undefined(), idField(message)], { error: message })
    .transform((v) => (v === '' || v === undefined ? null : v));
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const inYearRange = (year: number) => year >= YEAR_RANGE.min && year <= YEAR_RANGE.max;
const yearMessage = `The year must be between ${YEAR_RANGE.min} and ${YEAR_RANGE.max}`;

/** A month as YYYY-MM, its year within the sane range. */
export function monthField() {
  return z
    .string({ error: 'Give the month as YYYY-MM' })
    .trim()
    .regex(MONTH, 'Give the month as YYYY-MM, for example 2023-04')
    .refine((s) => !MONTH.test(s) || inYearRange(Number(s.slice(0, 4))), yearMessage);
}

/** True when YYYY-MM-DD names a real day (not 30 February). */
function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A date as YYYY-MM-DD: a real calendar day, its year within the sane range. */
export function dateField(message = 'Enter a date as YYYY-MM-DD') {
  return z
    .string({ error: message })
    .trim()
    .regex(DATE, message)
    .refine((s) => !DATE.test(s) || isCalendarDate(s), `${message}: that day does not exist`)
    .refine((s) => !DATE.test(s) || !isCalendarDate(s) || inYearRange(Number(s.slice(0, 4))), yearMessage);
}

/** A date and time (ISO 8601, or as a browser's datetime field sends it), its year within the sane range. */
export function dateTimeField(message = 'Enter a date and time, for example 2023-04-28 09:00') {
  return z.coerce.date({ error: message }).refine((d) => inYearRange(d.getUTCFullYear()), yearMessage);
}

/** Reads an id from one form field, or refuses it naming the field (400, or 422 from the API). */
export function formId(value: unknown, field: string, message = 'Choose one from the list'): number {
  const id = parseId(value);
  if (id === null) throw new ValidationError([{ field, message }]);
  return id;
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
