import { encodeParams, type TopParams } from './params.ts';
import { IOP_SIGN_METHOD, type SignMethod, sign, signIop } from './sign.ts';
import { formatTopTimestamp } from './timestamp.ts';

/** An app's keys and, for APIs that act for a seller, that seller's session (access token). */
export interface TopCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  readonly session?: string | undefined;
  /** Overrides the client's sign method for this app on TOP; IOP signs with sha256 only. */
  readonly signMethod?: SignMethod | undefined;
}

/** What a client adds to every request it signs. */
export interface Signing {
  /** The time of the request, epoch ms. */
  readonly now: number;
  /** TOP's sign method, unless the credentials name one. */
  readonly signMethod: SignMethod;
  readonly simplify: boolean;
  readonly partnerId: string | undefined;
}

const SYSTEM_PARAMS = new Set([
  'method',
  'app_key',
  'session',
  'timestamp',
  'v',
  'sign_method',
  'sign',
  'format',
  'simplify',
  'partner_id',
  'target_app_key',
]);

/** Business params as form fields; a name that is a system param is refused, not silently overridden. */
export function businessFields(params: TopParams): Record<string, string> {
  const business = encodeParams(params);
  const clash = Object.keys(business).find((name) => SYSTEM_PARAMS.has(name));
  if (clash) throw new TypeError(`Business param "${clash}" clashes with a system param`);
  return business;
}

function withOptional(fields: Record<string, string>, credentials: TopCredentials, signing: Signing) {
  if (signing.simplify) fields.simplify = 'true';
  if (credentials.session?.trim()) fields.session = credentials.session;
  if (signing.partnerId?.trim()) fields.partner_id = signing.partnerId;
  return fields;
}

/** A call's form fields, `sign` among them, in the order they are sent. */
export type SignedFields = Record<string, string>;

/** A TOP `/router/rest` call, signed: GMT+8 timestamp, md5/hmac/hmac-sha256. */
export function topFields(
  method: string,
  business: Record<string, string>,
  credentials: TopCredentials,
  signing: Signing,
): SignedFields {
  const signMethod = credentials.signMethod ?? signing.signMethod;
  const fields = withOptional(
    {
      method,
      app_key: credentials.appKey,
      timestamp: formatTopTimestamp(signing.now),
      v: '2.0',
      sign_method: signMethod,
      format: 'json',
      ...business,
    },
    credentials,
    signing,
  );
  fields.sign = sign(fields, credentials.appSecret, signMethod);
  return fields;
}

/** An IOP `/sync` call, signed: epoch-ms timestamp, sha256, `method` among the signed fields. */
export function iopFields(
  method: string,
  business: Record<string, string>,
  credentials: TopCredentials,
  signing: Signing,
): SignedFields {
  const fields = withOptional(
    {
      method,
      app_key: credentials.appKey,
      timestamp: String(signing.now),
      v: '2.0',
      sign_method: IOP_SIGN_METHOD,
      format: 'json',
      ...business,
    },
    credentials,
    signing,
  );
  fields.sign = signIop(fields, credentials.appSecret);
  return fields;
}

/** An IOP `/rest{path}` call, signed with the path first; no method, version, format or session. */
export function iopRestFields(
  path: string,
  params: Record<string, string>,
  credentials: TopCredentials,
  signing: Signing,
): SignedFields {
  const fields: Record<string, string> = {
    app_key: credentials.appKey,
    timestamp: String(signing.now),
    sign_method: IOP_SIGN_METHOD,
    ...params,
  };
  if (signing.partnerId?.trim()) fields.partner_id = signing.partnerId;
  fields.sign = signIop(fields, credentials.appSecret, path);
  return fields;
}
