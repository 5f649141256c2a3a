import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { planPages } from './pages/plan.js';

/** Registers the plan's pages. */
export function planRoutes(app: FastifyInstance, ctx: AppContext): void {
  planPages(app, ctx);
}
