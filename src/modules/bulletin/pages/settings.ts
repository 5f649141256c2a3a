import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../platform/http/context.js';
import { formPage } from '../../../platform/http/page.js';
import { paths } from '../../../platform/http/paths.js';
import { authorise } from '../../../policy.js';
import * as pub from '../public.js';

/** The bulletin settings every edition shows (the forwarding note, the feedback address, the list link). */
export function settingsPages(app: FastifyInstance, { db }: AppContext): void {
  formPage(app, {
    path: paths.adminBulletinSettings,
    authorise: (req) => authorise(req.actor, 'bulletin.publish'),
    template: 'bulletin/views/admin-settings.njk',
    schema: pub.settingsInput,
    values: async () => ({ ...(await pub.bulletinSettings(db)) }),
    submit: async (req, input) => {
      await pub.saveBulletinSettings(db, req.actor, input);
      return { to: paths.adminBulletinSettings, notice: 'Saved the bulletin settings' };
    },
  });
}
