import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../../config.js';
import { prettyStream } from './pretty.js';

/**
 * Fastify's logger settings for the chosen format: on a terminal, readable lines and no per-request lines at info (each
 * request is one line at debug instead, see logRequestsAtDebug); otherwise pino's JSON with its two lines per request.
 */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'logFormat'>): Pick<FastifyServerOptions, 'logger' | 'logController'> {
  const redact = ['req.headers.authorization', 'req.headers.cookie'];
  if (config.logFormat === 'json') return { logger: { level: config.logLevel, redact } };
  // Errors are still logged: Baton's own error handler logs them, not Fastify's default one.
  return {
    logger: { level: config.logLevel, redact, stream: prettyStream() },
    logController: new LogController({ disableRequestLogging: true }),
  };
}

/** With readable logs, one line per request at debug level: method, path, status and time taken. */
export function logRequestsAtDebug(app: FastifyInstance, config: Pick<Config, 'logFormat'>): void {
  if (config.logFormat !== 'pretty') return;
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug(`${req.method} ${req.url.split('?')[0]} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
  });
}
