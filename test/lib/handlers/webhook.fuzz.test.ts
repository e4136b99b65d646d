import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { StorefrontFulfillBody } from '#lib/flows/storefront-fulfill.ts';
import { WmsDeliveryBody } from '#lib/flows/wms-delivery.ts';
import type { Fault } from '#local/top-sim/faults.ts';
import { useTestParts } from '#test/helpers/test-parts.ts';
import {
  type DeliveryOptions,
  deliveryOrder,
  fulfillment,
  type HttpResult,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

// Fixed seeds: a failure found once is found again on the next run, and its counterexample printed.
const RUNS = { numRuns: 150, seed: 20261123 } as const;

let stack: WebhookHarness;

const parts = useTestParts();
beforeAll(async () => {
  stack = await webhookHarness(parts.dynamo, parts.sim);
});

type Source = 'wms' | 'storefront';
type Json = fc.JsonValue;

const PROBLEM = 'urn:top-webhooks:problem:';
const ALLOWED_STATUSES = [200, 202, 400, 409, 413, 415, 422];
// 422s that belong to an operation (TOP's refusal, a reused key) name it; an unknown seller has none.
const OPERATION_422_TYPES = [`${PROBLEM}top-rejected`, `${PROBLEM}idempotency-key-reused`];
const KNOWN_422_TYPES = [...OPERATION_422_TYPES, `${PROBLEM}unknown-seller`];

/** The body as the handler reads it (a leading BOM is dropped by its UTF-8 decoder); `undefined` if not JSON. */
function parsed(raw: string): { readonly json: unknown } | undefined {
  try {
    return { json: JSON.parse(raw.replace(/^\uFEFF/, '')) };
  } catch {
    return undefined;
  }
}

/** Whether the contract takes the body, i.e. whether a TOP call may follow at all. */
function contractAccepts(source: Source, raw: string): boolean {
  const json = parsed(raw)?.json;
  if (json === undefined) return false;
  if (source === 'wms') return WmsDeliveryBody.safeParse(json).success;
  const storefront = StorefrontFulfillBody.safeParse(json);
  // The harness configures one seller, shop-1; any other is refused before the claim.
  return storefront.success && (storefront.data.seller_id ?? 'shop-1') === 'shop-1';
}

const deliver = (source: Source, raw: string, delivery?: DeliveryOptions) =>
  source === 'wms' ? stack.deliverWms(raw, delivery) : stack.deliverStorefront(raw, delivery);

/** What every answer to a sender must look like, whatever it sent. */
function expectWellFormed(response: HttpResult): void {
  expect(ALLOWED_STATUSES).toContain(response.status);
  const body = response.body;
  if (response.status < 300) {
    expect(response.headers['content-type']).toBe('application/json');
  } else {
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(body.status).toBe(response.status);
    expect(String(body.type)).toMatch(/^urn:top-webhooks:problem:[a-z-]+$/);
  }
  if (response.status === 400 && body.type !== `${PROBLEM}malformed-json`) {
    expect(body.type).toBe(`${PROBLEM}invalid-payload`);
    expect(Array.isArray(body.errors)).toBe(true);
    const errors = body.errors as unknown[];
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const issue of errors) {
      expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
      expect((issue as { message: string }).message).not.toBe('');
    }
  }
  if (response.status === 422) expect(KNOWN_422_TYPES).toContain(body.type);
  const ownsOperation =
    response.status === 200 ||
    response.status === 202 ||
    response.status === 409 ||
    (response.status === 422 && OPERATION_422_TYPES.includes(String(body.type)));
  if (ownsOperation) expect(String(body.operation_id)).toMatch(/^op_[\w-]+$/);
}

/**
 * Delivers `raw` and checks the answer's shape, that TOP was reached only for a body the contract
 * takes, and that it executed at most one call for the delivery.
 */
async function deliverAndCheck(source: Source, raw: string, delivery?: DeliveryOptions) {
  const requestsBefore = parts.sim.stats().requests;
  const executedBefore = parts.sim.ledger.length;
  const response = await deliver(source, raw, delivery);
  expectWellFormed(response);
  if (!contractAccepts(source, raw) || [400, 413, 415].includes(response.status)) {
    expect(parts.sim.stats().requests).toBe(requestsBefore);
  }
  expect(parts.sim.ledger.length - executedBefore).toBeLessThanOrEqual(1);
  return response;
}

const source = fc.constantFrom<Source>('wms', 'storefront');

const TOP_FAULTS: readonly Fault[] = [
  { type: 'isp', sub_code: 'isp.top-remote-connection-timeout' },
  { type: 'http', status: 502 },
  { type: 'reset' },
  {
    type: 'error',
    code: 15,
    msg: 'Remote service error',
    sub_code: 'isv.invalid-parameter',
    sub_msg: '参数错误 ✗',
  },
  { type: 'error', code: 7, msg: 'App Call Limited', sub_msg: 'This ban will last for 1 more seconds' },
];

// Strings of every kind: whole graphemes, any code point (lone surrogates included), ASCII.
const anyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
);
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, 0, -1, 1.5, 2 ** 53 + 2, true, '', ' ', [], {}) },
);

// Field names of both contracts, so added keys sometimes hit a real field in the wrong place.
const FIELD_NAMES = [
  'delivery_order',
  'occurred_at',
  'ticket_id',
  'platform_order_id',
  'status',
  'error_code',
  'weight',
  'goods_list',
  'package_list',
  'service_fulfil_result',
  'charge_type',
  'seller_id',
  'fulfillment',
  'out_ref',
  'send_type',
  'service_name',
  'tracking_website',
  'description',
  'logistics_no',
  '__proto__',
  'constructor',
];
const anyKey = fc.oneof(fc.constantFrom(...FIELD_NAMES), anyString);

const validWms = (): Json => ({
  occurred_at: '2026-11-23T10:00:00+08:00',
  delivery_order: deliveryOrder({
    ticket_id: 'T-FUZZ',
    platform_order_id: 'P-FUZZ',
    mail_no: 'SF1234567890',
    mail_company: '顺丰速运',
    exception_desc: '外箱破损 📦',
    goods_list: [{ sku_name: '杯子', quantity: 2, sku_code: 'enc:abc', weight: 300 }],
    package_list: [
      { outer_package_id: 'PK1', mail_no: 'M1', length: 10, width: 10, height: 10, weight: 500 },
    ],
    service_fulfil_result: [
      { service_code: 'S1', charge_type: 'weight', weight: 100, remark: 'ok', sub_ticket_id: 1 },
      { service_code: 'S2', charge_type: 'packageNum', package_count: 1, pic_urls: ['https://x/1.png'] },
    ],
    other_fee: 150,
    other_fee_desc: 'reinforcement',
  }) as Json,
});

const validStorefront = (): Json => ({
  seller_id: 'shop-1',
  fulfillment: fulfillment({
    out_ref: 'FUZZ-1',
    service_name: 'other',
    tracking_website: 'www.17track.com',
    description: 'fragile, handle with care',
  }) as Json,
});

type Path = readonly (string | number)[];
type Container = Record<string, Json> | Json[];

/** Every path to a value in the tree (the root excluded), and the containers among them (root included). */
function pathsOf(value: Json, prefix: Path = []): { values: Path[]; containers: Path[] } {
  const values: Path[] = [];
  const containers: Path[] = [];
  if (value !== null && typeof value === 'object') {
    containers.push(prefix);
    const entries: [string | number, Json][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value as Record<string, Json>);
    for (const [key, item] of entries) {
      const inner = pathsOf(item, [...prefix, key]);
      values.push([...prefix, key], ...inner.values);
      containers.push(...inner.containers);
    }
  }
  return { values, containers };
}

function at(root: Json, path: Path): Json {
  let node = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key] as Json;
  return node;
}

function setOwn(container: Container, key: string | number, value: Json): void {
  // defineProperty, so a `__proto__` key is an own field as JSON.parse would make it.
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

type Mutation =
  | { readonly kind: 'replace'; readonly pick: number; readonly value: Json }
  | { readonly kind: 'restring'; readonly pick: number; readonly value: string }
  | { readonly kind: 'delete'; readonly pick: number }
  | { readonly kind: 'add'; readonly pick: number; readonly key: string; readonly value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: anyJson }),
  // A string field given another string: the body often stays valid and reaches TOP with it.
  fc.record({ kind: fc.constant('restring' as const), pick: fc.nat(), value: anyString }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), key: anyKey, value: anyJson }),
);

/** Applies mutations in order; each picks its target among the paths the body has at that point. */
function mutate(body: Json, mutations: readonly Mutation[]): Json {
  const root = structuredClone(body);
  for (const change of mutations) {
    const { values, containers } = pathsOf(root);
    if (change.kind === 'add') {
      const target = at(root, containers[change.pick % containers.length] ?? []) as Container;
      if (Array.isArray(target)) target.push(change.value);
      else setOwn(target, change.key, change.value);
      continue;
    }
    const candidates =
      change.kind === 'restring' ? values.filter((path) => typeof at(root, path) === 'string') : values;
    if (candidates.length === 0) continue;
    const path = candidates[change.pick % candidates.length] ?? [];
    const key = path[path.length - 1] as string | number;
    const parent = at(root, path.slice(0, -1)) as Container;
    if (change.kind !== 'delete') setOwn(parent, key, change.value);
    else if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  }
  return root;
}

describe('webhook bodies from a fuzzer', () => {
  it('answers any JSON value with a well-formed 2xx/4xx and calls TOP only for a body the contract takes', async () => {
    await fc.assert(
      fc.asyncProperty(source, anyJson, async (to, value) => {
        await deliverAndCheck(to, JSON.stringify(value));
      }),
      RUNS,
    );
  });

  it('answers mutated valid bodies (fields replaced, deleted, added; unicode strings) without a 5xx', async () => {
    const mutated = fc.record({
      to: source,
      mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
      // Now and then the same delivery id again: a replay, or the id reused with another body.
      id: fc.option(fc.constantFrom('msg_fuzz_1', 'msg_fuzz_2'), { freq: 3 }),
      // Now and then TOP misbehaves on the one call, so the 202 and 422 answers are fuzzed too.
      fault: fc.option(fc.constantFrom(...TOP_FAULTS), { freq: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(mutated, async ({ to, mutations, id, fault }) => {
        const body = mutate(to === 'wms' ? validWms() : validStorefront(), mutations);
        parts.sim.faults.set(fault ? [{ ...fault, count: 1 }] : []);
        try {
          await deliverAndCheck(to, JSON.stringify(body), id ? { id } : {});
        } finally {
          parts.sim.faults.set([]);
          // Past any rate-limit ban the fault left, so the next run's call is not held back by it.
          stack.clock.now += 2_000;
        }
      }),
      RUNS,
    );
  });

  it('answers two concurrent copies of a mutated body with one TOP call at most, replayed or 409 for the other', async () => {
    let burst = 0;
    await fc.assert(
      fc.asyncProperty(source, fc.array(mutation, { maxLength: 2 }), async (to, mutations) => {
        const raw = JSON.stringify(mutate(to === 'wms' ? validWms() : validStorefront(), mutations));
        const id = `msg_burst_${++burst}`;
        const requestsBefore = parts.sim.stats().requests;
        const executedBefore = parts.sim.ledger.length;
        const responses = await Promise.all([deliver(to, raw, { id }), deliver(to, raw, { id })]);
        for (const response of responses) expectWellFormed(response);
        if (!contractAccepts(to, raw)) expect(parts.sim.stats().requests).toBe(requestsBefore);
        expect(parts.sim.ledger.length - executedBefore).toBeLessThanOrEqual(1);
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('answers a valid body too large to be recorded (450 KB, under the 1 MiB limit) with a 4xx, not a 503 to retry forever', async () => {
    // DynamoDB items stop at 400 KB; a body the contract takes but the store cannot hold is the
    // sender's to fix, and "retry later" would only bring it back again and again.
    const body = {
      delivery_order: deliveryOrder({ ticket_id: 'T-FUZZ-BIG', exception_desc: 'x'.repeat(450_000) }),
    };
    const response = await deliverAndCheck('wms', JSON.stringify(body));
    expect(response.status).toBeLessThan(500);
  });

  it('answers any raw text as a body with 400 malformed-json unless it happens to be JSON', async () => {
    const text = fc.oneof(
      anyString,
      fc.string({ unit: 'binary', maxLength: 400 }),
      // JSON cut short and followed by random text.
      fc
        .tuple(fc.json({ maxDepth: 3 }), fc.nat(), anyString)
        .map(([json, cut, extra]) => json.slice(0, cut % (json.length + 1)) + extra),
      fc.constantFrom(
        '',
        ' ',
        '\uFEFF{}',
        '{"delivery_order":',
        "{'delivery_order': {}}",
        '{"delivery_order":{"ticket_id":"T1"}}}',
        'NaN',
        '[1,]',
        '\u0000',
        '{"a":"\\ud800"}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(source, text, async (to, raw) => {
        const response = await deliverAndCheck(to, raw);
        if (parsed(raw) === undefined) {
          expect(response.status).toBe(400);
          expect(response.body.type).toBe(`${PROBLEM}malformed-json`);
        }
      }),
      RUNS,
    );
  });
});
