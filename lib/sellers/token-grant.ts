import * as z from 'zod/mini';
import { PROBLEMS } from '#lib/errors/problem-error.ts';
import { SellersError } from './errors.ts';
import type { SellerTokens } from './seller.ts';

// Epoch ms or seconds as the platform sends them: a number, or digits in a string.
const count = z.pipe(
  z.union([z.number(), z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number))]),
  z.number().check(z.nonnegative()),
);

/** What `/auth/token/create` and `/auth/token/refresh` answer, as far as we use it. */
const TokenGrant = z.object({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.string().check(z.minLength(1)),
  expires_in: z.optional(count),
  refresh_expires_in: z.optional(count),
  expire_time: z.optional(count),
  refresh_token_valid_time: z.optional(count),
  seller_id: z.pipe(z.union([z.string().check(z.minLength(1)), z.number()]), z.transform(String)),
});

/** The platform answered a token call without what a grant must hold; names the fields, never values. */
export class TokenGrantFormatError extends SellersError {
  readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    super(`the platform's token answer lacks usable ${fields.join(', ')}`, PROBLEMS.unavailable);
    this.fields = fields;
  }
}

/** A grant read: the tokens and their ends, and whether the refresh token can still be used. */
export interface ReadGrant {
  readonly tokens: Omit<SellerTokens, 'generation' | 'authorized_at'>;
  /** `refresh_expires_in: 0`: this pair can no longer be renewed; the seller must authorize again. */
  readonly refreshable: boolean;
}

/** Reads a token answer received at `now`; the absolute ends are preferred to the relative ones. */
export function readTokenGrant(body: Record<string, unknown>, now: number): ReadGrant {
  const parsed = TokenGrant.safeParse(body);
  if (!parsed.success) {
    throw new TokenGrantFormatError([...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))]);
  }
  const grant = parsed.data;
  const accessEnd =
    grant.expire_time ?? (grant.expires_in === undefined ? undefined : now + grant.expires_in * 1000);
  const refreshEnd =
    grant.refresh_token_valid_time ??
    (grant.refresh_expires_in === undefined ? undefined : now + grant.refresh_expires_in * 1000);
  const missing = [
    ...(accessEnd === undefined ? ['expire_time'] : []),
    ...(refreshEnd === undefined ? ['refresh_token_valid_time'] : []),
  ];
  if (accessEnd === undefined || refreshEnd === undefined) throw new TokenGrantFormatError(missing);
  return {
    tokens: {
      access_token: grant.access_token,
      refresh_token: grant.refresh_token,
      platform_seller_id: grant.seller_id,
      tokens_issued_at: now,
      access_token_expires_at: accessEnd,
      refresh_token_expires_at: refreshEnd,
    },
    refreshable: grant.refresh_expires_in !== 0 && refreshEnd > now,
  };
}
