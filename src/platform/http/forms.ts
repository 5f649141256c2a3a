import type { FieldIssue } from '../errors.js';

/** Errors shaped for the GOV.UK error summary and each field's error message. */
export interface FormErrors {
  summary: Array<{ text: string; href: string }>;
  fields: Record<string, { text: string }>;
}

/** Shapes field issues for a form; the summary links to each field by its id. */
export function formErrors(issues: FieldIssue[], fieldIds: Record<string, string> = {}): FormErrors {
  const fields: Record<string, { text: string }> = {};
  const summary: FormErrors['summary'] = [];
  for (const i of issues) {
    const text = i.line ? `Line ${i.line}, ${i.field}: ${i.message}` : i.message;
    summary.push({ text, href: `#${fieldIds[i.field] ?? i.field}` });
    if (!fields[i.field]) fields[i.field] = { text };
  }
  return { summary, fields };
}

/** Reads a positive page number from a query value, defaulting to 1. */
export function pageNumber(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 1_000_000 ? n : 1;
}

/** A file from a multipart form. */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

/** The uploaded file in a form field, if one was chosen. */
export function uploadedFile(value: unknown): UploadedFile | undefined {
  const f = value as UploadedFile | undefined;
  return f && Buffer.isBuffer(f.data) && f.data.length ? f : undefined;
}
