// Idbfs: a file system kept in IndexedDB (through idb-keyval), served from memory.
//
// Open loads the whole store in ONE readonly pass (idb-keyval's entries(): getAllKeys + getAll
// in one transaction) — inode records and every file data chunk, eagerly: the Inode API is
// synchronous, so data cannot be fetched on demand. The layout (superblock 'sb', inode records
// 'i:<ino>', 64 KiB chunks 'c:<ino>:<index>') is described and checked in format.ts; an empty
// store is a fresh file system with an empty root, and a damaged or unknown-version store is an
// IdbfsFormatError at open.
//
// Write-back: every operation is served from memory and marks the keys it changed dirty
// (DirtySet). flush() stores all of them — puts and deletes — in ONE readwrite transaction, so
// the store always holds a state the machine passed through, and a crash or a closed tab leaves
// the last flushed state whole. The dirty set is taken, and every value cloned, synchronously
// inside the transaction callback (IDBObjectStore.put clones its value at once), so the flush
// is a snapshot of one instant; changes made while it is in flight go to the next flush.
// Concurrent flush() calls are serialized and coalesced. A failed transaction merges its keys
// back into the dirty set (memory loses nothing), and the error is kept (stats().lastFlushError).
// Changes schedule a flush on their own (FlushScheduler: 300 ms idle, 1 s at most); the kernel
// also calls flush() on pagehide / visibilitychange, and fd_sync waits for one (sync()).
//
// Quota: a flush that fails with QuotaExceededError puts the file system in the `full` state:
// the store keeps the last flushed state (the transaction aborted), memory keeps everything,
// operations that would grow the stored data fail with ENOSPC and sync() rejects with ENOSPC;
// shrinking and deleting still work, and the next successful flush clears `full`.
// injectFault({ quotaFailures }) makes the next flushes fail that way, for tests.
//
// One Idbfs per store at a time: two tabs writing one store would overwrite each other.
import { createStore, entries, promisifyRequest, type UseStore } from 'idb-keyval';
import { Errno, SysError, fail } from '../../errors/errno.js';
import { allocateDev, type Filesystem, type FsUsage } from '../../vfs/filesystem.js';
import { DirtySet } from './dirty_set.js';
import { FlushScheduler, type AutoflushOptions } from './flush_scheduler.js';
import {
  CHUNK_SIZE, FORMAT_MAGIC, FORMAT_VERSION, ROOT_INO, SUPERBLOCK_KEY, chunkKey, decodeStore, inodeKey,
  type DecodedStore, type SuperblockRecord,
} from './format.js';
import { IdbfsDirectory, IdbfsFile, IdbfsSymlink, type IdbfsInode } from './inodes.js';
import { injectedQuotaError, isQuotaError, type IdbfsFaults } from './quota.js';

export interface IdbfsOptions {
  /** The object store holding this file system, e.g. Idbfs.store('wasmvisor-root'). */
  store: UseStore;
  /** Bytes of file contents the file system may hold (default Infinity); past it, ENOSPC. */
  capacity?: number;
  /** When to flush on its own (default: 300 ms idle, 1 s at most); false: only on flush(). */
  autoflush?: AutoflushOptions | false;
  /** Faults to inject into the first flushes (tests). */
  faults?: IdbfsFaults;
}

/** What stats() reports. */
export interface IdbfsStats {
  /** Live (linked) inodes, the root included. */
  inodes: number;
  /** File data chunks in the store as of the last successful flush. */
  chunks: number;
  /** Bytes of file data in those chunks. */
  storedBytes: number;
  /** Keys (inode records, chunks, superblock) waiting for the next flush. */
  dirty: number;
  /** The last flush hit the storage quota: growing operations fail with ENOSPC. */
  full: boolean;
  /** Successful flushes since open. */
  flushes: number;
  /** Puts and deletes of the last successful flush that wrote anything. */
  lastFlush: { puts: number; deletes: number } | null;
  /** Why the last flush failed; null once one succeeds. */
  lastFlushError: unknown;
}

/** Puts and deletes one flush made, applied to the stored-chunk accounting when it commits. */
interface Tally {
  puts: number;
  deletes: number;
  chunkPuts: [string, number][];
  chunkDeletes: string[];
}

const noop = (): void => {};

export class Idbfs implements Filesystem {
  readonly type: string = 'idbfs';
  readonly dev = allocateDev();
  readonly readonly = false;
  readonly root: IdbfsDirectory;
  readonly capacity: number;
  /** Bytes held by all linked regular files (what usage() reports). */
  used = 0;

  /** Keys to write at the next flush. Swapped for an empty set when a flush takes it. */
  private dirty = new DirtySet();
  /** Every linked inode by number: what a dirty key resolves to at flush time. */
  private readonly table = new Map<number, IdbfsInode>();
  private nextIno: number;
  private readonly store: UseStore;
  private readonly scheduler: FlushScheduler | null;
  private quotaFailures: number;
  private isFull = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private flushes = 0;
  private lastFlush: { puts: number; deletes: number } | null = null;
  private lastFlushError: unknown = null;
  /** Stored chunk key → stored length, as of the last successful flush. */
  private readonly storedChunks = new Map<string, number>();

  /** An idb-keyval store for a file system: database dbName, object store storeName. */
  static store(dbName: string, storeName = 'idbfs'): UseStore {
    return createStore(dbName, storeName);
  }

  /**
   * Mounts the file system in opts.store: loads the superblock, every inode record and every
   * chunk in one pass. An empty store gives a fresh file system (stored at the first flush).
   * Rejects with IdbfsFormatError when the store holds anything it cannot read.
   */
  static async open(opts: IdbfsOptions): Promise<Idbfs> {
    const raw = await entries<IDBValidKey, unknown>(opts.store);
    return new Idbfs(opts, decodeStore(raw));
  }

  private constructor(opts: IdbfsOptions, s: DecodedStore) {
    this.store = opts.store;
    this.capacity = opts.capacity ?? Infinity;
    this.quotaFailures = opts.faults?.quotaFailures ?? 0;
    this.scheduler = opts.autoflush === false ? null : new FlushScheduler(() => this.autoflush(), opts.autoflush);
    if (s.superblock) {
      this.nextIno = s.superblock.nextIno;
      this.root = this.restore(s);
    } else {
      this.nextIno = ROOT_INO + 1;
      this.root = new IdbfsDirectory(this, ROOT_INO, null);
      this.table.set(ROOT_INO, this.root);
      this.dirty.superblock = true;
      this.dirty.markInode(ROOT_INO);
      this.poke();
    }
  }

  /** Builds the inodes of a decoded store; returns the root. */
  private restore(s: DecodedStore): IdbfsDirectory {
    for (const [num, rec] of s.inodes) {
      let inode: IdbfsInode;
      if (rec.kind === 'file') inode = new IdbfsFile(this, num, rec);
      else if (rec.kind === 'symlink') inode = new IdbfsSymlink(this, num, rec.target, rec);
      else inode = new IdbfsDirectory(this, num, null, rec);
      this.table.set(num, inode);
    }
    for (const [num, rec] of s.inodes) {
      if (rec.kind !== 'dir') continue;
      const dir = this.table.get(num) as IdbfsDirectory;
      for (const [name, childNum] of rec.entries) {
        const child = this.table.get(childNum)!;
        dir.children.set(name, child);
        if (child instanceof IdbfsDirectory) child.parent = dir;
      }
    }
    for (const [num, rec] of s.inodes) {
      if (rec.kind === 'file' && rec.inline && rec.inline.length > 0) (this.table.get(num) as IdbfsFile).data.load(0, rec.inline);
    }
    for (const [num, chunks] of s.chunks) {
      const file = this.table.get(num) as IdbfsFile;
      for (const [index, bytes] of chunks) {
        file.data.load(index, bytes);
        this.storedChunks.set(chunkKey(num, index), bytes.length);
      }
    }
    for (const inode of this.table.values()) if (inode instanceof IdbfsFile) this.used += inode.data.size;
    return this.table.get(ROOT_INO) as IdbfsDirectory;
  }

  /** The last flush failed for lack of storage: growing operations fail with ENOSPC. */
  get full(): boolean {
    return this.isFull;
  }

  usage(): FsUsage {
    return { used: this.used, capacity: this.capacity };
  }

  stats(): IdbfsStats {
    let storedBytes = 0;
    for (const n of this.storedChunks.values()) storedBytes += n;
    return {
      inodes: this.table.size, chunks: this.storedChunks.size, storedBytes, dirty: this.dirty.size,
      full: this.isFull, flushes: this.flushes, lastFlush: this.lastFlush, lastFlushError: this.lastFlushError,
    };
  }

  /** Makes the next flushes fail as the storage quota would (see IdbfsFaults); 0 clears. */
  injectFault(faults: IdbfsFaults): void {
    this.quotaFailures = faults.quotaFailures ?? 0;
  }

  /**
   * Stores everything changed before this call, in one transaction. Resolves once it is
   * committed; rejects with the transaction's error (a QuotaExceededError when the origin is
   * full), in which case memory still holds everything and the changes stay dirty. Calls made
   * while a flush is in flight share one follow-up flush.
   */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.begin();
    const queued = this.running.then(noop, noop).then(() => {
      this.queued = null;
      return this.begin();
    });
    this.queued = queued;
    return queued;
  }

  /** flush() for fd_sync: failures become SysError(NOSPC) for the quota, SysError(IO) otherwise. */
  async sync(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      if (isQuotaError(e)) throw new SysError(Errno.NOSPC, 'idbfs: storage quota exceeded');
      throw new SysError(Errno.IO, `idbfs: flush failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Stops flushing on its own, then flushes what is left. Memory stays usable. */
  async close(): Promise<void> {
    this.closed = true;
    this.scheduler?.cancel();
    await this.flush();
  }

  // ---- for the inodes of this file system ----

  allocIno(): number {
    this.dirty.superblock = true;
    return this.nextIno++;
  }

  /** A new inode is linked: it is stored from now on. */
  register<T extends IdbfsInode>(inode: T): T {
    this.table.set(inode.num, inode);
    this.inodeChanged(inode.num);
    return inode;
  }

  /** The last link of inode is gone: its record and chunks leave the store at the next flush. */
  unregister(inode: IdbfsInode): void {
    this.table.delete(inode.num);
    this.dirty.markInode(inode.num);
    if (inode instanceof IdbfsFile) {
      for (const index of inode.data.chunks.keys()) this.dirty.markChunk(inode.num, index);
      this.used -= inode.data.size;
    }
    this.poke();
  }

  inodeChanged(num: number): void {
    this.dirty.markInode(num);
    this.poke();
  }

  /** A chunk changed; so did the file's record (its chunk count, size or times). */
  chunkChanged(num: number, index: number): void {
    this.dirty.markChunk(num, index);
    this.dirty.markInode(num);
    this.poke();
  }

  /** Accounts a change in file bytes; ENOSPC if it grows past the capacity or while full. */
  charge(delta: number): void {
    if (delta > 0 && (this.isFull || this.used + delta > this.capacity)) fail(Errno.NOSPC);
    this.used += delta;
  }

  /** ENOSPC while full: for operations that add to the store (new inodes, links). */
  checkGrow(): void {
    if (this.isFull) fail(Errno.NOSPC);
  }

  // ---- write-back ----

  private poke(): void {
    if (!this.closed) this.scheduler?.poke();
  }

  private autoflush(): void {
    this.flush().catch(() => {
      // A full origin waits for the next change (deleting may make room); other failures retry.
      if (!this.isFull && !this.closed) this.scheduler?.retryIn(5000);
    });
  }

  private begin(): Promise<void> {
    const p: Promise<void> = this.writeBack().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  private async writeBack(): Promise<void> {
    if (this.dirty.isEmpty()) return;
    const fault = this.quotaFailures > 0;
    if (fault) this.quotaFailures--;
    let taken: DirtySet | null = null;
    const tally: Tally = { puts: 0, deletes: 0, chunkPuts: [], chunkDeletes: [] };
    try {
      await this.store('readwrite', (s) => {
        // The snapshot: keys taken and values cloned (by put) in this one synchronous step.
        const snapshot = this.dirty;
        taken = snapshot;
        this.dirty = new DirtySet();
        try {
          this.writeSnapshot(s, snapshot, tally);
          if (fault) s.transaction.abort();
        } catch (e) {
          // A put that throws (DataCloneError, ...) must not let the others commit.
          try {
            s.transaction.abort();
          } catch {
            // already finished
          }
          throw e;
        }
        const done = promisifyRequest(s.transaction);
        if (!fault) return done;
        return done.then(
          () => Promise.reject(injectedQuotaError()),
          () => Promise.reject(injectedQuotaError()),
        );
      });
    } catch (e) {
      if (taken) this.dirty.merge(taken);
      const err = e ?? new Error('idbfs: flush transaction aborted');
      this.lastFlushError = err;
      if (isQuotaError(err)) this.isFull = true;
      throw err;
    }
    for (const [key, len] of tally.chunkPuts) this.storedChunks.set(key, len);
    for (const key of tally.chunkDeletes) this.storedChunks.delete(key);
    this.isFull = false;
    this.lastFlushError = null;
    this.flushes++;
    this.lastFlush = { puts: tally.puts, deletes: tally.deletes };
  }

  /** Issues the puts and deletes that make the store hold memory's value of every key in d. */
  private writeSnapshot(s: IDBObjectStore, d: DirtySet, tally: Tally): void {
    if (d.superblock) {
      s.put(this.superblockRecord(), SUPERBLOCK_KEY);
      tally.puts++;
    }
    for (const num of d.inodes) {
      const inode = this.table.get(num);
      if (inode) {
        s.put(inode.record(), inodeKey(num));
        tally.puts++;
        // A small file that grew out of its record: its first chunk was never stored as a chunk.
        if (inode instanceof IdbfsFile && !inode.inline && !this.storedChunks.has(chunkKey(num, 0)) && !d.chunks.get(num)?.has(0)) {
          const first = inode.data.storedValue(0);
          if (first) {
            s.put(first, chunkKey(num, 0));
            tally.puts++;
            tally.chunkPuts.push([chunkKey(num, 0), first.length]);
          }
        }
      } else {
        s.delete(inodeKey(num));
        tally.deletes++;
      }
    }
    for (const [num, indices] of d.chunks) {
      const inode = this.table.get(num);
      // A small file's bytes are in its record (the inode is dirty too): no chunk is stored.
      const data = inode instanceof IdbfsFile && !inode.inline ? inode.data : null;
      for (const index of indices) {
        const key = chunkKey(num, index);
        const value = data?.storedValue(index);
        if (value) {
          s.put(value, key);
          tally.puts++;
          tally.chunkPuts.push([key, value.length]);
        } else {
          s.delete(key);
          tally.deletes++;
          tally.chunkDeletes.push(key);
        }
      }
    }
  }

  private superblockRecord(): SuperblockRecord {
    return { magic: FORMAT_MAGIC, version: FORMAT_VERSION, chunkSize: CHUNK_SIZE, nextIno: this.nextIno };
  }
}
