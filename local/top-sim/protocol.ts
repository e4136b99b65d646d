import { TOP_APIS } from '#lib/top/apis/index.ts';
import { isSignMethod, sign } from '#lib/top/sign.ts';
import { parseTopTimestamp } from '#lib/top/timestamp.ts';
import type { TokenRegistry } from './tokens.ts';
import { SIM_ERRORS, type SimError } from './wire.ts';

/** The app the simulator accepts, and the sellers' tokens it knows (sessions on TOP). */
export interface SimApp {
  readonly appKey: string;
  readonly appSecret: string;
  readonly tokens: Pick<TokenRegistry, 'accessStatus'>;
}

export type TopApiEntry = (typeof TOP_APIS)[keyof typeof TOP_APIS];

const TIMESTAMP_TOLERANCE_MS = 10 * 60 * 1000;

/**
 * What the gateway checks before any API runs, in its order: method, app key, signature, timestamp,
 * version, format, session. Returns the API or the error the platform answers with.
 */
export function checkSystemParams(
  fields: Readonly<Record<string, string>>,
  app: SimApp,
  now: number,
): { api: TopApiEntry } | { error: SimError } {
  const { method, app_key, sign: signature, sign_method, timestamp, v, format, session } = fields;
  if (!method) return { error: SIM_ERRORS.missingMethod };
  const api = TOP_APIS[method];
  if (!api) return { error: SIM_ERRORS.invalidMethod };
  if (!app_key) return { error: SIM_ERRORS.missingAppKey };
  if (app_key !== app.appKey) return { error: SIM_ERRORS.invalidAppKey };
  if (!signature) return { error: SIM_ERRORS.missingSignature };
  if (!isSignMethod(sign_method)) {
    return {
      error: { ...SIM_ERRORS.invalidSignature, sub_msg: `unsupported sign_method ${sign_method ?? ''}` },
    };
  }
  if (sign(fields, app.appSecret, sign_method) !== signature.toUpperCase()) {
    return { error: SIM_ERRORS.invalidSignature };
  }
  if (!timestamp) return { error: SIM_ERRORS.missingTimestamp };
  const at = parseTopTimestamp(timestamp);
  if (at === undefined || Math.abs(at - now) > TIMESTAMP_TOLERANCE_MS) {
    return { error: SIM_ERRORS.invalidTimestamp };
  }
  if (!v) return { error: SIM_ERRORS.missingVersion };
  if (v !== '2.0') return { error: SIM_ERRORS.unsupportedVersion };
  if (format !== 'json') return { error: SIM_ERRORS.invalidFormat };
  // An issued access token past its expiry is as invalid as an unknown one.
  if (session !== undefined && app.tokens.accessStatus(session, now) !== 'valid') {
    return { error: SIM_ERRORS.invalidSession };
  }
  if (api.requiresSession && session === undefined) return { error: SIM_ERRORS.missingSession };
  return { api };
}
