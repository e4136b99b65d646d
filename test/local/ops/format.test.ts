import { describe, expect, it } from 'vitest';
import {
  bulkReplayLines,
  errorAnswerLines,
  errorSummary,
  operationDetail,
  operationsTable,
  ordersTable,
  replayLine,
  sellersTable,
  shortTime,
  statusLines,
  table,
} from '#local/ops/format.ts';

const NOW = new Date('2026-11-23T12:00:00.000Z');

describe('table', () => {
  it('aligns each column to its widest cell, two spaces apart, without trailing spaces', () => {
    expect(
      table(
        ['ID', 'STATUS', 'N'],
        [
          ['op_1', 'DEAD', '5'],
          ['op_22222', 'SUCCEEDED', ''],
        ],
      ),
    ).toEqual(['ID        STATUS     N', 'op_1      DEAD       5', 'op_22222  SUCCEEDED']);
  });

  it('is its header alone without rows', () => {
    expect(table(['ID', 'STATUS'], [])).toEqual(['ID  STATUS']);
  });
});

describe('shortTime', () => {
  it.each([
    ['2026-11-23T10:00:05.123Z', '11-23 10:00:05'],
    ['2026-01-02T03:04:05Z', '01-02 03:04:05'],
    ['2027-01-22T10:00:00.000Z', '2027-01-22 10:00'],
    ['2025-12-31T23:59:59.999Z', '2025-12-31 23:59'],
    [null, '-'],
    [undefined, '-'],
    ['', '-'],
    ['soon', 'soon'],
  ])('%j → %s', (value, short) => {
    expect(shortTime(value, NOW)).toBe(short);
  });
});

describe('errorSummary', () => {
  it.each([
    [undefined, '-'],
    [null, '-'],
    [
      { kind: 'transient', code: 15, sub_code: 'isp.timeout', sub_msg: 'timed out' },
      'transient 15/isp.timeout: timed out',
    ],
    [{ kind: 'internal', message: 'the record is too large' }, 'internal: the record is too large'],
    [{ code: 'E1', message: 'refused' }, 'E1: refused'],
    [{ kind: 'permanent', sub_msg: 'x'.repeat(80) }, `permanent: ${'x'.repeat(36)}…`],
  ])('%j → %s', (error, summary) => {
    expect(errorSummary(error)).toBe(summary);
  });
});

const OPERATION = {
  operation_id: 'op_1VVnd6Ml4nVc0ZuSVS0Gn4IYrc',
  flow: 'wms-delivery',
  status: 'DEAD',
  attempts: 8,
  created_at: '2026-11-23T10:00:05.123Z',
  updated_at: '2026-11-23T11:30:00.000Z',
  last_error: { kind: 'transient', code: 7, sub_msg: 'App Call Limited' },
};

describe('the tables of each listing', () => {
  it('operations: id, flow, status, attempts, times short, the last error in a phrase', () => {
    expect(
      operationsTable(
        {
          items: [
            OPERATION,
            { ...OPERATION, operation_id: 'op_2', flow: 'storefront-fulfill', last_error: null },
          ],
        },
        NOW,
      ),
    ).toEqual([
      'OPERATION                      FLOW                STATUS  ATTEMPTS  CREATED         UPDATED         LAST ERROR',
      'op_1VVnd6Ml4nVc0ZuSVS0Gn4IYrc  wms-delivery        DEAD    8         11-23 10:00:05  11-23 11:30:00  transient 7: App Call Limited',
      'op_2                           storefront-fulfill  DEAD    8         11-23 10:00:05  11-23 11:30:00  -',
    ]);
  });

  it('an empty listing shows its columns and says it is empty', () => {
    expect(operationsTable({ items: [], next_cursor: null }, NOW)).toEqual([
      'OPERATION  FLOW  STATUS  ATTEMPTS  CREATED  UPDATED  LAST ERROR',
      '(no operations)',
    ]);
    expect(ordersTable({ items: [] }, NOW)[1]).toBe('(no logistics orders)');
    expect(sellersTable({ items: [] }, NOW)[1]).toBe('(no sellers)');
  });

  it('orders: parked with its codes, finished and next refresh short', () => {
    const lines = ordersTable(
      {
        items: [
          {
            logistics_order_id: 'BP10000000018002',
            seller_id: 'shop-1',
            status: '3',
            last_refreshed_at: '2026-11-23T10:00:00.000Z',
            next_refresh_at: '2026-11-23T10:01:00.000Z',
            parked: null,
            finished_at: null,
            last_error: null,
          },
          {
            logistics_order_id: 'BP2',
            seller_id: 'shop-2',
            status: null,
            last_refreshed_at: null,
            parked: { reason: 'session revoked', code: 27, at: '2026-11-23T09:00:00.000Z' },
            last_error: {
              kind: 'auth',
              code: 27,
              message: 'Invalid session',
              at: '2026-11-23T09:00:00.000Z',
            },
          },
        ],
      },
      NOW,
    );
    expect(lines).toEqual([
      'LOGISTICS ORDER   SELLER  STATUS  REFRESHED       NEXT REFRESH    PARKED    FINISHED  LAST ERROR',
      'BP10000000018002  shop-1  3       11-23 10:00:00  11-23 10:01:00  -         -         -',
      'BP2               shop-2  -       -               -               yes (27)  -         auth 27: Invalid session',
    ]);
  });

  it('sellers: status and the token dates', () => {
    expect(
      sellersTable(
        {
          items: [
            {
              seller_id: 'shop-9',
              platform_seller_id: '2000001',
              status: 'ACTIVE',
              authorized_at: '2026-11-23T10:00:00.000Z',
              access_token_expires_at: '2026-12-23T10:00:00.000Z',
              refresh_token_expires_at: '2027-01-22T10:00:00.000Z',
              last_error: null,
            },
          ],
        },
        NOW,
      ),
    ).toEqual([
      'SELLER  PLATFORM SELLER  STATUS  AUTHORIZED      ACCESS EXPIRES  REFRESH EXPIRES   LAST ERROR',
      'shop-9  2000001          ACTIVE  11-23 10:00:00  12-23 10:00:00  2027-01-22 10:00  -',
    ]);
  });
});

describe('single answers', () => {
  it('status: the ban, what is parked, then operations per status', () => {
    expect(
      statusLines(
        {
          ban: { until: null },
          operations: { SUCCEEDED: 12, DEAD: 1 },
          parked: { sellers: 0, orders: 0 },
        },
        NOW,
      ),
    ).toEqual([
      'ban     none',
      'parked  0 sellers, 0 orders',
      '',
      'STATUS     OPERATIONS',
      'SUCCEEDED  12',
      'DEAD       1',
    ]);
    expect(
      statusLines({ ban: { until: '2026-11-23T10:05:00.000Z' }, operations: {}, parked: {} }, NOW)[0],
    ).toBe('ban     until 11-23 10:05:00 UTC');
  });

  it('an operation: a field a line in a fixed order, absent ones left out, the TOP request summarized', () => {
    expect(
      operationDetail({
        ...OPERATION,
        webhook_id: 'msg_1',
        next_attempt_at: undefined,
        duplicate_of: null,
        request: {
          method: 'tmall.ovs.delivery.order.info.send',
          params: { delivery_order: { ticket_id: 'T1' } },
        },
      }),
    ).toEqual([
      'operation_id  op_1VVnd6Ml4nVc0ZuSVS0Gn4IYrc',
      'flow          wms-delivery',
      'status        DEAD',
      'attempts      8',
      'webhook_id    msg_1',
      'created_at    2026-11-23T10:00:05.123Z',
      'updated_at    2026-11-23T11:30:00.000Z',
      'last_error    {"kind":"transient","code":7,"sub_msg":"App Call Limited"}',
      'request       tmall.ovs.delivery.order.info.send',
    ]);
  });

  it('a replay: the status it came to; a bulk replay: the counts and ids', () => {
    expect(replayLine({ operation_id: 'op_1', status: 'SUCCEEDED', attempts: 1 }, NOW)).toBe(
      'replayed op_1: SUCCEEDED, attempts 1',
    );
    expect(
      replayLine(
        {
          operation_id: 'op_1',
          status: 'PENDING_RETRY',
          attempts: 2,
          next_attempt_at: '2026-11-23T10:00:02.000Z',
        },
        NOW,
      ),
    ).toBe('replayed op_1: PENDING_RETRY, attempts 2, next attempt 11-23 10:00:02 UTC');
    expect(bulkReplayLines({ replayed: 0, skipped: 0, operation_ids: [] })).toEqual([
      'replayed 0, skipped 0',
    ]);
    expect(bulkReplayLines({ replayed: 1, skipped: 2, operation_ids: ['op_1'] })).toEqual([
      'replayed 1, skipped 2',
      'op_1',
    ]);
  });
});

describe('errorAnswerLines', () => {
  it('a problem: status, title and detail, then each broken rule', () => {
    expect(
      errorAnswerLines(
        400,
        'Bad Request',
        {
          type: 'urn:top-webhooks:problem:validation',
          title: 'Invalid request',
          status: 400,
          detail: '2 fields are invalid',
          errors: [
            { path: 'status', message: 'must be DEAD or FAILED' },
            { path: 'limit', message: 'at most 100' },
          ],
        },
        'fallback',
      ),
    ).toEqual([
      '400 Invalid request: 2 fields are invalid',
      '  status: must be DEAD or FAILED',
      '  limit: at most 100',
    ]);
  });

  it('names the operation of a problem about one, unless the detail does', () => {
    expect(
      errorAnswerLines(
        422,
        'Unprocessable Entity',
        { title: 'TOP rejected the request', status: 422, detail: 'bad', operation_id: 'op_1' },
        '',
      ),
    ).toEqual(['422 TOP rejected the request: bad', '  operation op_1']);
    expect(
      errorAnswerLines(
        404,
        'Not Found',
        { title: 'Operation not found', status: 404, detail: 'no operation op_1', operation_id: 'op_1' },
        '',
      ),
    ).toEqual(['404 Operation not found: no operation op_1']);
  });

  it("API Gateway's own { message }, or whatever came", () => {
    expect(errorAnswerLines(403, 'Forbidden', { message: 'Forbidden' }, '')).toEqual([
      '403 Forbidden: Forbidden',
    ]);
    expect(errorAnswerLines(502, 'Bad Gateway', undefined, '502 Bad Gateway: <html>')).toEqual([
      '502 Bad Gateway: <html>',
    ]);
  });
});
