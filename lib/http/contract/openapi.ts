import * as z from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import { signingExample } from './examples.ts';
import { OPERATOR_ROUTES } from './operator-routes.ts';
import { contractSchemas, nameOf } from './registry.ts';
import {
  type Answer,
  type AnswerHeader,
  type Auth,
  type Content,
  type RouteSpec,
  TAGS,
} from './route-spec.ts';
import { WEBHOOK_ROUTES } from './webhook-routes.ts';

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the contract's zod schemas: `npm run
 * openapi` writes it to `docs/openapi.json`. Every route is declared once, in {@link ROUTES}, with the
 * schemas of its request and answers. Dev tooling only: no function imports this module.
 */

/** Every route, declared once: the webhooks' and the operator API's. */
export const ROUTES: readonly RouteSpec[] = [...WEBHOOK_ROUTES, ...OPERATOR_ROUTES];

// ---- the document

const SCHEMA_REF = '#/components/schemas/';

const HEADERS: Record<AnswerHeader, object> = {
  Location: {
    description: 'Where the resource is looked up: the operator API’s path, or the platform’s consent page',
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
  'Idempotent-Replayed': {
    description: '`true`: the stored answer of an earlier delivery of this `webhook-id`; nothing was called',
    schema: { type: 'string', const: 'true' },
  },
  'Cache-Control': { description: '`no-store`', schema: { type: 'string', const: 'no-store' } },
};

const WEBHOOK_PARAMETERS = {
  WebhookId: {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description:
      'The delivery’s id, unique per event: the idempotency key. A retry of the same event carries the same id (and the same body).',
    schema: { type: 'string', minLength: 1 },
    example: signingExample.id,
  },
  WebhookTimestamp: {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'When it was signed, whole Unix seconds; refused more than 5 minutes away from our clock.',
    schema: { type: 'string', pattern: '^\\d{1,15}$' },
    example: signingExample.timestamp,
  },
  WebhookSignature: {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'Space-separated signatures `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, keyed with the base64-decoded part of a `whsec_` secret; one that matches any of the current secrets suffices.',
    schema: { type: 'string', minLength: 1 },
    example: signingExample.signature,
  },
} as const;

const SECURITY_SCHEMES = {
  standardWebhooks: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{raw body}` with the source’s `whsec_` secret (WMS or storefront), base64, prefixed `v1,`; the timestamp within ±5 minutes; several secrets at once during a rotation. Any failure answers 401, the same whatever failed. See docs/webhook-signing.md.',
  },
  aws_iam: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    'x-amazon-apigateway-authtype': 'awsSigv4',
    description:
      'AWS IAM: the request is signed with Signature Version 4 (service `execute-api`) by a principal allowed `execute-api:Invoke` on the route; API Gateway answers 403 otherwise. With `npm start` the operator routes answer this machine only, unsigned.',
  },
} as const;

const SECURITY: Record<Auth, readonly Record<string, never[]>[]> = {
  webhook: [{ standardWebhooks: [] }],
  operator: [{ aws_iam: [] }],
  public: [],
};

/**
 * How the contract's schemas become JSON Schema. Bodies are what a sender writes (input); answers
 * carry no transforms, so their input is also what a client reads, and without the output's
 * `additionalProperties: false` a field added later breaks no client.
 */
const JSON_SCHEMA_OPTIONS = {
  io: 'input',
  target: 'draft-2020-12',
  override: ({ jsonSchema }) => {
    // `format: date-time` is RFC 3339, which already requires the zone; zod's pattern says it again in 400 characters.
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  },
} as const satisfies Parameters<typeof z.toJSONSchema>[1];

function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(contractSchemas, {
    ...JSON_SCHEMA_OPTIONS,
    uri: (id) => `${SCHEMA_REF}${id}`,
  });
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schemas).sort()) {
    if (name === '__shared') throw new Error('a schema is shared without a name in the contract: name it');
    // Components are parts of the document, not documents: no `$schema`, no `$id`.
    const { $schema: _schema, $id: _id, ...schema } = schemas[name] as Record<string, unknown>;
    out[name] = schema;
  }
  return out;
}

/** A zod object of parameters as OpenAPI parameters: one per property, its description lifted out. */
function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query'): object[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    const required = location === 'path' || (json.required ?? []).includes(name);
    return { name, in: location, required, ...(description !== undefined && { description }), schema: rest };
  });
}

function mediaObject(content: Content): object {
  const refs = content.schemas.map((schema) =>
    content.mediaType === 'text/html' ? { type: 'string' } : { $ref: `${SCHEMA_REF}${nameOf(schema)}` },
  );
  return {
    schema: refs.length === 1 ? refs[0] : { anyOf: refs },
    ...(content.examples && Object.keys(content.examples).length > 0 && { examples: content.examples }),
  };
}

function operation(route: RouteSpec): object {
  const responses: Record<string, object> = {};
  for (const status of Object.keys(route.answers).sort()) {
    const answer = route.answers[Number(status)] as Answer;
    responses[status] = {
      description: answer.description,
      ...(answer.headers && {
        headers: Object.fromEntries(
          answer.headers.map((name) => [name, { $ref: `#/components/headers/${name}` }]),
        ),
      }),
      ...(answer.content && {
        content: Object.fromEntries(
          answer.content.map((content) => [content.mediaType, mediaObject(content)]),
        ),
      }),
    };
  }
  const params = [
    ...(route.auth === 'webhook'
      ? Object.keys(WEBHOOK_PARAMETERS).map((name) => ({ $ref: `#/components/parameters/${name}` }))
      : []),
    ...parameters(route.pathParameters, 'path'),
    ...parameters(route.query, 'query'),
  ];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: SECURITY[route.auth],
    ...(params.length > 0 && { parameters: params }),
    ...(route.body && {
      requestBody: {
        required: true,
        description: route.body.description,
        content: {
          'application/json': {
            schema: { $ref: `${SCHEMA_REF}${nameOf(route.body.schema)}` },
            examples: route.body.examples,
          },
        },
      },
    }),
    responses,
  };
}

/** The OpenAPI 3.1 document of {@link ROUTES}. */
export function openapiDocument(routes: readonly RouteSpec[] = ROUTES): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const item = paths[route.path] ?? {};
    paths[route.path] = item;
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`${route.method} ${route.path} is declared twice`);
    item[method] = operation(route);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'TOP webhooks',
      version: packageJson.version,
      description:
        'Webhooks from warehouses (WMS) and storefronts to Alibaba’s open platforms (Tmall’s TOP, the AliExpress Open Platform), the OAuth callback of sellers’ authorization, and the operator API. Generated from the zod schemas the functions parse with (`npm run openapi`); see docs/README.md.',
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'AWS: the stack’s HTTP API (output `ApiUrl`)',
        variables: { apiId: { default: 'abc123' }, region: { default: 'eu-west-1' } },
      },
      { url: 'http://127.0.0.1:3000', description: '`npm start` (PORT, default 3000)' },
    ],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: componentSchemas(),
      parameters: WEBHOOK_PARAMETERS,
      headers: HEADERS,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** The document as `docs/openapi.json` holds it: 2-space JSON and a final newline. */
export const renderOpenapi = (document: Record<string, unknown> = openapiDocument()): string =>
  `${JSON.stringify(document, null, 2)}\n`;
