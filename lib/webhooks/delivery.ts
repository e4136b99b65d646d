import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { rawBody } from '#lib/http/request.ts';

/** Checks a delivery's signature against the source's secrets; throws when it does not hold. */
export interface WebhookVerifier {
  verify(
    headers: Readonly<Record<string, string | undefined>>,
    rawBody: Uint8Array,
  ): Promise<{ readonly id: string; readonly timestamp: number }>;
}

/**
 * A delivery whose signature holds. Only what the signature covers may be trusted: its `id` (the
 * sender's `webhook-id`) and its body. Nothing else of the request may choose an operation or
 * reach a log line.
 */
export interface VerifiedDelivery {
  readonly id: string;
  /** The exact bytes that were signed. */
  readonly body: Buffer;
}

/** Reads the body (413 past the limit) and verifies the signature (401 on any failure). */
export async function verifyDelivery(
  verifier: WebhookVerifier,
  event: APIGatewayProxyEventV2,
): Promise<VerifiedDelivery> {
  const body = rawBody(event);
  const { id } = await verifier.verify(event.headers ?? {}, body);
  return { id, body };
}
