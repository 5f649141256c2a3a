import type { FastifyInstance } from 'fastify';

/** One registered route: its method(s) and its URL pattern, e.g. "/admin/editions/:id". */
export interface RouteEntry {
  method: string;
  url: string;
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Records every route registered on the app from now on, so the whole route table can be listed (tests sweep it). */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url });
  });
}

/** The routes recorded on the app, in the order they were registered. */
export function registeredRoutes(app: FastifyInstance): RouteEntry[] {
  return [...(tables.get(app) ?? [])];
}
