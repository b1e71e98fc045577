import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { endpointNames, endpoints, errorStatusesOf, type Endpoint } from '../../common/contract/endpoints';
import { errorCodes } from '../../common/contract/errors';
import { startTestApi, type JsonResponse, type TestApi } from '../helpers/harness';
import { registeredRoutes } from '../helpers/http-robustness';

/**
 * GET /openapi.json is how other clients learn the API: it must be a well-formed OpenAPI 3 document that
 * describes exactly the /v1 routes the server answers, with their bodies and their error responses.
 */

const operationMethods = ['get', 'put', 'post', 'delete', 'patch', 'options'] as const;

/** The same route in OpenAPI's spelling: `/v1/login/:loginId/verify` -> `/v1/login/{loginId}/verify`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function documentedOperations(doc: JsonResponse): string[] {
  const operations: string[] = [];
  for (const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of operationMethods) {
      if (item[method]) operations.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return operations.sort();
}

function operation(doc: JsonResponse, key: string): JsonResponse {
  const [method, path] = key.split(' ');
  return doc.paths[path ?? '']?.[(method ?? '').toLowerCase()];
}

/** Follows a local `$ref` (`#/components/schemas/X`) to the schema it names. */
function resolve(doc: JsonResponse, schema: JsonResponse): JsonResponse {
  if (!schema?.$ref) return schema;
  const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
  return name === undefined ? undefined : doc.components?.schemas?.[name];
}

/** Every `$ref` string anywhere in the document. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

/** The request body a route documents, resolved, allowing the `anyOf [schema, null]` of an optional body. */
function requestSchema(doc: JsonResponse, key: string): JsonResponse {
  const schema = operation(doc, key)?.requestBody?.content?.['application/json']?.schema;
  const nonNull = schema?.anyOf?.find((s: JsonResponse) => s?.type !== 'null') ?? schema;
  return resolve(doc, nonNull);
}

/** The catalogue's endpoints as OpenAPI keys (`POST /v1/login/{loginId}/verify`). */
const catalogued = endpointNames.map((name) => ({
  key: `${endpoints[name].method} ${openApiPath(endpoints[name].path)}`,
  endpoint: endpoints[name] as Endpoint,
}));

/** The object a body schema describes, also inside the `.nullish()` of an optional body; else undefined. */
function bodyObject(schema: z.ZodType | undefined): z.ZodObject | undefined {
  let inner: unknown = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap();
  return inner instanceof z.ZodObject ? inner : undefined;
}

describe('the OpenAPI document', () => {
  let api: TestApi | undefined;
  let doc: JsonResponse;
  const t = (): TestApi => {
    if (!api) throw new Error('test API not started');
    return api;
  };

  beforeAll(async () => {
    api = await startTestApi('sqlite');
    const response = await api.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    doc = response.body;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is an OpenAPI 3 document with info, paths and resolvable references', () => {
    expect(doc.openapi).toMatch(/^3\.[01]\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.info.title).not.toBe('');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    for (const [path, item] of Object.entries<Record<string, JsonResponse>>(doc.paths)) {
      expect(path).toMatch(/^\//);
      for (const method of operationMethods) {
        if (!item[method]) continue;
        expect(Object.keys(item[method].responses ?? {}), `${method} ${path}`).not.toHaveLength(0);
        for (const status of Object.keys(item[method].responses)) expect(status).toMatch(/^[1-5]\d\d$/);
      }
    }
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolve(doc, { $ref: ref }), ref).toBeDefined();
  });

  it('describes every /v1 route the app registers, and no route it does not', () => {
    const registered = registeredRoutes(t());
    // The route tree was read correctly: Fastify knows every route found in it.
    for (const route of registered) {
      const [method, url] = route.split(' ');
      expect(t().api.app.hasRoute({ method: method as 'GET', url: url ?? '' }), route).toBe(true);
    }
    expect(registered).toContain('POST /v1/accounts');
    expect(registered).toContain('GET /v1/me');

    const v1 = registered.filter((r) => r.split(' ')[1]?.startsWith('/v1/'));
    const expected = v1.map((r) => {
      const [method, path] = r.split(' ');
      return `${method} ${openApiPath(path ?? '')}`;
    });
    expect(documentedOperations(doc).filter((o) => o.split(' ')[1]?.startsWith('/v1/'))).toEqual(
      expected.sort(),
    );
    // Documented paths outside /v1 are served too (health); none is invented.
    for (const documented of documentedOperations(doc)) {
      const [method, path] = documented.split(' ');
      const url = (path ?? '').replace(/\{([^}]+)\}/g, ':$1');
      expect(t().api.app.hasRoute({ method: method as 'GET', url }), documented).toBe(true);
    }
  });

  it('documents the path parameters of every /v1 route that has them', () => {
    for (const key of documentedOperations(doc).filter((o) => o.includes('{'))) {
      const names = [...key.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const parameters: JsonResponse[] = operation(doc, key).parameters ?? [];
      const inPath = parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(inPath.sort(), key).toEqual(names.sort());
      for (const p of parameters.filter((p) => p.in === 'path'))
        expect(p.required, `${key} ${p.name}`).toBe(true);
    }
  });

  it('describes the JSON request body of every route that takes one, with the contract fields', () => {
    let compared = 0;
    for (const { key, endpoint } of catalogued) {
      if (!endpoint.body) {
        expect(operation(doc, key).requestBody, key).toBeUndefined();
        continue;
      }
      const body = bodyObject(endpoint.body);
      if (!body) continue;
      const documented = requestSchema(doc, key);
      expect(documented, key).toMatchObject({ type: 'object' });
      const fields = Object.entries(body.shape);
      expect(Object.keys(documented.properties ?? {}).sort(), key).toEqual(
        fields.map(([name]) => name).sort(),
      );
      // A field is required when leaving it out is refused.
      const required = fields
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([name]) => name);
      expect([...(documented.required ?? [])].sort(), key).toEqual(required.sort());
      compared += 1;
    }
    expect(compared).toBeGreaterThan(10);
    // Every other /v1 route that reads a body documents it as a JSON object schema too.
    for (const key of documentedOperations(doc).filter((o) => o.startsWith('POST /v1/'))) {
      const requestBody = operation(doc, key).requestBody;
      if (!requestBody) continue;
      expect(Object.keys(requestBody.content ?? {}), key).toEqual(['application/json']);
      expect(requestSchema(doc, key), key).toBeDefined();
    }
  });

  it('documents error responses with the Error schema, whose codes are the catalogue', () => {
    const error = doc.components.schemas.Error;
    expect(error).toBeDefined();
    expect(error.required).toEqual(['error']);
    expect(error.properties.error.required.sort()).toEqual(['code', 'message']);
    expect([...error.properties.error.properties.code.enum].sort()).toEqual([...errorCodes].sort());

    for (const key of documentedOperations(doc).filter((o) => o.split(' ')[1]?.startsWith('/v1/'))) {
      const responses: Record<string, JsonResponse> = operation(doc, key).responses;
      const statuses = Object.keys(responses);
      expect(
        statuses.some((s) => /^2/.test(s)),
        `${key} documents its success`,
      ).toBe(true);
      // GET /v1/info takes no input and needs no session: there is nothing it could refuse.
      const refusesSomething = catalogued.some(
        (c) => c.key === key && errorStatusesOf(c.endpoint).some((status) => status < 500),
      );
      expect(
        statuses.some((s) => /^4/.test(s)),
        `${key} documents its errors`,
      ).toBe(refusesSomething);
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        expect(responses[status]?.content?.['application/json']?.schema, `${key} ${status}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
    }
  });

  it('lists the success and error statuses of each endpoint, and the bearer scheme where it needs a session', () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const { key, endpoint } of catalogued) {
      const op = operation(doc, key);
      expect(op, key).toBeDefined();
      const statuses = Object.keys(op.responses).map(Number);
      expect(statuses, key).toEqual([endpoint.status, ...errorStatusesOf(endpoint)]);
      if (endpoint.access === 'public') expect(op.security, key).toBeUndefined();
      else expect(op.security, key).toEqual([{ bearer: [] }]);
    }
  });
});
