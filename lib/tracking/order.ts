import type { OrderDetail } from '#lib/top/apis/query-logistics-order.ts';

/** Statuses after which a logistics order no longer changes: 6 DELIVERED, 7 CANCELLED. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['6', '7']);

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

export interface RefreshError {
  readonly kind: string;
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
  readonly snapshot?: OrderDetail | undefined;
  readonly history: readonly StatusChange[];
  readonly last_refreshed_at?: number | undefined;
  readonly last_error?: RefreshError | undefined;
  /** Refreshes in a row that found nothing new: the interval grows with them. */
  readonly unchanged_refreshes: number;
  /** When the next refresh is due; absent once finished or parked. */
  readonly next_refresh_at?: number | undefined;
  /** The current dispatch: a worker's write must carry it, so a stale message changes nothing. */
  readonly dispatch_token?: string | undefined;
  readonly parked?: Parked | undefined;
  readonly finished_at?: number | undefined;
  /** TTL, epoch seconds: set once the order is finished, after the retention. */
  readonly expires_at?: number | undefined;
}

export const isTerminal = (status: string | undefined): boolean =>
  status !== undefined && TERMINAL_STATUSES.has(status);
