// ChunkedData: the bytes of one idbfs regular file, as a sparse map of 64 KiB chunks. A write
// touches (and reports as changed) only the chunks it covers, so a 1-byte write to a 50 MB file
// costs one chunk in the next flush, never a copy of the file. A chunk's buffer grows by
// doubling up to the chunk size (appending is linear); a missing chunk, or the part of a chunk
// past its buffer, reads as zeros. Invariant: no chunk lies wholly past `size`, and bytes of a
// chunk past `size` are zero (so extending a file after shrinking it shows zeros).
import { CHUNK_SIZE } from './format.js';

export class ChunkedData {
  /** File size in bytes. */
  size = 0;
  /** Chunk index → buffer (length ≤ CHUNK_SIZE). */
  readonly chunks = new Map<number, Uint8Array>();

  /** changed(index) is called for every chunk whose bytes change, appear or disappear. */
  constructor(private readonly changed: (index: number) => void) {}

  /** Puts a chunk read from the store (open). */
  load(index: number, bytes: Uint8Array): void {
    this.chunks.set(index, bytes);
  }

  /** Whether writing [offset, offset+len) would need a chunk that does not exist yet. */
  allocatesChunk(offset: number, len: number): boolean {
    if (len <= 0) return false;
    const last = Math.floor((offset + len - 1) / CHUNK_SIZE);
    for (let i = Math.floor(offset / CHUNK_SIZE); i <= last; i++) if (!this.chunks.has(i)) return true;
    return false;
  }

  /** Copies up to dst.length bytes from offset into dst; returns bytes copied. */
  read(dst: Uint8Array, offset: number): number {
    if (offset >= this.size) return 0;
    const n = Math.min(dst.length, this.size - offset);
    let done = 0;
    while (done < n) {
      const pos = offset + done;
      const index = Math.floor(pos / CHUNK_SIZE);
      const within = pos - index * CHUNK_SIZE;
      const take = Math.min(CHUNK_SIZE - within, n - done);
      const chunk = this.chunks.get(index);
      const have = chunk ? Math.max(0, Math.min(take, chunk.length - within)) : 0;
      if (have > 0) dst.set(chunk!.subarray(within, within + have), done);
      if (have < take) dst.fill(0, done + have, done + take);
      done += take;
    }
    return n;
  }

  /** Writes all of src at offset, growing size if needed. Callers check space first. */
  write(src: Uint8Array, offset: number): void {
    let done = 0;
    while (done < src.length) {
      const pos = offset + done;
      const index = Math.floor(pos / CHUNK_SIZE);
      const within = pos - index * CHUNK_SIZE;
      const take = Math.min(CHUNK_SIZE - within, src.length - done);
      const chunk = this.reserve(index, within + take);
      chunk.set(src.subarray(done, done + take), within);
      this.changed(index);
      done += take;
    }
    if (offset + src.length > this.size) this.size = offset + src.length;
  }

  /** Sets the size: shrinking drops the chunks past the end and zeroes the tail of the last. */
  resize(size: number): void {
    if (size < this.size) {
      const keep = Math.ceil(size / CHUNK_SIZE);
      for (const index of [...this.chunks.keys()]) {
        if (index >= keep) {
          this.chunks.delete(index);
          this.changed(index);
        }
      }
      const within = size % CHUNK_SIZE;
      const last = this.chunks.get(keep - 1);
      if (within !== 0 && last && last.length > within) {
        this.chunks.set(keep - 1, last.length > within * 2 ? last.slice(0, within) : last.fill(0, within));
        this.changed(keep - 1);
      }
    }
    this.size = size;
  }

  /**
   * What to store for chunk index: its bytes up to the end of the file (a copy only when the
   * buffer has slack past the end), or undefined when the chunk does not exist.
   */
  storedValue(index: number): Uint8Array | undefined {
    const chunk = this.chunks.get(index);
    if (!chunk) return undefined;
    const valid = Math.min(chunk.length, this.size - index * CHUNK_SIZE);
    if (valid <= 0) return undefined;
    return valid === chunk.length ? chunk : chunk.slice(0, valid);
  }

  /** Returns chunk index with at least `need` bytes, creating or growing it. */
  private reserve(index: number, need: number): Uint8Array {
    const chunk = this.chunks.get(index);
    if (chunk && chunk.length >= need) return chunk;
    let cap = Math.max(64, chunk?.length ?? 0);
    while (cap < need) cap *= 2;
    const next = new Uint8Array(Math.min(cap, CHUNK_SIZE));
    if (chunk) next.set(chunk);
    this.chunks.set(index, next);
    return next;
  }
}
