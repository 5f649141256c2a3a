import path from 'node:path';
import { projectRoot } from '../root.js';
import nunjucks from 'nunjucks';
import { paths } from './paths.js';

const root = projectRoot;

/** The template environment: module views under src/modules, layouts here, and govuk-frontend's macros. */
export function createViews(opts: { networkName: string; watch?: boolean }): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [path.join(root, 'src/platform/http/views'), path.join(root, 'src/modules'), path.join(root, 'node_modules/govuk-frontend/dist')],
      { noCache: false, watch: opts.watch ?? false },
    ),
    { autoescape: true, throwOnUndefined: false },
  );
  env.addGlobal('paths', paths);
  env.addGlobal('networkName', opts.networkName);
  env.addFilter('date', (value: Date | string | null, style: 'date' | 'datetime' = 'date') => {
    if (!value) return '';
    const d = value instanceof Date ? value : new Date(value);
    return style === 'datetime'
      ? d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' })
      : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
  });
  env.addFilter('month', (value: string | null) => {
    if (!value) return '';
    const d = new Date(`${value.slice(0, 7)}-01T12:00:00Z`);
    return d.toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  });
  env.addFilter('isoDateTime', (value: Date | string | null) => (value ? new Date(value).toISOString() : ''));
  return env;
}
