import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { homePage } from './pages/home.js';

/** The home page's routes. */
export function homeRoutes(app: FastifyInstance, ctx: AppContext): void {
  homePage(app, ctx);
}
