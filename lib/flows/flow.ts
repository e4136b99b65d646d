import type * as z from 'zod/mini';
import type { WebhookSource } from '#lib/config/secrets.ts';
import type { Flow, OperationGuards } from '#lib/operations/operation.ts';
import type { TopApiRequestSide } from '#lib/top/apis/api.ts';

/** What a webhook body becomes: the TOP request to make and the checks to run before making it. */
export interface OperationDraft {
  readonly params: Record<string, unknown>;
  readonly guards: OperationGuards;
}

/** One webhook flow: its contract, the TOP API it drives and how a body maps onto that API. */
export interface WebhookFlow<Body extends z.ZodMiniType = z.ZodMiniType> {
  readonly flow: Flow;
  readonly source: WebhookSource;
  /**
   * That API: the only one the flow's attempts call. A seller is looked up among its platform's
   * sellers, and the body must pick one (or only one is configured) when it requires a session.
   */
  readonly api: TopApiRequestSide<z.ZodMiniType>;
  readonly body: Body;
  /** The seller the sender named, if any. */
  readonly sellerOf: (body: z.output<Body>) => string | undefined;
  readonly draft: (body: z.output<Body>, sellerId: string | undefined) => OperationDraft;
}
