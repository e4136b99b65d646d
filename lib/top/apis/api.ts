import type * as z from 'zod/mini';
import type { TopCallOptions, TopClient } from '../client.ts';
import { TopAuthError, TopBusinessError, type TopErrorFields, TopPermanentError } from '../errors.ts';
import type { TopParams } from '../params.ts';
import type { Platform } from '../platform.ts';
import type { TopCredentials } from '../signed-fields.ts';
import { TopRequestValidationError, toRequestIssues } from './validation.ts';

/** Everything the client and the simulator need to know about one platform API. */
export interface TopApi<Request extends z.ZodMiniType, Response extends z.ZodMiniType> {
  readonly method: string;
  /** The platform that serves it; the client's configuration says over which protocol. */
  readonly platform: Platform;
  /** Whether the call acts for a seller and so carries the seller's session. */
  readonly requiresSession: boolean;
  /** The form field holding the request as one JSON object; absent for flat params. */
  readonly objectParam?: string;
  /** Every rule of the API page: required fields, enums, lengths, conditional rules. */
  readonly request: Request;
  readonly response: Response;
  /** A failure flag inside a success body, as error fields; `undefined` when the call succeeded. */
  readonly failure: (response: z.output<Response>) => TopErrorFields | undefined;
  /**
   * Whether a refusal says the call was carried out before (an order already shipped). After a
   * call whose outcome was unknown, such a refusal is that call's success.
   */
  readonly alreadyApplied?: (refusal: TopErrorFields) => boolean;
}

/** What request-side helpers read of an API; `failure` stays out, so any API fits. */
export type TopApiRequestSide<Request extends z.ZodMiniType> = Pick<
  TopApi<Request, z.ZodMiniType>,
  'method' | 'platform' | 'requiresSession' | 'objectParam' | 'request'
>;

export interface TopApiResult<T> {
  readonly requestId: string | undefined;
  readonly response: T;
}

/** Checks a request against the API's rules; throws {@link TopRequestValidationError} naming each field. */
export function validateTopRequest<Request extends z.ZodMiniType>(
  api: TopApiRequestSide<Request>,
  input: unknown,
): z.output<Request> {
  const parsed = api.request.safeParse(input);
  if (!parsed.success) throw new TopRequestValidationError(api.method, toRequestIssues(parsed.error));
  return parsed.data;
}

/** The business params a validated request is sent as. */
export const toTopParams = (api: TopApiRequestSide<z.ZodMiniType>, request: unknown): TopParams =>
  api.objectParam ? { [api.objectParam]: request } : (request as TopParams);

/** Validates, calls, reads the typed response, and turns a failure flag into a {@link TopBusinessError}. */
export async function callTopApi<Request extends z.ZodMiniType, Response extends z.ZodMiniType>(
  api: TopApi<Request, Response>,
  client: TopClient,
  credentials: TopCredentials,
  input: z.input<Request>,
  options?: TopCallOptions,
): Promise<TopApiResult<z.output<Response>>> {
  const { method } = api;
  const request = validateTopRequest(api, input);
  if (api.requiresSession && !credentials.session?.trim()) {
    throw new TopAuthError(`${method} acts for a seller and no session is configured`, {
      method,
      code: 26,
      msg: 'Missing Session',
    });
  }
  const result = await client.call(method, toTopParams(api, request), credentials, {
    ...options,
    platform: api.platform,
  });
  const response = api.response.safeParse(result.body);
  if (!response.success) {
    // TOP answered 200 with an envelope: the call may well have taken effect, so never retry it blindly.
    throw new TopPermanentError(`${method} answered with a body of unexpected shape`, {
      method,
      requestId: result.requestId,
      cause: response.error,
    });
  }
  const failure = api.failure(response.data);
  if (failure) {
    throw new TopBusinessError(
      `${method} reported failure${failure.subCode ? ` ${failure.subCode}` : ''}${failure.subMsg ? `: ${failure.subMsg}` : ''}`,
      { ...failure, method, requestId: result.requestId },
    );
  }
  return { requestId: result.requestId, response: response.data };
}
