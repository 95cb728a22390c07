// ImageError: the one error type of the image import layer. Every refusal (a wrong digest, a
// truncated archive or layer, a missing blob, an unknown media type, malformed JSON, an unsafe
// path in a layer) is an ImageError whose message names what was wrong and where.
export class ImageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageError';
  }
}

/** Shortens a digest for messages: `sha256:0123456789ab…`. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon >= 0 && digest.length > colon + 13 ? `${digest.slice(0, colon + 13)}…` : digest;
}

/** Parses JSON, refusing malformed text with an ImageError that names `what`. */
export function parseJson(bytes: Uint8Array, what: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImageError(`${what}: not valid UTF-8 text`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ImageError(`${what}: malformed JSON (${(e as Error).message})`);
  }
}

/** A plain JSON object (not null, not an array), or an ImageError naming `what`. */
export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImageError(`${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
