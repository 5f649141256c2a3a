import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { introductionPages } from './pages/introduction.js';
import { rotaAdminPages } from './pages/rota-admin.js';

/** The rota pages: the editors' rota, a director's own slots, and the introduction form behind a personal link. */
export function rotaRoutes(app: FastifyInstance, ctx: AppContext): void {
  rotaAdminPages(app, ctx);
  introductionPages(app, ctx);
}
