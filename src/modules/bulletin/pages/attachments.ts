import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import type { PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import * as pub from '../public.js';

/** Downloads an item's attachment: anyone for a published edition, editors for any. */
export function attachmentPages(app: FastifyInstance, { db }: AppContext): void {
  app.get(paths.attachment.pattern, async (request, reply) => {
    const req = request as PageRequest;
    const a = await pub.attachmentFor(db, req.actor, pathId(req.params.id, 'Attachment'));
    return reply
      .type(a.contentType)
      .header('Content-Disposition', `attachment; filename="${a.filename.replace(/"/g, '')}"`)
      .header('X-Content-Type-Options', 'nosniff')
      .send(a.data);
  });
}
