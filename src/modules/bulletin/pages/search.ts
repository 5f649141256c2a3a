import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { pageNumber } from '../../../platform/http/forms.js';
import { viewPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import * as pub from '../public.js';

/** Search across published editions. */
export function searchPages(app: FastifyInstance, { db }: AppContext): void {
  viewPage(app, {
    path: paths.search,
    authorise: () => undefined,
    template: 'bulletin/views/search.njk',
    load: async (req) => {
      const page = pageNumber(req.query.page);
      return { ...(await pub.search(db, String(req.query.q ?? ''), page)), page, perPage: 10 };
    },
  });
}
