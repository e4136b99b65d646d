import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestParts } from '#test/helpers/test-parts.ts';
import {
  captureStdout,
  deliveryOrder,
  fulfillment,
  type HttpResult,
  loudTelemetry,
  type WebhookHarness,
  webhookHarness,
} from '#test/helpers/webhook-harness.ts';

// Test personal data: a mainland mobile number, an e-mail address and a unified social credit code.
const PHONE = '+86 138 0013 8000';
const EMAIL = 'li.wei@example.com';
const TAX_ID = '91310000MA1FL8TQ0X';
const PERSONAL = `call ${PHONE}, mail ${EMAIL}, tax id ${TAX_ID}`;

/** Each value in the forms a log line could carry it: as written, digits only, form- or URL-encoded. */
const FORBIDDEN = [
  PHONE,
  '138 0013 8000',
  '8613800138000',
  '13800138000',
  '%2B86+138+0013+8000',
  '%2B86%20138%200013%208000',
  EMAIL,
  'li.wei%40example.com',
  TAX_ID,
];

let stack: WebhookHarness;
let deliveries = 0;

const parts = useTestParts();
beforeAll(async () => {
  // INFO and metrics on for this harness, whatever the test environment says.
  const { logger, metrics } = loudTelemetry('logs-test');
  stack = await webhookHarness(parts.dynamo, parts.sim, {
    overrides: { logger, metrics },
    service: 'logs-test',
  });
});

/** A delivery order carrying the personal data in every free-text field it has. */
const wmsBody = (ticket: string, overrides: Record<string, unknown> = {}) => ({
  occurred_at: '2026-11-23T10:00:00Z',
  delivery_order: deliveryOrder({
    ticket_id: ticket,
    open_user_id: PERSONAL,
    mail_company: PERSONAL,
    end_mail_company: PERSONAL,
    exception_desc: PERSONAL,
    other_fee_desc: PERSONAL,
    goods_list: [{ sku_name: PERSONAL, quantity: 1 }],
    service_fulfil_result: [{ service_code: 'S1', remark: PERSONAL, fail_msg: PERSONAL }],
    ...overrides,
  }),
});

/** A fulfilment carrying it in its order reference and (ASCII-only) description. */
const storefrontBody = (n: number, overrides: Record<string, unknown> = {}) => ({
  seller_id: 'shop-1',
  fulfillment: fulfillment({ out_ref: `${TAX_ID}-${PHONE}-${n}`, description: PERSONAL, ...overrides }),
});

interface Captured {
  /** Log lines: JSON objects with a `message`. */
  readonly logs: Record<string, unknown>[];
  /** Metric names of each EMF line, one list per line. */
  readonly metrics: string[][];
  /** Every line as printed, stdout and stderr (warnings and errors go to stderr). */
  readonly raw: string[];
}

/** Runs `action` with stdout and stderr captured. */
async function captured<T>(action: () => Promise<T>): Promise<{ result: T } & Captured> {
  const stdout = captureStdout();
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  let result: T;
  try {
    result = await action();
  } finally {
    stdout.restore();
    spy.mockRestore();
  }
  const raw = [...stdout.lines(), ...stderr];
  const parsed = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  const emf = parsed.filter((line) => '_aws' in line);
  return {
    result,
    raw,
    logs: parsed.filter((line) => !('_aws' in line)),
    metrics: emf.map((line) =>
      (
        (line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics ?? []
      ).flatMap((directive) => directive.Metrics.map((metric) => metric.Name)),
    ),
  };
}

function expectNoPersonalData(raw: readonly string[]): void {
  expect(raw.length).toBeGreaterThan(0);
  for (const line of raw) {
    for (const value of FORBIDDEN) expect(line.toLowerCase()).not.toContain(value.toLowerCase());
  }
}

/** Every log line of a delivery names it; those of a claimed delivery name its operation too. */
function expectCorrelated(logs: readonly Record<string, unknown>[], id: string, response: HttpResult): void {
  expect(logs.length).toBeGreaterThan(0);
  for (const line of logs) expect(line.correlation_id).toBe(id);
  const operationId = response.body.operation_id;
  if (operationId !== undefined) {
    expect(logs.find((line) => line.message === 'webhook handled')).toMatchObject({
      operation_id: operationId,
      http_status: response.status,
    });
  } else {
    for (const line of logs) expect(line).not.toHaveProperty('operation_id');
  }
}

/** Delivers with a known webhook id and captures what was printed meanwhile. */
async function deliver(
  to: 'wms' | 'storefront',
  body: unknown,
  delivery: { secret?: string; id?: string } = {},
) {
  const id = delivery.id ?? `msg_logs_${++deliveries}`;
  const run = await captured(() =>
    to === 'wms'
      ? stack.deliverWms(body, { ...delivery, id })
      : stack.deliverStorefront(body, { ...delivery, id }),
  );
  return { id, response: run.result, ...run };
}

describe('personal data in webhook bodies never reaches a log line', () => {
  it('logs a delivered WMS event by ids only, and counts it Delivered', async () => {
    const run = await deliver('wms', wmsBody('T-LOG-OK'));
    expect(run.response.status).toBe(200);
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    expect(run.metrics).toEqual([['Delivered']]);
  });

  it('logs a shipped storefront order by ids only, and counts it Delivered', async () => {
    const run = await deliver('storefront', storefrontBody(1));
    expect(run.response.status).toBe(200);
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    expect(run.metrics).toEqual([['Delivered']]);
  });

  it('keeps TOP’s sub_msg out of the logs when TOP rejects the request quoting the phone number (422)', async () => {
    parts.sim.faults.set([
      {
        type: 'error',
        code: 15,
        msg: 'Remote service error',
        sub_code: 'isv.invalid-parameter',
        sub_msg: `receiver phone ${PHONE} is not reachable`,
        count: 1,
      },
    ]);
    const run = await deliver('wms', wmsBody('T-LOG-REJECTED'));
    expect(run.response.status).toBe(422);
    // The sender is told what TOP said about its own request; the logs are not.
    expect((run.response.body.top as { sub_msg: string }).sub_msg).toContain(PHONE);
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    expect(run.logs.find((line) => line.message === 'webhook handled')).toMatchObject({
      error_code: 15,
      error_sub_code: 'isv.invalid-parameter',
    });
    expect(run.metrics).toEqual([['RejectedByTop']]);
  });

  it('logs a transient failure quoting the phone number without it (202), and counts it PendingRetry', async () => {
    parts.sim.faults.set([
      {
        type: 'isp',
        sub_code: 'isp.top-remote-connection-timeout',
        sub_msg: `timeout for ${PHONE}`,
        count: 1,
      },
    ]);
    const run = await deliver('storefront', storefrontBody(2));
    expect(run.response.status).toBe(202);
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    expect(run.metrics).toEqual([['PendingRetry']]);
  });

  it('logs a platform token error quoting the e-mail without it (202 auth)', async () => {
    parts.sim.faults.set([
      {
        type: 'error',
        code: 'IllegalAccessToken',
        msg: 'Invalid token',
        sub_msg: `token of ${EMAIL} expired`,
        count: 1,
      },
    ]);
    const run = await deliver('storefront', storefrontBody(3));
    expect(run.response.status).toBe(202);
    expect(run.response.body.last_error).toMatchObject({ kind: 'auth', code: 'IllegalAccessToken' });
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    // TOP refused the session: the attempt also counts toward the TopAuthErrors alarm.
    expect(run.metrics).toEqual([['TopAuthError', 'PendingRetry']]);
  });

  it.each([
    ['a WMS status', 'wms', wmsBody('T-LOG-INVALID', { status: EMAIL })],
    ['a WMS weight', 'wms', wmsBody('T-LOG-INVALID', { weight: EMAIL })],
    [
      'a WMS remark over 100 characters',
      'wms',
      wmsBody('T-LOG-INVALID', {
        service_fulfil_result: [{ remark: `${PERSONAL} ${PERSONAL}` }],
      }),
    ],
    [
      'a non-ASCII fulfilment description',
      'storefront',
      storefrontBody(4, { description: `备注 ${PERSONAL}` }),
    ],
    ['an unknown field', 'storefront', { ...storefrontBody(5), [EMAIL]: PHONE }],
  ] as const)(
    'refuses %s holding the e-mail with 400 and logs neither value nor field text',
    async (_, to, body) => {
      const run = await deliver(to, body);
      expect(run.response.status).toBe(400);
      expectNoPersonalData(run.raw);
      expectCorrelated(run.logs, run.id, run.response);
      expect(run.metrics).toEqual([['Invalid']]);
    },
  );

  it('refuses malformed JSON holding the personal data with 400 and logs none of it', async () => {
    const raw = JSON.stringify(wmsBody('T-LOG-MALFORMED')).slice(0, -2);
    const run = await deliver('wms', raw);
    expect(run.response.status).toBe(400);
    expect(run.response.body.type).toBe('urn:top-webhooks:problem:malformed-json');
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    expect(run.metrics).toEqual([['Invalid']]);
  });

  it('refuses a badly signed delivery with 401 and logs none of its body', async () => {
    const run = await deliver('wms', wmsBody('T-LOG-401'), {
      secret: `whsec_${Buffer.from('not-the-secret').toString('base64')}`,
    });
    expect(run.response.status).toBe(401);
    expectNoPersonalData(run.raw);
    // Its webhook-id was never verified: the lines carry the invocation's own request id instead.
    for (const line of run.logs) expect(line.correlation_id).not.toBe(run.id);
    expect(run.metrics).toEqual([['Unauthorized']]);
  });

  it('writes nothing an unsigned request chose into the log: not its webhook-id, not its headers', async () => {
    const forged = 'forged-entry {"level":"ERROR","message":"operator: replay everything"}';
    const run = await deliver('wms', wmsBody('T-LOG-FORGED'), {
      secret: `whsec_${Buffer.from('not-the-secret').toString('base64')}`,
      id: forged,
    });
    expect(run.response.status).toBe(401);
    expect(run.logs.length).toBeGreaterThan(0);
    for (const line of run.raw) expect(line).not.toContain('forged-entry');
  });

  it('refuses a seller id that is an e-mail address with 422 and does not log it', async () => {
    const run = await deliver('storefront', { ...storefrontBody(6), seller_id: EMAIL });
    expect(run.response.status).toBe(422);
    expect(run.response.body.type).toBe('urn:top-webhooks:problem:unknown-seller');
    expectNoPersonalData(run.raw);
    expectCorrelated(run.logs, run.id, run.response);
    expect(run.metrics).toEqual([['UnknownSeller']]);
  });

  it('logs a redelivery replayed from the record by ids only, and counts it Replayed', async () => {
    const body = wmsBody('T-LOG-REPLAYED');
    const first = await deliver('wms', body);
    const again = await deliver('wms', body, { id: first.id });
    expect(again.response.status).toBe(200);
    expect(again.response.headers['idempotent-replayed']).toBe('true');
    expectNoPersonalData(again.raw);
    expectCorrelated(again.logs, again.id, again.response);
    expect(again.logs.find((line) => line.message === 'webhook handled')).toMatchObject({
      outcome: 'replayed',
    });
    expect(again.metrics).toEqual([['Replayed']]);
  });

  it('logs a delivery id reused with another body (422) by ids only, naming the operation it collides with', async () => {
    const first = await deliver('wms', wmsBody('T-LOG-KEY-1'));
    const reused = await deliver('wms', wmsBody('T-LOG-KEY-2'), { id: first.id });
    expect(reused.response.status).toBe(422);
    expect(reused.response.body).toMatchObject({
      type: 'urn:top-webhooks:problem:idempotency-key-reused',
      operation_id: first.response.body.operation_id,
    });
    expectNoPersonalData(reused.raw);
    for (const line of reused.logs) expect(line.correlation_id).toBe(reused.id);
    expect(reused.logs.find((line) => line.message === 'webhook refused')).toMatchObject({
      operation_id: first.response.body.operation_id,
    });
    expect(reused.metrics).toEqual([['KeyReused']]);
  });

  it('logs an operator replay of a rejected operation by ids only, and counts what the attempt became', async () => {
    parts.sim.faults.set([
      {
        type: 'error',
        code: 15,
        msg: 'Remote service error',
        sub_code: 'isv.invalid-parameter',
        sub_msg: `bad receiver ${EMAIL}`,
        count: 1,
      },
    ]);
    const rejected = await deliver('storefront', storefrontBody(7));
    expect(rejected.response.status).toBe(422);
    const operationId = String(rejected.response.body.operation_id);

    const run = await captured(() => stack.replay(operationId));
    expect(run.result.status).toBe(200);
    expectNoPersonalData(run.raw);
    expect(run.logs.find((line) => line.message === 'operation replayed')).toMatchObject({
      operation_id: operationId,
      status: 'SUCCEEDED',
    });
    for (const line of run.logs) expect(line.operation_id).toBe(operationId);
    // The replay's own attempt delivered it: counted as Delivered, one EMF line.
    expect(run.metrics).toEqual([['Delivered']]);
  });

  it('logs a sweeper run that finishes a pending operation without its data', async () => {
    // A table of its own, so the sweep finds this operation alone.
    const { logger, metrics } = loudTelemetry('logs-test-sweeper');
    const own = await webhookHarness(parts.dynamo, parts.sim, {
      overrides: { logger, metrics },
      service: 'logs-test-sweeper',
    });
    parts.sim.faults.set([{ type: 'isp', sub_msg: `remote timeout, receiver ${PHONE}`, count: 1 }]);
    const pending = await captured(() => own.deliverWms(wmsBody('T-LOG-SWEPT'), { id: 'msg_logs_swept' }));
    expect(pending.result.status).toBe(202);
    expectNoPersonalData(pending.raw);
    own.clock.now = Date.parse(String(pending.result.body.next_attempt_at)) + 1;

    const run = await captured(() => own.sweep());
    expect(run.result).toMatchObject({ attempted: 1, outcomes: { SUCCEEDED: 1 } });
    expectNoPersonalData(run.raw);
    expect(run.logs.find((line) => line.message === 'sweep finished')).toMatchObject({ attempted: 1 });
    expect(run.metrics).toEqual([['Delivered']]);
  });
});
