import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { registerFeature } from '../../platform/http/features.js';
import { paths } from '../../platform/http/paths.js';
import { introductionPages } from './pages/introduction.js';
import { rotaAdminPages } from './pages/rota-admin.js';

/** The rota pages: the editors' rota, a director's own slots, and the introduction form behind a personal link. */
export function rotaRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerFeature(app, {
    title: 'Your introductions',
    summary: 'The months you write the introduction to the Regional Update, and the form to write it.',
    href: paths.rotaMine,
    visible: (can) => can('rota.viewOwn'),
  });
  registerFeature(app, {
    title: 'Introduction rota',
    summary: 'Who writes each month’s introduction, the gaps, and the introductions received.',
    href: paths.adminRota,
    visible: (can) => can('rota.manage'),
  });
  rotaAdminPages(app, ctx);
  introductionPages(app, ctx);
}
