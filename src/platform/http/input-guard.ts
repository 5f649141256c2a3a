import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError, type FieldIssue } from '../errors.js';
import { textProblem } from '../validation.js';

const MAX_DEPTH = 20;

/** Finds text no field may hold (control characters other than tabs and line breaks, broken characters) anywhere in a value. */
function scan(value: unknown, path: string, issues: FieldIssue[], multiline: boolean, depth = 0): void {
  if (issues.length >= 10 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    const problem = textProblem(value, { multiline });
    if (problem) issues.push({ field: path || '(body)', message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => scan(v, path ? `${path}.${i}` : String(i), issues, multiline, depth + 1));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      scan(k, path ? `${path}.(name)` : '(name)', issues, false, depth + 1);
      scan(v, path ? `${path}.${k}` : k, issues, multiline, depth + 1);
    }
  }
}

/**
 * Rejects, before any handler runs, a request whose path (any control character), query or body holds text that cannot be stored:
 * a path is then a 404, a query or body a 400 (422 from the API) naming the field; nothing is changed.
 * Fields still validate their own shape (one line, length, format) with the shared schemas.
 */
export function guardInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const inPath: FieldIssue[] = [];
    // A path segment is never multi-line: a line break there could only be an attempt to split a header.
    scan(req.params, '', inPath, false);
    if (inPath.length) throw new NotFoundError('Page');
    const issues: FieldIssue[] = [];
    scan(req.query, '', issues, true);
    scan(req.body, '', issues, true);
    if (issues.length) throw new ValidationError(issues);
  });
}
