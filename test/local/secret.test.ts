import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseWebhookSecrets, webhookKey } from '#lib/webhooks/secrets.ts';
import { signWebhook } from '#lib/webhooks/sign.ts';
import { verifyWebhook } from '#lib/webhooks/verify.ts';
import { EXIT, newWebhookSecret, runSecret, SECRET_USAGE } from '#local/secret.ts';
import { readLocalSettings } from '#local/settings.ts';

const run = (argv: string[], random?: (bytes: number) => Buffer) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = runSecret(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ...(random && { random }),
  });
  return { code, out, err };
};

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

describe('npm run secret', () => {
  it('prints whsec_ and the base64 of 32 random bytes, a new one every time', () => {
    const first = run([]);
    const second = run([]);

    expect(first).toEqual({ code: EXIT.ok, out: [expect.stringMatching(SECRET)], err: [] });
    expect(second.out[0]).not.toBe(first.out[0]);
    expect(webhookKey(first.out[0] as string)).toHaveLength(32);
  });

  it('encodes the generator’s bytes, as many as HMAC-SHA256 puts out', () => {
    const asked: number[] = [];
    const { out } = run([], (bytes) => {
      asked.push(bytes);
      return Buffer.alloc(bytes, 0xfb);
    });

    expect(asked).toEqual([32]);
    expect(out).toEqual([`whsec_${Buffer.alloc(32, 0xfb).toString('base64')}`]);
  });

  it.each([
    ['wms', 'WMS_WEBHOOK_SECRET'],
    ['storefront', 'STOREFRONT_WEBHOOK_SECRET'],
  ])('--for %s prints the line to set, which the local stack reads', (source, variable) => {
    const { code, out } = run(['--for', source]);

    expect(code).toBe(EXIT.ok);
    const line = out[0] as string;
    expect(line).toMatch(new RegExp(`^${variable}=whsec_[A-Za-z0-9+/]{43}=$`));
    const secret = line.slice(`${variable}=`.length);
    const settings = readLocalSettings({ [variable]: secret });
    expect(settings.webhookSecrets[source as 'wms' | 'storefront']).toBe(secret);
  });

  it('makes secrets this system and the Standard Webhooks library both sign and verify with', () => {
    const secret = newWebhookSecret();
    const body = '{"seller_id":"shop-1","logistics_order_id":"BP10000000018002"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signWebhook({ id: 'msg_1', timestamp, body, secret });

    expect(parseWebhookSecrets(secret)).toEqual([secret]);
    expect(verifyWebhook({ headers, rawBody: body, secrets: [secret] })).toEqual({ id: 'msg_1', timestamp });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('refuses an unknown source or option with the usage (exit 2), and prints it for --help', () => {
    expect(run(['--for', 'erp'])).toEqual({
      code: EXIT.usage,
      out: [],
      err: [expect.stringContaining('unknown source erp: expected wms or storefront')],
    });
    expect(run(['--length', '64'])).toMatchObject({ code: EXIT.usage, out: [] });
    expect(run(['extra'])).toMatchObject({ code: EXIT.usage, out: [] });
    expect(run(['--help'])).toEqual({ code: EXIT.ok, out: [SECRET_USAGE], err: [] });
  });

  it('runs as `npm run secret` does (tsx local/secret.ts)', async () => {
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const script = fileURLToPath(new URL('../../local/secret.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, [script, '--for', 'wms']);

    expect(stdout).toMatch(/^WMS_WEBHOOK_SECRET=whsec_[A-Za-z0-9+/]{43}=\n$/);
  });
});
