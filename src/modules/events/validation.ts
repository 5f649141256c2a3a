import { z } from 'zod';
import { emailAddress, longText, optionalLine, optionalText, requiredLine, requiredText, YEAR_RANGE } from '../../platform/validation.js';
import { WHO_MAY_BOOK } from './schema.js';
import { londonToInstant } from './times.js';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An instant: ISO 8601 with an offset (the API), or London wall-clock "YYYY-MM-DDTHH:MM" (a form's datetime field). */
export function instantField(message = 'Enter a date and time, for example 2022-06-30T09:30') {
  return z
    .string({ error: message })
    .trim()
    .transform((s, ctx) => {
      const d = WITH_OFFSET.test(s) ? new Date(s) : londonToInstant(s);
      if (!d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < YEAR_RANGE.min || d.getUTCFullYear() > YEAR_RANGE.max) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return d;
    });
}

const optionalInstant = (message?: string) =>
  z
    .union([z.literal(''), z.null(), instantField(message)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));

const capacityField = z
  .union([z.literal(''), z.null(), z.coerce.number({ error: 'Enter the number of places, or leave it empty for unlimited' })])
  .optional()
  .transform((v) => (v === '' || v === undefined ? null : v))
  .refine((v) => v === null || (Number.isInteger(v) && v >= 0 && v <= 100_000), 'Enter a whole number of places from 0 to 100000');

const idList = (message: string) =>
  z
    .array(z.coerce.number({ error: message }).int(message).positive(message))
    .max(100, message)
    .optional()
    .default([]);

/** An event as an editor or the API gives it; start and end are instants. */
export const eventInput = z
  .object({
    title: requiredLine(200, 'Enter a title'),
    summary: longText(2000).optional().default(''),
    body: longText(50_000).optional().default(''),
    audience: optionalText(500).transform((v) => v ?? ''),
    start: instantField('Enter the start as a date and time, for example 2022-06-30T09:30'),
    end: instantField('Enter the end as a date and time, for example 2022-06-30T16:30'),
    venue: z
      .object({
        name: requiredLine(200, 'Enter the venue name'),
        address: requiredText(500, 'Enter the address'),
        postcode: requiredLine(10, 'Enter the postcode'),
        room: optionalLine(200),
      })
      .nullable()
      .optional()
      .transform((v) => v ?? null),
    travelNotes: optionalText(2000),
    accessibility: optionalText(2000),
    onlineUrl: z
      .union([z.literal(''), z.null(), z.url({ protocol: /^https?$/, error: 'Enter the joining link starting https://' }).max(2000)])
      .optional()
      .transform((v) => (v ? v : null)),
    capacity: capacityField,
    bookingOpens: optionalInstant('Enter when booking opens as a date and time'),
    bookingCloses: optionalInstant('Enter when booking closes as a date and time'),
    offerHours: z.coerce
      .number({ error: 'Enter the hours an offer is held' })
      .int('Enter whole hours')
      .min(1, 'Hold an offer at least 1 hour')
      .max(720, 'Hold an offer at most 720 hours')
      .optional()
      .default(48),
    contactEmail: z
      .union([z.literal(''), z.null(), emailAddress()])
      .optional()
      .transform((v) => (v ? v : null)),
    whoMayBook: z.enum(WHO_MAY_BOOK, { error: 'Choose who may book' }).optional().default('signed-in'),
    bookingLists: idList('Choose mailing lists from the list'),
    bookingOrganisations: idList('Choose organisations from the list'),
    questions: z
      .array(z.string({ error: 'Write each question as text' }).trim())
      .max(10, 'Ask at most 10 questions')
      .optional()
      .default([])
      .superRefine((qs, ctx) => {
        if (qs.some((q) => !q || q.length > 200 || /[\r\n]/.test(q)))
          ctx.addIssue({ code: 'custom', message: 'Write each question on one line of at most 200 characters' });
        else if (new Set(qs.map((q) => q.toLowerCase())).size !== qs.length)
          ctx.addIssue({ code: 'custom', message: 'Ask each question once' });
      }),
  })
  .superRefine((v, ctx) => {
    if (v.whoMayBook === 'lists' && !v.bookingLists.length)
      ctx.addIssue({ code: 'custom', path: ['bookingLists'], message: 'Choose the mailing lists whose members may book' });
    if (v.whoMayBook === 'organisations' && !v.bookingOrganisations.length)
      ctx.addIssue({ code: 'custom', path: ['bookingOrganisations'], message: 'Choose the organisations whose people may book' });
    if (v.end <= v.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'The end must be after the start' });
    if (v.bookingOpens && v.bookingCloses && v.bookingCloses <= v.bookingOpens)
      ctx.addIssue({ code: 'custom', path: ['bookingCloses'], message: 'Booking must close after it opens' });
  });
/** Event input as a caller gives it. */
export type EventFields = z.input<typeof eventInput>;

/** A booking for someone: their email and name (an unknown email becomes a contact with that name). */
export const bookingInput = z.object({
  email: emailAddress(),
  name: requiredLine(200, 'Enter the name of the person to book').optional(),
  answers: z.record(z.string().max(200), z.string().max(5000, 'Keep each answer under 5,000 characters')).optional().default({}),
});
/** Booking input as a caller gives it. */
export type BookingFields = z.input<typeof bookingInput>;

/** A director's booking for a colleague: the colleague's email, chosen from their organisation's people. */
export const colleagueInput = z.object({
  email: z.string({ error: 'Choose the colleague to book' }).trim().min(1, 'Choose the colleague to book'),
});

/** A reason, for an editor cancelling someone's place or an event. */
export const reasonInput = z.object({ reason: optionalText(1000) });

/** An editor's action on an event's page: a reason (cancel), or a booking and whether they arrived (check-in). */
export const eventActionInput = reasonInput.extend({
  booking: z.coerce.number().int().positive().optional(),
  arrived: z.enum(['yes', 'no']).optional(),
});

/** Moving someone up the waiting list: who, and why (required, for the record). */
export const moveUpInput = z.object({
  booking: z.coerce.number().int().positive(),
  reason: optionalText(1000),
});

/** The editor's event form: flat fields, London wall-clock times; the venue's fields become the venue when a name is given. */
export const eventForm = z.record(z.string(), z.unknown()).transform((f): EventFields => {
  const s = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : '');
  const hasVenue = [s('venueName'), s('venueAddress'), s('venuePostcode')].some((v) => v.trim());
  return {
    title: s('title'),
    summary: s('summary'),
    body: s('body'),
    audience: s('audience'),
    start: s('start'),
    end: s('end'),
    venue: hasVenue ? { name: s('venueName'), room: s('venueRoom'), address: s('venueAddress'), postcode: s('venuePostcode') } : null,
    travelNotes: s('travelNotes'),
    accessibility: s('accessibility'),
    onlineUrl: s('onlineUrl'),
    capacity: s('capacity'),
    bookingOpens: s('bookingOpens'),
    bookingCloses: s('bookingCloses'),
    offerHours: s('offerHours') || undefined,
    contactEmail: s('contactEmail'),
    whoMayBook: (s('whoMayBook') || undefined) as EventFields['whoMayBook'],
    bookingLists: [f.bookingLists ?? []].flat() as string[],
    bookingOrganisations: [f.bookingOrganisations ?? []].flat() as string[],
    // Checkboxes arrive only when ticked; the editor's own questions are one per line.
    questions: [
      ...([f.ask].flat().includes('dietary') ? [DIETARY] : []),
      ...([f.ask].flat().includes('access') ? [ACCESS] : []),
      ...s('extraQuestions')
        .split(/\r?\n/)
        .map((q) => q.trim())
        .filter(Boolean),
    ],
  };
});

/** The question about dietary needs an editor can tick on the event form. */
export const DIETARY = 'Dietary needs';
/** The question about access needs an editor can tick on the event form. */
export const ACCESS = 'Access needs';

/** The answers on the booking form: one optional field per question, named answer-0, answer-1 and so on, by position. */
export const answersForm = z.record(z.string(), z.unknown()).transform(
  (f) =>
    Object.fromEntries(
      Object.entries(f)
        .filter(([k, v]) => /^answer-\d{1,2}$/.test(k) && typeof v === 'string')
        .map(([k, v]) => [Number(k.slice(7)), v as string]),
    ) as Record<number, string>,
);

/** Where each nested field's error links to on the event form. */
export const EVENT_FORM_IDS: Record<string, string> = {
  questions: 'extraQuestions',
  bookingLists: 'bookingLists',
  bookingOrganisations: 'bookingOrganisations',
  whoMayBook: 'whoMayBook',
  'venue.name': 'venueName',
  'venue.address': 'venueAddress',
  'venue.postcode': 'venuePostcode',
  'venue.room': 'venueRoom',
};

/** Feedback after an event: a rating from 1 (poor) to 5 (excellent) and optional comments. */
export const feedbackInput = z.object({
  rating: z.coerce
    .number({ error: 'Choose how useful the event was' })
    .int()
    .min(1, 'Choose how useful the event was')
    .max(5, 'Choose how useful the event was'),
  comments: optionalText(5000).transform((v) => v ?? ''),
});
/** Feedback as a form gives it. */
export type FeedbackFields = z.input<typeof feedbackInput>;
