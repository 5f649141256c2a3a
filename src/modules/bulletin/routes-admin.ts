import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { commentPages } from './pages/comments.js';
import { editionPages } from './pages/editions.js';
import { itemPages } from './pages/items.js';
import { sectionPages } from './pages/sections.js';
import { settingsPages } from './pages/settings.js';

/** The editors' pages: editions, their introduction, sections and items, the workflow, comments and settings. */
export function bulletinAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  editionPages(app, ctx);
  sectionPages(app, ctx);
  itemPages(app, ctx);
  commentPages(app, ctx);
  settingsPages(app, ctx);
}
