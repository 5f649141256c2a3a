import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError, type FieldIssue } from '../errors.js';
import { textProblem } from '../validation.js';

const MAX_DEPTH = 20;

/** Finds text no field may hold (control characters other than tabs and line breaks, broken characters) anywhere in a value. */
function scan(value: unknown, path: string, issues: FieldIssue[], depth = 0): void {
  if (issues.length >= 10 || depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    const problem = textProblem(value, { multiline: true });
    if (problem) issues.push({ field: path || '(body)', message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => scan(v, `${path}[${i}]`, issues, depth + 1));
  } else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      scan(k, path ? `${path}.(name)` : '(name)', issues, depth + 1);
      scan(v, path ? `${path}.${k}` : k, issues, depth + 1);
    }
  }
}

/**
 * Rejects, before any handler runs, a request whose path, query or body holds text that cannot be stored:
 * a path is then a 404, a query or body a 400 (422 from the API) naming the field; nothing is changed.
 * Fields still validate their own shape (one line, length, format) with the shared schemas.
 */
export function guardInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const inPath: FieldIssue[] = [];
    scan(req.params, '', inPath);
    if (inPath.length) throw new NotFoundError('Page');
    const issues: FieldIssue[] = [];
    scan(req.query, '', issues);
    scan(req.body, '', issues);
    if (issues.length) throw new ValidationError(issues);
  });
}
