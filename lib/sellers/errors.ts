import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the seller authorization's errors. */
export abstract class SellersError extends ProblemError {}

/** A `seller_id` that is not 1–64 of `[A-Za-z0-9._-]`. */
export class InvalidSellerIdError extends SellersError {
  constructor() {
    super('seller_id must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-"', {
      status: 400,
      slug: 'invalid-seller-id',
      title: 'Invalid seller id',
      outcome: 'invalid',
    });
  }
}

/** No seller of that name has authorized the app. */
export class SellerNotFoundError extends SellersError {
  readonly sellerId: string;
  constructor(sellerId: string) {
    super(`no seller ${sellerId} has authorized the app`, {
      status: 404,
      slug: 'not-found',
      title: 'Not Found',
      outcome: 'not_found',
    });
    this.sellerId = sellerId;
  }
}

/** Why a callback's `state` is refused. */
export type StateProblem = 'missing' | 'unknown' | 'expired';

const STATE_PROBLEMS: Record<StateProblem, string> = {
  missing: 'the link carries no state: open the authorization link you were sent again',
  unknown: 'this authorization link is not ours or was already used: ask for a new one',
  expired: 'this authorization link expired (it is valid for 10 minutes): ask for a new one',
};

/** The callback's `state` is missing, forged, used already or expired: nothing is stored. */
export class AuthorizationStateError extends SellersError {
  readonly problem: StateProblem;
  constructor(problem: StateProblem) {
    super(STATE_PROBLEMS[problem], {
      status: 400,
      slug: 'invalid-authorization-state',
      title: 'Invalid authorization state',
      outcome: 'invalid',
    });
    this.problem = problem;
  }
}

/** The platform sent the seller back without a code (they declined, or the link was altered). */
export class MissingAuthorizationCodeError extends SellersError {
  constructor() {
    super('the platform sent no authorization code: the seller may have declined', {
      status: 400,
      slug: 'missing-authorization-code',
      title: 'No authorization code',
      outcome: 'invalid',
    });
  }
}

/** The platform refused the code (unknown, used or expired): nothing is stored. */
export class AuthorizationRefusedError extends SellersError {
  readonly code: string;
  constructor(code: string, message: string, options: { readonly cause?: unknown } = {}) {
    super(
      `the platform refused the authorization: ${code}: ${message}`,
      {
        status: 400,
        slug: 'authorization-refused',
        title: 'Authorization refused',
        outcome: 'invalid',
      },
      options,
    );
    this.code = code;
  }
}

/** Another authorization or a renewal of this seller holds it right now. */
export class SellerBusyError extends SellersError {
  constructor(sellerId: string) {
    super(`seller ${sellerId} is being renewed or authorized right now: try again in a minute`, {
      status: 409,
      slug: 'seller-busy',
      title: 'Seller busy',
      outcome: 'conflict',
    });
  }
}

/** The platform could not be reached or answered unusably: nothing is stored, the seller may retry. */
export class AuthorizationUnavailableError extends SellersError {
  constructor(options: { readonly cause?: unknown } = {}) {
    super('the platform could not complete the authorization', PROBLEMS.unavailable, options);
  }
  override headers() {
    return { 'retry-after': '60' };
  }
}

/**
 * Authorization needs the AliExpress Open Platform (`AE_GATEWAY_URL`, `PUBLIC_URL`) and an app it
 * accepts: a deployment's fault, never the seller's.
 */
export class AuthorizationNotConfiguredError extends SellersError {
  constructor(problem: string, options: { readonly cause?: unknown } = {}) {
    super(`seller authorization is not configured: ${problem}`, PROBLEMS.misconfigured, options);
  }
}
