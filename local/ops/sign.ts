import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials, as the credential chain resolves them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}
/** Credentials, or what resolves them (the standard chain: `fromNodeProviderChain()`). */
export type CredentialSource = AwsCredentials | (() => Promise<AwsCredentials>);

/** A request about to be sent. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

/** Gives the headers to send: the request's own plus the signature's. */
export type Signer = (request: OutgoingRequest) => Promise<Record<string, string>>;

/** The service name API Gateway's IAM authorization signs for. */
export const EXECUTE_API = 'execute-api';

// `<api-id>.execute-api.<region>.amazonaws.com` (`.com.cn` in China).
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;

/** The region of an API Gateway endpoint's host name; undefined for any other host. */
export const executeApiRegion = (hostname: string): string | undefined =>
  EXECUTE_API_HOST.exec(hostname.toLowerCase())?.[1];

/**
 * SigV4 for API Gateway (`execute-api`): the method, the path (each segment encoded once more, as
 * every service but S3 wants), the query (sorted, RFC 3986 encoded), the headers `host`,
 * `content-type`, `x-amz-date` and `x-amz-security-token` (with a session token), and the body's hash.
 */
export function sigV4Signer(options: {
  readonly credentials: CredentialSource;
  readonly region: string;
  readonly now?: () => Date;
}): Signer {
  const signer = new SignatureV4({
    service: EXECUTE_API,
    region: options.region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
    // The body's hash is in the canonical request either way; the x-amz-content-sha256 header is S3's.
    applyChecksum: false,
  });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const signed = await signer.sign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port !== '' && { port: Number(url.port) }),
        path: url.pathname,
        query,
        // `url.host` carries a port that is not the scheme's default, as fetch's own Host header does.
        headers: { ...headers, host: url.host },
        body,
      },
      { signingDate: options.now?.() ?? new Date() },
    );
    // fetch writes the Host header itself, from the URL: the same value.
    const { host: _host, ...rest } = signed.headers as Record<string, string>;
    return rest;
  };
}
