import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ValidationError, zodIssues } from '../errors.js';
import type { AppContext } from './context.js';
import { paths } from './paths.js';

/** One JSON API operation: its schemas document it and validate its input. */
export interface ApiRouteDef<B extends z.ZodType, Q extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Fastify path under /api/v1, e.g. "/people/:id". */
  url: string;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  response: z.ZodType;
  /** Status of a successful answer (default 200). */
  status?: number;
  handler: (input: {
    body: z.output<B>;
    query: z.output<Q>;
    params: Record<string, string>;
    req: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
}

const registries = new WeakMap<FastifyInstance, Array<ApiRouteDef<z.ZodType, z.ZodType>>>();

function registryOf(app: FastifyInstance) {
  let list = registries.get(app);
  if (!list) registries.set(app, (list = []));
  return list;
}

function parseWith<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new ValidationError(zodIssues(result.error).map((i) => ({ ...i, field: i.field === '(body)' ? where : i.field })));
  }
  return result.data;
}

/** Registers a JSON API route whose body and query are validated by the same zod schemas the OpenAPI document shows. */
export function apiRoute<B extends z.ZodType, Q extends z.ZodType>(app: FastifyInstance, def: ApiRouteDef<B, Q>): void {
  registryOf(app).push(def as unknown as ApiRouteDef<z.ZodType, z.ZodType>);
  app.route({
    method: def.method,
    url: paths.api + def.url,
    handler: async (req, reply) => {
      const body = parseWith(def.body, req.body, 'body');
      const query = parseWith(def.query, req.query, 'query');
      const result = await def.handler({ body, query, params: req.params as Record<string, string>, req, reply });
      return reply.code(def.status ?? 200).send(result);
    },
  });
}

const jsonSchema = (s: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(s, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;

/** Builds the OpenAPI 3 document from the registered routes. */
export function openApiDocument(app: FastifyInstance, ctx: AppContext): Record<string, unknown> {
  const docPaths: Record<string, Record<string, unknown>> = {};
  const errorBody = {
    description: 'Invalid input: each error names the field and the reason',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            error: { type: 'string' },
            message: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
  for (const r of registryOf(app)) {
    const oaPath = (paths.api + r.url).replace(/:(\w+)/g, '{$1}');
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = r.query
      ? Object.entries((jsonSchema(r.query, 'input').properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        }))
      : [];
    docPaths[oaPath] ??= {};
    docPaths[oaPath][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...params, ...queryParams],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: 'Success',
          content: { 'application/json': { schema: jsonSchema(r.response, 'output') } },
        },
        '400': { description: 'The request could not be read (for example, malformed JSON)' },
        '401': { description: 'No valid API token' },
        '403': { description: 'The token may not do this' },
        '422': errorBody,
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: `${ctx.config.networkName}: Baton API`, version: '1' },
    servers: [{ url: ctx.config.baseUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: docPaths,
  };
}

/** Serves the OpenAPI document; registered last, so it sees every API route. */
export function apiDocsRoutes(app: FastifyInstance, ctx: AppContext): void {
  let doc: Record<string, unknown> | undefined;
  app.get(paths.openapi, async () => (doc ??= openApiDocument(app, ctx)));
}
