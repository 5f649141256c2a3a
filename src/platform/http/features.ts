import type { FastifyInstance } from 'fastify';

// What Baton offers, as the home page and the navigation describe it. Each module registers its own feature when it
// lands, so neither page promises something that does not exist yet.

/** Asks the policy whether the person looking may do an action (the templates' can()). */
export type Can = (action: string, resource?: Record<string, unknown>) => boolean;

/** One thing Baton offers: a card on the home page and, with nav, a link in the header. */
export interface Feature {
  title: string;
  summary: string;
  href: string;
  /** Also a link in the header's menu. */
  nav?: boolean;
  /** Whether the person looking sees it (default: everyone). */
  visible?: (can: Can) => boolean;
}

const registries = new WeakMap<object, Feature[]>();

function listOf(app: FastifyInstance): Feature[] {
  // Modules are given the root instance: key on it so every module adds to the same list.
  let list = registries.get(app);
  if (!list) registries.set(app, (list = []));
  return list;
}

/** Adds a module's feature to the home page (and the navigation, with nav), in registration order. */
export function registerFeature(app: FastifyInstance, feature: Feature): void {
  listOf(app).push(feature);
}

/** The features this person may see, in registration order. */
export function visibleFeatures(app: FastifyInstance, can: Can): Feature[] {
  return listOf(app).filter((f) => !f.visible || f.visible(can));
}
