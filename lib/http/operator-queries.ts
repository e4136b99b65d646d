import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import '#lib/errors/zod-english.ts';
import { FLOWS, OPERATION_STATUSES } from '#lib/operations/operation.ts';
import { LISTED_STATUSES } from '#lib/tracking/table.ts';
import { type FieldIssue, InvalidPayloadError, InvalidQueryError } from './errors.ts';
import { parseJsonBody, rawBody } from './request.ts';

/** Items a list page holds at most, and by default. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

const oneOf = (values: readonly string[]) => (issue: { input?: unknown }) =>
  issue.input === undefined
    ? `is required: one of ${values.join(', ')}`
    : `must be one of ${values.join(', ')}`;

// An ISO-8601 timestamp with its zone (Z or an offset), e.g. 2026-11-23T10:00:00Z; epoch ms out.
const isoTime = z.pipe(
  z.pipe(
    z.string(),
    z.iso.datetime({
      offset: true,
      error: 'must be an ISO-8601 timestamp with a zone, e.g. 2026-11-23T10:00:00Z',
    }),
  ),
  z.transform((value: string) => Date.parse(value)),
);

const pageSize = (max: number, byDefault: number) =>
  z.pipe(
    z.optional(
      z.pipe(
        z.pipe(
          z.string().check(z.regex(/^\d{1,6}$/, `must be a whole number from 1 to ${max}`)),
          z.transform(Number),
        ),
        z
          .number()
          .check(
            z.minimum(1, `must be a whole number from 1 to ${max}`),
            z.maximum(max, `must be a whole number from 1 to ${max}`),
          ),
      ),
    ),
    z.transform((value: number | undefined) => value ?? byDefault),
  );

const cursor = z.optional(
  z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(2_048, 'is too long')),
);

const window = <T extends { since?: number | undefined; until?: number | undefined }>(
  value: T,
  ctx: z.core.$RefinementCtx,
) => {
  if (value.since !== undefined && value.until !== undefined && value.since >= value.until) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
  }
};

/** `GET /operations`. */
export const ListOperationsQuery = z
  .strictObject({
    status: z.enum(OPERATION_STATUSES, { error: oneOf(OPERATION_STATUSES) }),
    flow: z.optional(z.enum(FLOWS, { error: oneOf(FLOWS) })),
    since: z.optional(isoTime),
    until: z.optional(isoTime),
    limit: pageSize(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
    cursor,
  })
  .check(z.superRefine(window));

const flag = z.optional(z.enum(['true', 'false'], { error: 'must be true or false' }));

/** `GET /logistics-orders`. */
export const ListLogisticsOrdersQuery = z.pipe(
  z
    .strictObject({
      // TOP's status code (1–8) as orders show it, or `none` for those not read yet.
      status: z.optional(z.enum(LISTED_STATUSES, { error: oneOf(LISTED_STATUSES) })),
      parked: flag,
      stopped: flag,
      limit: pageSize(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
      cursor,
    })
    .check(
      z.superRefine((value, ctx) => {
        if (value.parked === 'true' && value.stopped === 'true') {
          ctx.addIssue({
            code: 'custom',
            path: ['stopped'],
            message: 'cannot be true with parked=true: an order is parked or stopped, not both',
          });
        }
      }),
    ),
  z.transform(({ parked, stopped, ...rest }) => ({
    ...rest,
    parked: parked === undefined ? undefined : parked === 'true',
    stopped: stopped === undefined ? undefined : stopped === 'true',
  })),
);

/** `POST /operations/replay`. */
export const BulkReplayBody = z
  .strictObject({
    status: z.enum(['DEAD', 'FAILED'], { error: oneOf(['DEAD', 'FAILED']) }),
    flow: z.optional(z.enum(FLOWS, { error: oneOf(FLOWS) })),
    since: z.optional(isoTime),
    until: z.optional(isoTime),
    limit: z._default(
      z
        .number({ error: 'must be a whole number from 1 to 100' })
        .check(
          z.int('must be a whole number from 1 to 100'),
          z.minimum(1, 'must be a whole number from 1 to 100'),
          z.maximum(100, 'must be a whole number from 1 to 100'),
        ),
      100,
    ),
  })
  .check(z.superRefine(window));

/** The route's query parameters, checked; throws {@link InvalidQueryError} naming each bad one. */
export function parseQuery<T extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: T): z.output<T> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success)
    throw new InvalidQueryError(issuesOf(parsed.error, 'is not a parameter of this route'));
  return parsed.data;
}

// Operator bodies are small: a filter, never a payload.
const MAX_OPERATOR_BODY_BYTES = 16 * 1024;

/** The route's JSON body, checked; 413, 415, 400 (malformed, or naming each bad field). */
export function parseBody<T extends z.ZodMiniType>(event: APIGatewayProxyEventV2, schema: T): z.output<T> {
  const parsed = schema.safeParse(parseJsonBody(event, rawBody(event, MAX_OPERATOR_BODY_BYTES)));
  if (!parsed.success)
    throw new InvalidPayloadError(issuesOf(parsed.error, 'is not a field of this request'));
  return parsed.data;
}

function issuesOf(error: z.core.$ZodError, unknownKey: string): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path.map(String), key].join('.'), message: unknownKey }))
      : [{ path: issue.path.map(String).join('.'), message: issue.message }],
  );
}
