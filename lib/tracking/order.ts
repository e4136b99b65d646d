import type { TopErrorKind } from '#lib/top/errors.ts';

/** Statuses after which a logistics order no longer changes: 6 DELIVERED, 7 CANCELLED. */
const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['6', '7']);

/** One status transition, when the refresh saw it. */
export interface StatusChange {
  readonly status: string;
  /** Epoch ms. */
  readonly at: number;
}

/** Why refreshes of an order stopped until its seller's secret changes (a revoked session). */
export interface Parked {
  readonly reason: string;
  readonly code?: number | string | undefined;
  readonly sub_code?: string | undefined;
  /** Fingerprint of the session that failed; another one resumes the order. */
  readonly session_fingerprint: string;
  readonly at: number;
}

/**
 * Why refreshes of an order stopped for good: TOP answered, several times in a row, that it has no
 * such logistics order. An operator can untrack it (`DELETE /logistics-orders/{id}`), or track it
 * again once it exists.
 */
export interface Stopped {
  readonly reason: string;
  readonly code?: number | string | undefined;
  readonly sub_code?: string | undefined;
  readonly at: number;
}

/** Why a refresh failed: TOP's error kind, or `credentials` when no session could be read. */
export type RefreshErrorKind = TopErrorKind | 'credentials';

/** Every {@link RefreshErrorKind}, as zod's enum takes them; the `satisfies` keeps it complete. */
export const REFRESH_ERROR_KINDS = {
  transient: 'transient',
  rate_limited: 'rate_limited',
  auth: 'auth',
  permanent: 'permanent',
  credentials: 'credentials',
} as const satisfies { readonly [K in RefreshErrorKind]: K };

/**
 * The platform's order detail (`OrderDetail`, the OrderDTO) as the last refresh read it: kept whole
 * and shown, never read here, so it is stored and read back as it is. Personal data: never log it.
 */
export type OrderSnapshot = Readonly<Record<string, unknown>>;

/** The last failed refresh of an order. */
export interface RefreshError {
  readonly kind: RefreshErrorKind;
  readonly message: string;
  readonly code?: number | string | undefined;
  readonly sub_code?: string | undefined;
  readonly at: number;
}

/** A logistics order kept in sync with TOP. The snapshot holds personal data: never log it. */
export interface TrackedOrder {
  readonly logistics_order_id: string;
  readonly seller_id: string;
  readonly created_at: number;
  readonly status?: string | undefined;
  /** The full OrderDTO of the last successful refresh. */
  readonly snapshot?: OrderSnapshot | undefined;
  readonly history: readonly StatusChange[];
  readonly last_refreshed_at?: number | undefined;
  readonly last_error?: RefreshError | undefined;
  /** Refreshes in a row that found nothing new: the interval grows with them. */
  readonly unchanged_refreshes: number;
  /** When the next refresh is due; absent once finished, parked or stopped. */
  readonly next_refresh_at?: number | undefined;
  /** The current dispatch: a worker's write must carry it, so a stale message changes nothing. */
  readonly dispatch_token?: string | undefined;
  readonly parked?: Parked | undefined;
  /** Queries in a row TOP answered without the order (it does not know it); reset by a read. */
  readonly not_found_refreshes?: number | undefined;
  /** Set once those reach the bound: the order is no longer refreshed. */
  readonly stopped?: Stopped | undefined;
  readonly finished_at?: number | undefined;
  /** TTL, epoch seconds: set once the order is finished, after the retention. */
  readonly expires_at?: number | undefined;
}

export const isTerminal = (status: string | undefined): boolean =>
  status !== undefined && TERMINAL_STATUSES.has(status);
