import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { getSetting, onContentChange } from '../db/settings.js';

interface Entry {
  body: string;
  type: string;
  at: number;
}

/** Options for the page cache. */
export interface PageCacheOptions {
  db: Db;
  /** How often to look for changes made by other processes. */
  pollMs?: number;
  /** How long a page may be served before it is rendered again (for counts that change without an edit). */
  ttlMs?: number;
  maxEntries?: number;
  /** Key pages by path alone, for pages that read no query string (so `?x=1`, `?x=2` cannot fill the cache). */
  ignoreQuery?: boolean;
}

/**
 * Rendered public pages kept in memory. Any successful change made through this process clears it at once; a change
 * made by another process (or the command line) bumps `content_version` in the database, which a poll notices.
 */
export class PageCache {
  private entries = new Map<string, Entry>();
  private version?: string;
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: PageCacheOptions) {}

  /** Serves a cached page for the public, or renders, stores and serves it. */
  async serve(
    req: FastifyRequest,
    reply: FastifyReply,
    render: () => Promise<string>,
    type = 'text/html; charset=utf-8',
  ): Promise<FastifyReply | void> {
    const cacheable = req.actor.kind === 'public';
    const key = this.opts.ignoreQuery ? req.url.split('?')[0]! : req.url;
    const now = Date.now();
    const hit = cacheable ? this.entries.get(key) : undefined;
    if (hit && now - hit.at < (this.opts.ttlMs ?? 60_000)) {
      return reply.type(hit.type).header('X-Cache', 'hit').send(hit.body);
    }
    const body = await render();
    if (cacheable && reply.statusCode === 200) {
      if (this.entries.size >= (this.opts.maxEntries ?? 2000)) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { body, type, at: now });
    }
    return reply.type(type).header('X-Cache', 'miss').send(body);
  }

  /** Drops every cached page. */
  clear(): void {
    this.entries.clear();
  }

  /** Clears the cache after each successful change through this app, and polls for changes by other processes. */
  attach(app: FastifyInstance): void {
    app.addHook('onResponse', async (req, reply) => {
      if (req.method !== 'GET' && req.method !== 'HEAD' && reply.statusCode < 400) this.clear();
    });
    this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? 500);
    this.timer.unref();
    const unsubscribe = onContentChange(() => this.clear());
    app.addHook('onClose', async () => {
      clearInterval(this.timer);
      unsubscribe();
    });
  }

  /** Reads the shared content version and clears the cache if it moved. */
  async poll(): Promise<void> {
    try {
      const v = await getSetting(this.opts.db, 'content_version');
      if (v !== this.version) {
        this.version = v;
        this.clear();
      }
    } catch {
      /* the database is briefly unreachable: keep serving, try again next tick */
    }
  }
}
