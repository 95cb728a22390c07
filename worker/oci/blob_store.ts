// Blob stores: content-addressed bytes keyed by digest (a layer shared by two images is stored
// once) plus a few named metadata records (the image index), changed together by one atomic
// commit. MemoryBlobStore keeps them in Maps; IdbBlobStore in one IndexedDB object store through
// idb-keyval, where a commit is one readwrite transaction.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';

/** One atomic change: blobs to add, blobs to delete, metadata to set (undefined deletes). */
export interface BlobCommit {
  put?: Map<string, Uint8Array>;
  delete?: Iterable<string>;
  meta?: Map<string, unknown>;
}

export interface BlobStoreStats {
  blobs: number;
  bytes: number;
}

export interface BlobStore {
  has(digest: string): Promise<boolean>;
  get(digest: string): Promise<Uint8Array | undefined>;
  /** Every stored digest with its size in bytes. */
  sizes(): Promise<Map<string, number>>;
  getMeta<T>(key: string): Promise<T | undefined>;
  /** Applies the whole change or none of it. */
  commit(change: BlobCommit): Promise<void>;
  stats(): Promise<BlobStoreStats>;
}

/** A compact copy, so that a stored view never keeps (or stores) the whole archive it came from. */
function own(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes
    : bytes.slice();
}

function statsOf(sizes: Map<string, number>): BlobStoreStats {
  let bytes = 0;
  for (const n of sizes.values()) bytes += n;
  return { blobs: sizes.size, bytes };
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly meta = new Map<string, unknown>();

  async has(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }
  async get(digest: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(digest);
  }
  async sizes(): Promise<Map<string, number>> {
    return new Map([...this.blobs].map(([d, b]) => [d, b.length]));
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    const v = this.meta.get(key);
    return v === undefined ? undefined : (structuredClone(v) as T);
  }
  async commit(change: BlobCommit): Promise<void> {
    // Prepare everything that can fail first, then apply with no await in between.
    const meta = [...(change.meta ?? [])].map(([k, v]) => [k, v === undefined ? undefined : structuredClone(v)] as const);
    const puts = [...(change.put ?? [])].map(([d, b]) => [d, own(b)] as const);
    for (const d of change.delete ?? []) this.blobs.delete(d);
    for (const [d, b] of puts) this.blobs.set(d, b);
    for (const [k, v] of meta) {
      if (v === undefined) this.meta.delete(k);
      else this.meta.set(k, v);
    }
  }
  async stats(): Promise<BlobStoreStats> {
    return statsOf(await this.sizes());
  }
}

const BLOB = 'blob:';
const SIZE = 'size:';
const META = 'meta:';

/** Blobs in IndexedDB: keys `blob:<digest>` (bytes), `size:<digest>` (length), `meta:<name>`. */
export class IdbBlobStore implements BlobStore {
  private readonly store: UseStore;

  constructor(dbName = 'wasmvisor-images', storeName = 'blobs') {
    this.store = createStore(dbName, storeName);
  }

  async has(digest: string): Promise<boolean> {
    return (await this.store('readonly', (s) => promisifyRequest(s.count(SIZE + digest)))) > 0;
  }
  async get(digest: string): Promise<Uint8Array | undefined> {
    return this.store('readonly', (s) => promisifyRequest(s.get(BLOB + digest) as IDBRequest<Uint8Array | undefined>));
  }
  async sizes(): Promise<Map<string, number>> {
    const range = IDBKeyRange.bound(SIZE, `${SIZE}\uffff`);
    const [keys, values] = await this.store('readonly', (s) =>
      Promise.all([promisifyRequest(s.getAllKeys(range)), promisifyRequest(s.getAll(range) as IDBRequest<number[]>)]),
    );
    return new Map(keys.map((k, i) => [String(k).slice(SIZE.length), values[i]!]));
  }
  async getMeta<T>(key: string): Promise<T | undefined> {
    return this.store('readonly', (s) => promisifyRequest(s.get(META + key) as IDBRequest<T | undefined>));
  }
  async commit(change: BlobCommit): Promise<void> {
    await this.store('readwrite', (s) => {
      try {
        for (const d of change.delete ?? []) {
          s.delete(BLOB + d);
          s.delete(SIZE + d);
        }
        for (const [d, b] of change.put ?? []) {
          s.put(own(b), BLOB + d);
          s.put(b.length, SIZE + d);
        }
        for (const [k, v] of change.meta ?? []) {
          if (v === undefined) s.delete(META + k);
          else s.put(v, META + k);
        }
      } catch (e) {
        s.transaction.abort(); // a put that throws (say, DataCloneError) must not leave the others
        throw e;
      }
      return promisifyRequest(s.transaction);
    });
  }
  async stats(): Promise<BlobStoreStats> {
    return statsOf(await this.sizes());
  }
}
