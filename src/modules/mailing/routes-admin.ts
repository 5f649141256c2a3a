import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/http/context.js';
import { emailPages } from './pages/email.js';
import { listPages } from './pages/lists.js';
import { sendPages } from './pages/sends.js';

/** The editors' pages for mailing lists, the email edition, and sends with their progress: one controller each. */
export function mailingAdminRoutes(app: FastifyInstance, ctx: AppContext): void {
  listPages(app, ctx);
  emailPages(app, ctx);
  sendPages(app, ctx);
}
