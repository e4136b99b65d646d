import { type IncomingHttpHeaders, request } from 'node:http';
import { Readable } from 'node:stream';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RawRequestOptions {
  readonly method?: string;
  /** Flat name/value pairs, so a header can repeat: `['x-tag', 'a', 'x-tag', 'b']`. */
  readonly headers?: readonly string[];
  /** A buffer or string is sent with a content-length; chunks are streamed, chunked. */
  readonly body?: Buffer | string | Iterable<Buffer>;
}

/** One request over node:http, for what fetch cannot send: repeated headers, raw paths, streamed bodies. */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Raw header pairs switch off node:http's defaults, Host included.
    const headers = ['host', new URL(url).host, ...(options.headers ?? [])];
    const { body } = options;
    if ((typeof body === 'string' || Buffer.isBuffer(body)) && !headers.includes('content-length')) {
      headers.push('content-length', String(Buffer.byteLength(body)));
    }
    const req = request(url, { method: options.method ?? 'GET', headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else Readable.from(body).pipe(req);
  });
}

/** The body of a response parsed as JSON. */
export const jsonOf = (response: RawResponse): unknown => JSON.parse(response.body.toString('utf8'));
