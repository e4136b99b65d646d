/** The secret store could not give a secret (outage, access denied, no such secret): retry later (→ 503). */
export class SecretUnavailableError extends Error {
  readonly secretId: string;
  constructor(secretId: string, options: { readonly cause?: unknown } = {}) {
    super(`secret ${secretId} is unavailable`, { cause: options.cause });
    this.name = 'SecretUnavailableError';
    this.secretId = secretId;
  }
}

/**
 * A secret whose value is not in the expected layout. `problems` name the field paths and what is
 * wrong with them, never the values.
 */
export class SecretFormatError extends Error {
  readonly secretId: string;
  readonly problems: readonly string[];
  constructor(secretId: string, problems: readonly string[], options: { readonly cause?: unknown } = {}) {
    super(`secret ${secretId} is malformed: ${problems.join('; ')}`, { cause: options.cause });
    this.name = 'SecretFormatError';
    this.secretId = secretId;
    this.problems = problems;
  }
}

/** No seller was named and several are configured, so none can be picked for the caller. */
export class SellerRequiredError extends Error {
  readonly configuredSellers: number;
  constructor(configuredSellers: number) {
    super(`a seller id is required: ${configuredSellers} sellers are configured`);
    this.name = 'SellerRequiredError';
    this.configuredSellers = configuredSellers;
  }
}

/** The seller has no session in the TOP credentials secret, even after refetching it. */
export class UnknownSellerError extends Error {
  /** `undefined` when no seller was named and none is configured. */
  readonly sellerId: string | undefined;
  constructor(sellerId: string | undefined) {
    super(sellerId === undefined ? 'no seller is configured' : `unknown seller ${sellerId}`);
    this.name = 'UnknownSellerError';
    this.sellerId = sellerId;
  }
}
