import { createHmac, hash } from 'node:crypto';

/** The digests the gateways sign with; both hash 64-byte blocks. */
export type HmacDigest = 'md5' | 'sha256';

const BLOCK_BYTES = 64;
const DIGEST_BYTES: Readonly<Record<HmacDigest, number>> = { md5: 16, sha256: 32 };

/**
 * A secret's two key blocks (RFC 2104): the inner one as text, the outer one with room after it for
 * the inner digest.
 */
interface KeyBlocks {
  readonly inner: string;
  readonly outer: Buffer;
}

// Made once per secret: a client signs with an app's secret or two.
const blocksBySecret: Readonly<Record<HmacDigest, Map<string, KeyBlocks | null>>> = {
  md5: new Map(),
  sha256: new Map(),
};
const MAX_KEPT_SECRETS = 16;

// Only an ASCII secret of at most a block fits: its inner block is then ASCII text, which crypto.hash
// reads as exactly those bytes. Any other secret (longer ones are hashed first) goes to createHmac.
function keyBlocks(digest: HmacDigest, secret: string): KeyBlocks | null {
  if (secret.length > BLOCK_BYTES) return null;
  let inner = '';
  const outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES[digest]);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const byte = i < secret.length ? secret.charCodeAt(i) : 0;
    if (byte > 0x7f) return null;
    inner += String.fromCharCode(byte ^ 0x36);
    outer[i] = byte ^ 0x5c;
  }
  return { inner, outer };
}

function keptBlocks(digest: HmacDigest, secret: string): KeyBlocks | null {
  const kept = blocksBySecret[digest];
  let blocks = kept.get(secret);
  if (blocks === undefined) {
    if (kept.size >= MAX_KEPT_SECRETS) kept.clear();
    blocks = keyBlocks(digest, secret);
    kept.set(secret, blocks);
  }
  return blocks;
}

/**
 * `createHmac(digest, secret).update(text, 'utf8').digest('hex')`, the same bytes, as two one-shot
 * hashes over key blocks made once per secret: createHmac looks its digest up by name and sets up its
 * key on every call, which costs about as much as the hashing itself.
 */
export function hmacHex(digest: HmacDigest, secret: string, text: string): string {
  const blocks = keptBlocks(digest, secret);
  if (!blocks) return createHmac(digest, secret).update(text, 'utf8').digest('hex');
  // The outer block is filled and hashed at once: no other call can write to it in between.
  blocks.outer.write(hash(digest, blocks.inner + text, 'binary'), BLOCK_BYTES, 'binary');
  return hash(digest, blocks.outer, 'hex');
}
