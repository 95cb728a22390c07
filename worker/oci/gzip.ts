// gzip: detection by magic bytes, and (de)compression through the Compression Streams API
// (`DecompressionStream`/`CompressionStream`, global in Web Workers and Node 20). A truncated or
// corrupt gzip stream is an ImageError naming the data.
import { ImageError } from './errors.js';
import { concatBytes } from '../vfs/read_all.js';

/** True if `bytes` starts with the gzip magic (1f 8b 08). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

async function pipe(bytes: Uint8Array, transform: GenericTransformStream): Promise<Uint8Array> {
  const writer = (transform.writable as WritableStream<Uint8Array>).getWriter();
  // Feed the input while reading, so neither side waits on a full queue. Errors surface on read.
  const fed = writer.write(bytes).then(() => writer.close()).catch(() => undefined);
  const reader = (transform.readable as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  await fed;
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks, total);
}

/** Decompresses a gzip stream; `what` names the data in the error of a truncated/corrupt stream. */
export async function gunzip(bytes: Uint8Array, what = 'gzip data'): Promise<Uint8Array> {
  if (!isGzip(bytes)) throw new ImageError(`${what}: not gzip data (bad magic bytes)`);
  try {
    return await pipe(bytes, new DecompressionStream('gzip'));
  } catch (e) {
    const reason = (e as Error).message || String(e);
    const kind = /end of file|unexpected end|truncat/i.test(reason) ? 'truncated' : 'corrupt';
    throw new ImageError(`${what}: gzip stream is ${kind} (${reason})`, { cause: e });
  }
}

/** Compresses `bytes` as gzip. */
export function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream('gzip'));
}
