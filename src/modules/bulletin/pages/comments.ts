import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { actionRoute, viewPage, type PageRequest } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { pathId } from '../../../platform/validation.js';
import { authorise } from '../../../policy.js';
import * as pub from '../public.js';

const moderate = (req: PageRequest) => authorise(req.actor, 'comment.moderate');

/** The editors' queue of readers' comments, and the approve and reject buttons. */
export function commentPages(app: FastifyInstance, { db }: AppContext): void {
  viewPage(app, {
    path: paths.adminComments,
    authorise: moderate,
    template: 'bulletin/views/admin-comments.njk',
    load: async (req) => ({ comments: await pub.pendingComments(db, req.actor) }),
  });

  actionRoute(app, {
    path: paths.adminComment.pattern,
    authorise: moderate,
    submit: async (req) => {
      const decision = req.params.decision === 'approve' ? 'approved' : 'rejected';
      await pub.decideComment(db, req.actor, pathId(req.params.id), decision);
      return { to: paths.adminComments, notice: decision === 'approved' ? 'Approved the comment' : 'Rejected the comment' };
    },
  });
}
