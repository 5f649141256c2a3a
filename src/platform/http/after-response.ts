import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Work a request starts only once its answer has gone (see AfterResponse). */
    afterResponse: AfterResponse;
  }
}

/** Runs work once a reply has gone out, so its duration cannot be read from the answer; tracks it for shutdown and tests. */
export class AfterResponse {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Starts the task once the reply is sent (or the client has gone); its errors go to the log, never to the client. */
  run(reply: FastifyReply, task: () => Promise<unknown>): void {
    const done: Promise<void> = (async () => {
      await finished(reply.raw).catch(() => undefined);
      await task();
    })()
      .catch(this.onError)
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  /** Waits until no task is pending. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}

/** Gives the app its afterResponse runner, and lets the app close only once that work is done. */
export function registerAfterResponse(app: FastifyInstance): void {
  const tasks = new AfterResponse((err) => app.log.error({ err }, 'work after the response failed'));
  app.decorate('afterResponse', tasks);
  app.addHook('onClose', async () => tasks.idle());
}
