import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { openapiDocument, ROUTES, renderOpenapi } from '#lib/http/contract/openapi.ts';
import { contractSchemas, named } from '#lib/http/contract/registry.ts';
import { OPENAPI_FILE } from '#local/openapi-route.ts';

type Json = Record<string, unknown>;
const document = openapiDocument();
const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` writes from the contract today', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => '(missing)');
    expect(
      committed === renderOpenapi(),
      'docs/openapi.json is stale: run `npm run openapi` and commit docs/openapi.json',
    ).toBe(true);
  });

  it('is 2-space JSON with a final newline, the same on every run', () => {
    const text = renderOpenapi();
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(renderOpenapi(openapiDocument())).toBe(text);
  });

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('refers only to components it holds, and holds every schema the contract names', () => {
    const text = JSON.stringify(document);
    const components = document.components as Record<string, Json>;
    for (const [, kind, name] of text.matchAll(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g)) {
      expect(components[kind as string], `#/components/${kind}/${name}`).toHaveProperty([name as string]);
    }
    expect(Object.keys(components.schemas as Json).sort()).toEqual([...contractSchemas._idmap.keys()].sort());
    for (const schema of Object.values(components.schemas as Json)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });
});

describe('the routes of the contract', () => {
  it('declare each method and path once, with unique operation ids', () => {
    const keys = ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = ROUTES.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s declares its path parameters, and a problem answer only under the status it carries',
    (_, route) => {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      expect(Object.keys(route.pathParameters?.shape ?? {})).toEqual(inPath);
      for (const [status, answer] of Object.entries(route.answers)) {
        for (const content of answer.content ?? []) {
          if (content.mediaType !== 'application/problem+json') continue;
          for (const schema of content.schemas) {
            const declared = (z.toJSONSchema(schema, { io: 'input' }) as { properties?: Json }).properties
              ?.status as { const?: number } | undefined;
            expect(declared?.const, `${routeKey(route)} ${status}`).toBe(Number(status));
          }
        }
      }
    },
  );

  it('secure the webhooks with their signature headers, the operator routes with IAM, the callback with nothing', () => {
    const paths = document.paths as Record<string, Record<string, Json>>;
    for (const route of ROUTES) {
      const operation = paths[route.path]?.[route.method.toLowerCase()] as Json;
      const security = { webhook: [{ standardWebhooks: [] }], operator: [{ aws_iam: [] }], public: [] };
      expect(operation.security, routeKey(route)).toEqual(security[route.auth]);
      const headers = ((operation.parameters ?? []) as Json[]).map((p) => p.$ref).filter(Boolean);
      expect(headers.length, routeKey(route)).toBe(route.auth === 'webhook' ? 3 : 0);
    }
  });
});

describe('the examples', () => {
  const examples = ROUTES.flatMap((route) => [
    ...Object.entries(route.body?.examples ?? {}).map(([name, example]) => ({
      where: `${routeKey(route)} request ${name}`,
      schemas: [route.body?.schema as z.core.$ZodType],
      value: example.value,
    })),
    ...Object.entries(route.answers).flatMap(([status, answer]) =>
      (answer.content ?? []).flatMap((content) =>
        Object.entries(content.examples ?? {}).map(([name, example]) => ({
          where: `${routeKey(route)} ${status} ${content.mediaType} ${name}`,
          schemas: content.schemas,
          value: example.value,
        })),
      ),
    ),
  ]);

  it('are many: every request body and every 2xx answer with content has one', () => {
    for (const route of ROUTES) {
      if (route.body) expect(Object.keys(route.body.examples).length, routeKey(route)).toBeGreaterThan(0);
      for (const [status, answer] of Object.entries(route.answers)) {
        if (Number(status) >= 300 || !answer.content) continue;
        const count = answer.content.reduce(
          (sum, content) => sum + Object.keys(content.examples ?? {}).length,
          0,
        );
        expect(count, `${routeKey(route)} ${status}`).toBeGreaterThan(0);
      }
    }
  });

  it.each(examples.map((example) => [example.where, example] as const))(
    '%s passes its zod schema',
    (_, example) => {
      // Bodies are the functions' zod/mini schemas, answers the contract's: z.safeParse takes either.
      const results = example.schemas.map((schema) => z.safeParse(schema, example.value));
      const passed = results.find((result) => result.success);
      expect(passed?.success, JSON.stringify(results.map((r) => r.error?.issues))).toBe(true);
      // Nothing the schema does not know of: zod strips unknown members, so the parse gives it all back.
      if (passed && typeof example.value === 'object') expect(passed.data).toEqual(example.value);
    },
  );

  it('include the files `npm run send` posts, unchanged', async () => {
    const file = async (name: string) =>
      JSON.parse(await readFile(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8'));
    const values = ROUTES.flatMap((route) => Object.values(route.body?.examples ?? {}).map((e) => e.value));
    for (const name of [
      'wms-delivery-order.json',
      'wms-pack-fail.json',
      'storefront-fulfillment.json',
      'tracking-logistics-order.json',
    ]) {
      expect(values).toContainEqual(await file(name));
    }
  });
});

describe('named', () => {
  it('refuses a second schema under a name the contract gives already', () => {
    expect(() => named('OperationView', z.object({}))).toThrow(
      'the contract names two schemas OperationView',
    );
  });
});
