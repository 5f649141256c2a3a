import type { z } from 'zod';

/** One problem with input: the field it concerns and what to do about it. */
export interface FieldIssue {
  field: string;
  message: string;
  /** Line of an imported file, counting the header as line 1. */
  line?: number;
}

/** Input that cannot be accepted; nothing was changed. */
export class ValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.line ? `line ${i.line}: ` : ''}${i.field}: ${i.message}`).join('; '));
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

/** Turns zod issues into field issues with dotted paths. */
export function zodIssues(error: z.ZodError, line?: number): FieldIssue[] {
  return error.issues.map((i) => ({
    field: i.path.length ? i.path.join('.') : '(body)',
    message: i.message,
    ...(line ? { line } : {}),
  }));
}

/** Parses input with a schema, throwing ValidationError naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(zodIssues(result.error));
  return result.data;
}

/** The actor may not do this; the HTTP layer answers 403, or asks the public to sign in. */
export class ForbiddenError extends Error {
  constructor(readonly action: string) {
    super(`Not allowed: ${action}`);
  }
}

/** Input that conflicts with what is already there or with the thing's state (a second sign-up, comments closed): the API answers 409 naming the field. */
export class FieldConflictError extends ValidationError {}

/** The request clashes with the current state (already booked, full, already decided); the API answers 409. */
export class ConflictError extends Error {
  constructor(
    message: string,
    /** Fields the API answer carries besides the message (e.g. the existing booking). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A lock could not be had in time; the HTTP layer answers 503 "busy, please try again". */
export class BusyError extends Error {
  constructor(message = 'Busy, please try again') {
    super(message);
  }
}
