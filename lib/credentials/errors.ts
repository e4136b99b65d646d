import { PROBLEMS, ProblemError } from '#lib/errors/problem-error.ts';

/** Base of the credentials' errors: a secret we cannot use, a seller we cannot pick. */
export abstract class CredentialsError extends ProblemError {}

/** The secret store could not give a secret (outage, access denied, no such secret): retry later (→ 503). */
export class SecretUnavailableError extends CredentialsError {
  readonly secretId: string;
  constructor(secretId: string, options: { readonly cause?: unknown } = {}) {
    super(`secret ${secretId} is unavailable`, PROBLEMS.unavailable, options);
    this.secretId = secretId;
  }
}

/**
 * A secret whose value is not in the expected layout. `problems` name the field paths and what is
 * wrong with them, never the values.
 */
export class SecretFormatError extends CredentialsError {
  readonly secretId: string;
  readonly problems: readonly string[];
  constructor(secretId: string, problems: readonly string[], options: { readonly cause?: unknown } = {}) {
    super(`secret ${secretId} is malformed: ${problems.join('; ')}`, PROBLEMS.misconfigured, options);
    this.secretId = secretId;
    this.problems = problems;
  }
}

/**
 * No seller was named and several are configured, so none can be picked for the caller. A flow names
 * its own field in the answer; this is the answer when none does.
 */
export class SellerRequiredError extends CredentialsError {
  readonly configuredSellers: number;
  constructor(configuredSellers: number) {
    super(`a seller id is required: ${configuredSellers} sellers are configured`, {
      status: 400,
      slug: 'seller-required',
      title: 'Seller required',
      outcome: 'invalid',
    });
    this.configuredSellers = configuredSellers;
  }
}

/** The seller has no session in the TOP credentials secret, even after refetching it. */
export class UnknownSellerError extends CredentialsError {
  /** `undefined` when no seller was named and none is configured. */
  readonly sellerId: string | undefined;
  constructor(sellerId: string | undefined) {
    super(sellerId === undefined ? 'no seller is configured' : `unknown seller ${sellerId}`, {
      status: 422,
      slug: 'unknown-seller',
      title: 'Unknown seller',
      outcome: 'unknown_seller',
    });
    this.sellerId = sellerId;
  }
}
