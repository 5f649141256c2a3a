import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { attachmentPages } from './pages/attachments.js';
import { searchPages } from './pages/search.js';
import { updatePages } from './pages/updates.js';

/** The public bulletin: archive, one edition, the Atom feed, search, comments and attachments. */
export function bulletinPublicRoutes(app: FastifyInstance, ctx: AppContext): void {
  updatePages(app, ctx);
  searchPages(app, ctx);
  attachmentPages(app, ctx);
}
