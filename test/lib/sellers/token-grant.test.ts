import { describe, expect, it } from 'vitest';
import { readTokenGrant, TokenGrantFormatError } from '#lib/sellers/token-grant.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 1);

/** `/auth/token/create` as IOP answers it: flat, the ends both relative (s) and absolute (ms). */
const iopAnswer = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  code: '0',
  request_id: '2101d05f17000000000000000',
  access_token: '50000000a01fgrV1b2c3-access-s3cr3t',
  refresh_token: '50001000a01fgrV1b2c3-refresh-s3cr3t',
  expires_in: 30 * 86_400,
  refresh_expires_in: 60 * 86_400,
  expire_time: NOW + 30 * DAY,
  refresh_token_valid_time: NOW + 60 * DAY,
  seller_id: '2000001',
  user_id: '2000002',
  account: 'seller@example.com',
  account_platform: 'seller_center',
  country: 'cb',
  ...overrides,
});

const formatErrorOf = (body: Record<string, unknown>): TokenGrantFormatError => {
  try {
    readTokenGrant(body, NOW);
  } catch (error) {
    if (error instanceof TokenGrantFormatError) return error;
    throw error;
  }
  throw new Error('expected a TokenGrantFormatError');
};

describe('readTokenGrant', () => {
  it("reads IOP's flat answer: the tokens, the platform's seller id and both ends", () => {
    expect(readTokenGrant(iopAnswer(), NOW)).toEqual({
      tokens: {
        access_token: '50000000a01fgrV1b2c3-access-s3cr3t',
        refresh_token: '50001000a01fgrV1b2c3-refresh-s3cr3t',
        platform_seller_id: '2000001',
        tokens_issued_at: NOW,
        access_token_expires_at: NOW + 30 * DAY,
        refresh_token_expires_at: NOW + 60 * DAY,
      },
      refreshable: true,
    });
  });

  it('reads the ends and the seller id sent as digit strings or numbers', () => {
    const { tokens } = readTokenGrant(
      iopAnswer({
        expire_time: String(NOW + 30 * DAY),
        refresh_token_valid_time: String(NOW + 60 * DAY),
        expires_in: String(30 * 86_400),
        seller_id: 2000001,
      }),
      NOW,
    );
    expect(tokens).toMatchObject({
      platform_seller_id: '2000001',
      access_token_expires_at: NOW + 30 * DAY,
      refresh_token_expires_at: NOW + 60 * DAY,
    });
  });

  it('prefers the absolute ends to the relative ones', () => {
    // The platform's clock and ours disagree by a minute: its ends are the ones that count.
    const { tokens } = readTokenGrant(
      iopAnswer({ expire_time: NOW + 30 * DAY - 60_000, refresh_token_valid_time: NOW + 60 * DAY - 60_000 }),
      NOW,
    );
    expect(tokens.access_token_expires_at).toBe(NOW + 30 * DAY - 60_000);
    expect(tokens.refresh_token_expires_at).toBe(NOW + 60 * DAY - 60_000);
  });

  it('counts the relative ends in seconds from when the answer came, absent the absolute ones', () => {
    const {
      expire_time: _,
      refresh_token_valid_time: __,
      ...relative
    } = iopAnswer({
      expires_in: 40,
      refresh_expires_in: '120',
    });
    const { tokens, refreshable } = readTokenGrant(relative, NOW);
    expect(tokens.access_token_expires_at).toBe(NOW + 40_000);
    expect(tokens.refresh_token_expires_at).toBe(NOW + 120_000);
    expect(refreshable).toBe(true);
  });

  it('says a pair with refresh_expires_in 0 can no longer be renewed', () => {
    expect(readTokenGrant(iopAnswer({ refresh_expires_in: 0 }), NOW).refreshable).toBe(false);
    const { refresh_token_valid_time: _, ...relative } = iopAnswer({ refresh_expires_in: '0' });
    expect(readTokenGrant(relative, NOW)).toMatchObject({
      refreshable: false,
      tokens: { refresh_token_expires_at: NOW },
    });
  });

  it('says a pair whose refresh token already ended can no longer be renewed', () => {
    expect(readTokenGrant(iopAnswer({ refresh_token_valid_time: NOW }), NOW).refreshable).toBe(false);
  });

  it('refuses an answer without tokens, naming the fields and no value', () => {
    const { access_token: _, ...withoutAccess } = iopAnswer();
    const error = formatErrorOf({ ...withoutAccess, refresh_token: '' });
    expect(error.fields).toEqual(['access_token', 'refresh_token']);
    expect(error.message).toBe("the platform's token answer lacks usable access_token, refresh_token");
    expect(error).toMatchObject({ status: 503, outcome: 'unavailable' });
  });

  it('refuses an answer without either end of a token, never quoting the tokens', () => {
    const {
      expire_time: _,
      expires_in: __,
      refresh_token_valid_time: ___,
      refresh_expires_in: ____,
      ...endless
    } = iopAnswer();
    const error = formatErrorOf(endless);
    expect(error.fields).toEqual(['expire_time', 'refresh_token_valid_time']);
    expect(error.message).not.toContain('s3cr3t');

    const { expire_time: _a, expires_in: _b, ...noAccessEnd } = iopAnswer();
    expect(formatErrorOf(noAccessEnd).fields).toEqual(['expire_time']);
  });

  it('refuses ends that are not counts, and a missing seller id, naming the fields', () => {
    const { seller_id: _, ...anonymous } = iopAnswer({ expire_time: 'soon', refresh_expires_in: -1 });
    const error = formatErrorOf(anonymous);
    expect([...error.fields].sort()).toEqual(['expire_time', 'refresh_expires_in', 'seller_id']);
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('soon');
  });
});
