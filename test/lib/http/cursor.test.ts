import { describe, expect, it } from 'vitest';
import { type CursorScope, CursorSigner } from '#lib/http/cursor.ts';
import { InvalidCursorError } from '#lib/http/errors.ts';

const DEAD: CursorScope = { list: 'operations', filters: { status: 'DEAD', flow: undefined } };
const POSITION = { at: 1_795_440_000_123.456, pk: 'op#op_abcdefghijklmnopqrstuvwxyz' };

const refusalOf = async (decoding: Promise<unknown>) => {
  try {
    await decoding;
  } catch (error) {
    if (error instanceof InvalidCursorError) return error.refusal;
    throw error;
  }
  throw new Error('the cursor was taken');
};

describe('CursorSigner', () => {
  const signer = new CursorSigner(async () => 'app-secret');

  it('gives back the position it signed, for the same query, exactly', async () => {
    const cursor = await signer.encode(DEAD, POSITION);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await signer.decode(DEAD, cursor)).toEqual(POSITION);
    // Filters left out and filters given as undefined are the same query, in any order.
    expect(await signer.decode({ list: 'operations', filters: { status: 'DEAD' } }, cursor)).toEqual(
      POSITION,
    );
  });

  it('is good in any container of the deployment: the key is derived from the app secret alone', async () => {
    const cursor = await signer.encode(DEAD, POSITION);

    expect(await new CursorSigner(async () => 'app-secret').decode(DEAD, cursor)).toEqual(POSITION);
  });

  it('refuses a cursor of another query, another list, or other filters', async () => {
    const cursor = await signer.encode(DEAD, POSITION);

    for (const scope of [
      { list: 'operations', filters: { status: 'FAILED' } },
      { list: 'operations', filters: { status: 'DEAD', flow: 'wms-delivery' } },
      { list: 'logistics-orders', filters: { status: 'DEAD' } },
    ]) {
      expect(await refusalOf(signer.decode(scope, cursor))).toBe('other-query');
    }
  });

  it('refuses a cursor whose position or signature was changed, or of another key', async () => {
    const cursor = await signer.encode(DEAD, POSITION);
    const [payload, mac] = cursor.split('.') as [string, string];
    const content = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { p: { at: number } };
    content.p.at += 1;
    const moved = `${Buffer.from(JSON.stringify(content)).toString('base64url')}.${mac}`;
    const resigned = `${payload}.${Buffer.alloc(32).toString('base64url')}`;
    const rotated = new CursorSigner(async () => 'rotated-app-secret');

    expect(await refusalOf(signer.decode(DEAD, moved))).toBe('not-ours');
    expect(await refusalOf(signer.decode(DEAD, resigned))).toBe('not-ours');
    expect(await refusalOf(rotated.decode(DEAD, cursor))).toBe('not-ours');
  });

  it.each(['', 'abc', 'a.b.c', '.abc', 'abc.', 'a b.c', '{"q":1}.x'])(
    'refuses the malformed cursor %j',
    async (cursor) => {
      expect(await refusalOf(signer.decode(DEAD, cursor))).toBe('malformed');
    },
  );

  it('follows a rotated app secret: new cursors verify, those of the old secret no longer do', async () => {
    let secret = 'first-secret';
    const rotating = new CursorSigner(async () => secret);
    const before = await rotating.encode(DEAD, POSITION);
    secret = 'second-secret';

    expect(await refusalOf(rotating.decode(DEAD, before))).toBe('not-ours');
    expect(await rotating.decode(DEAD, await rotating.encode(DEAD, POSITION))).toEqual(POSITION);
  });

  it('answers 400 invalid-cursor, telling the caller to start again', () => {
    const error = new InvalidCursorError('other-query');

    expect(error).toMatchObject({ status: 400, slug: 'invalid-cursor' });
    expect(error.detail).toBe(
      'the cursor belongs to a query with other filters; start again without a cursor',
    );
  });
});
