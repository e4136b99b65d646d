import { describe, expect, it } from 'vitest';
import {
  authorizationOf,
  nextLookAt,
  reauthorizeSoonAt,
  renewAt,
  type SellerAuthorization,
  type SellerTokens,
  statusAt,
} from '#lib/sellers/seller.ts';
import { DAY, sellerAuthorization, T0 } from '#test/helpers/sellers.ts';

const authorized = sellerAuthorization;

/** The same seller after a renewal at `day`: a new 30-day access token, the refresh token's end kept. */
const renewedOn = (day: number, overrides: Partial<SellerAuthorization> = {}) =>
  authorized({
    tokens_issued_at: T0 + day * DAY,
    access_token_expires_at: T0 + (day + 30) * DAY,
    last_refreshed_at: T0 + day * DAY,
    ...overrides,
  });

describe('renewAt', () => {
  it("renews at half the access token's lifetime: a 30-day token on day 15", () => {
    expect(renewAt(authorized())).toBe(T0 + 15 * DAY);
  });

  it('renews a 40-second token at second 20', () => {
    expect(renewAt({ tokens_issued_at: T0, access_token_expires_at: T0 + 40_000 })).toBe(T0 + 20_000);
  });

  it('counts from when the current token was issued, not from the authorization', () => {
    expect(renewAt(renewedOn(15))).toBe(T0 + 30 * DAY);
  });

  it('stays on a whole millisecond, never after the half', () => {
    expect(renewAt({ tokens_issued_at: T0, access_token_expires_at: T0 + 41 })).toBe(T0 + 20);
  });
});

describe('reauthorizeSoonAt', () => {
  it("turns in the last quarter of the refresh token's life: the last 15 of 60 days", () => {
    expect(reauthorizeSoonAt(authorized())).toBe(T0 + 45 * DAY);
  });

  it('counts from the authorization, so renewals (which keep the end) do not move it', () => {
    expect(reauthorizeSoonAt(renewedOn(15))).toBe(T0 + 45 * DAY);
    expect(reauthorizeSoonAt(renewedOn(40))).toBe(T0 + 45 * DAY);
  });
});

describe('statusAt', () => {
  it('is ACTIVE, then REAUTHORIZE_SOON, then REAUTHORIZE at the end of the refresh token', () => {
    const a = authorized();
    expect(statusAt(a, T0)).toBe('ACTIVE');
    expect(statusAt(a, T0 + 45 * DAY - 1)).toBe('ACTIVE');
    expect(statusAt(a, T0 + 45 * DAY)).toBe('REAUTHORIZE_SOON');
    expect(statusAt(a, T0 + 60 * DAY - 1)).toBe('REAUTHORIZE_SOON');
    expect(statusAt(a, T0 + 60 * DAY)).toBe('REAUTHORIZE');
  });

  it('is REAUTHORIZE once the platform refused, whatever the dates say', () => {
    const refused = authorized({ refused: true, last_error: { code: 'IllegalRefreshToken', message: 'x' } });
    expect(statusAt(refused, T0)).toBe('REAUTHORIZE');
    expect(statusAt(refused, T0 + 45 * DAY)).toBe('REAUTHORIZE');
  });

  it('stays ACTIVE with a passing failure on record', () => {
    expect(statusAt(authorized({ last_error: { code: 'Timeout', message: 'x' } }), T0)).toBe('ACTIVE');
  });
});

describe('nextLookAt', () => {
  it('is the half-life of a fresh authorization', () => {
    expect(nextLookAt(authorized(), T0)).toBe(T0 + 15 * DAY);
  });

  it('is the turn to REAUTHORIZE_SOON when that comes before the half-life', () => {
    // Renewed on day 40: half-life on day 55, the turn on day 45.
    expect(nextLookAt(renewedOn(40), T0 + 40 * DAY)).toBe(T0 + 45 * DAY);
  });

  it('is the half-life again once the seller is REAUTHORIZE_SOON', () => {
    expect(nextLookAt(renewedOn(40), T0 + 46 * DAY)).toBe(T0 + 55 * DAY);
  });

  it("is the refresh token's end when the access token would outlive it", () => {
    // Renewed on day 50: half-life on day 65, after the refresh token's end on day 60.
    expect(nextLookAt(renewedOn(50), T0 + 50 * DAY)).toBe(T0 + 60 * DAY);
  });

  it('stays at a half-life already passed, so that a failed renewal is tried at once', () => {
    expect(nextLookAt(authorized(), T0 + 20 * DAY)).toBe(T0 + 15 * DAY);
  });

  it('is undefined once the seller must authorize again', () => {
    expect(nextLookAt(authorized(), T0 + 60 * DAY)).toBeUndefined();
    expect(nextLookAt(authorized({ refused: true }), T0)).toBeUndefined();
  });
});

describe('authorizationOf', () => {
  const tokens: SellerTokens = {
    access_token: 'access-s3cr3t',
    refresh_token: 'refresh-s3cr3t',
    platform_seller_id: '2000001',
    generation: 3,
    authorized_at: T0,
    tokens_issued_at: T0 + 15 * DAY,
    access_token_expires_at: T0 + 45 * DAY,
    refresh_token_expires_at: T0 + 60 * DAY,
  };

  it('keeps the dates and drops the tokens', () => {
    const a = authorizationOf(tokens);
    expect(a).toEqual({
      platform_seller_id: '2000001',
      generation: 3,
      authorized_at: T0,
      tokens_issued_at: T0 + 15 * DAY,
      access_token_expires_at: T0 + 45 * DAY,
      refresh_token_expires_at: T0 + 60 * DAY,
    });
    expect(JSON.stringify(a)).not.toContain('s3cr3t');
  });

  it('adds what the renewal knows besides', () => {
    const lastError = { code: 'IllegalRefreshToken', message: 'refresh token expired' };
    expect(
      authorizationOf(tokens, { last_refreshed_at: T0 + 15 * DAY, refused: true, last_error: lastError }),
    ).toMatchObject({ last_refreshed_at: T0 + 15 * DAY, refused: true, last_error: lastError });
  });
});
