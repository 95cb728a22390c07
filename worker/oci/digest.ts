// Content digests: sha256 (and sha512) of byte arrays through WebCrypto (`crypto.subtle`, global in
// Web Workers and Node 20), and the shape check of an OCI digest string (`sha256:<64 hex>`).
import { ImageError } from './errors.js';

const ALGORITHMS: Record<string, { name: string; hexLength: number }> = {
  sha256: { name: 'SHA-256', hexLength: 64 },
  sha512: { name: 'SHA-512', hexLength: 128 },
};

function toHex(buf: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(buf)) s += b.toString(16).padStart(2, '0');
  return s;
}

async function hashHex(algorithm: string, bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>));
}

/** The lowercase hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hashHex('SHA-256', bytes);
}

/** `sha256:<hex>` of `bytes`. */
export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(bytes)}`;
}

/** True if `digest` is a well-formed `sha256:`/`sha512:` digest. */
export function isDigest(digest: unknown): digest is string {
  if (typeof digest !== 'string') return false;
  const m = /^([a-z0-9]+):([0-9a-f]+)$/.exec(digest);
  return m !== null && ALGORITHMS[m[1]!]?.hexLength === m[2]!.length;
}

/** Splits a well-formed digest into algorithm and hex, or refuses it naming `what`. */
export function splitDigest(digest: unknown, what: string): { algorithm: string; hex: string } {
  if (!isDigest(digest)) {
    throw new ImageError(`${what}: malformed or unsupported digest ${JSON.stringify(digest)}`);
  }
  const colon = digest.indexOf(':');
  return { algorithm: digest.slice(0, colon), hex: digest.slice(colon + 1) };
}

/** Checks that `bytes` hash to `digest`; refuses a mismatch with an ImageError naming `what`. */
export async function verifyDigest(bytes: Uint8Array, digest: string, what: string): Promise<void> {
  const { algorithm, hex } = splitDigest(digest, what);
  const actual = await hashHex(ALGORITHMS[algorithm]!.name, bytes);
  if (actual !== hex) {
    throw new ImageError(`${what}: digest mismatch: expected ${digest}, content hashes to ${algorithm}:${actual}`);
  }
}
