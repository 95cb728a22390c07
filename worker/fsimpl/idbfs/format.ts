// The on-store layout of idbfs, and the one place that reads it back and checks it.
//
// One IndexedDB object store (an idb-keyval UseStore) holds one file system, out-of-line keys:
//   'sb'              SuperblockRecord: { magic: 'wasmvisor-idbfs', version: 1, chunkSize: 65536,
//                     nextIno }. Inode numbers are never reused, so a deleted inode's keys can
//                     never be confused with a newer inode's.
//   'i:<ino>'         InodeRecord of every linked inode (the root is ino 1):
//                       common  { kind: 'file'|'dir'|'symlink', mode, nlink, atim, mtim, ctim }
//                               (times are bigint nanoseconds since the epoch)
//                       file    + { size, chunks }  chunks = how many 'c:' records the file has;
//                               a file of at most INLINE_MAX bytes has none and keeps its bytes
//                               in the record: + { inline: Uint8Array } (version 2), so a store of
//                               many small files is one record a file (what a reload reads)
//                       dir     + { entries: [name, ino][] }  (no '.'/'..'; parents are derived)
//                       symlink + { target }
//   'c:<ino>:<index>' Uint8Array: bytes [index*64KiB, index*64KiB + length) of a regular file.
//                     Files are sparse: a missing chunk, or the part of the file past the end of
//                     a short chunk, reads as zeros. No chunk lies past the file's size, and a
//                     stored chunk is never longer than what the size covers.
// The kind names are our own strings (never WASI numbers), so the stored format does not
// change when an ABI's numbering does. A store either is empty (a fresh file system) or holds a
// whole state a machine passed through: every flush is one transaction.
//
// decodeStore() turns the raw entries of one readonly pass into validated records, and throws an
// IdbfsFormatError naming the key and what is wrong for anything it does not understand
// (unknown version, bad record, dangling entry, wrong nlink, orphan chunk) — at open time, so a
// damaged store never becomes a crash later.

/** Version of the layout above; a store with another version is refused at open. */
export const FORMAT_VERSION = 2;
/** Versions this code reads (1 has no inline data). */
const READABLE_VERSIONS = new Set([1, 2]);
/** Largest file whose bytes are kept in its inode record instead of chunks. */
export const INLINE_MAX = 4096;
export const FORMAT_MAGIC = 'wasmvisor-idbfs';
/** Bytes per file data chunk. A 1-byte write dirties (and a flush rewrites) one chunk. */
export const CHUNK_SIZE = 64 * 1024;
export const SUPERBLOCK_KEY = 'sb';
export const ROOT_INO = 1;

export const inodeKey = (ino: number): string => `i:${ino}`;
export const chunkKey = (ino: number, index: number): string => `c:${ino}:${index}`;

export interface SuperblockRecord {
  magic: string;
  version: number;
  chunkSize: number;
  /** The next inode number to hand out. */
  nextIno: number;
}

export type InodeKind = 'file' | 'dir' | 'symlink';

interface InodeRecordBase {
  kind: InodeKind;
  /** Permission bits (kept for the future; WASI does not expose them). */
  mode: number;
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface FileRecord extends InodeRecordBase {
  kind: 'file';
  size: number;
  chunks: number;
  /** The bytes of a file of at most INLINE_MAX bytes (up to its last non-zero part). */
  inline?: Uint8Array;
}

export interface DirRecord extends InodeRecordBase {
  kind: 'dir';
  entries: [string, number][];
}

export interface SymlinkRecord extends InodeRecordBase {
  kind: 'symlink';
  target: string;
}

export type InodeRecord = FileRecord | DirRecord | SymlinkRecord;

/** A store read back and checked: every record consistent with every other. */
export interface DecodedStore {
  /** null for an empty store (a fresh file system). */
  superblock: SuperblockRecord | null;
  inodes: Map<number, InodeRecord>;
  /** ino → chunk index → bytes. */
  chunks: Map<number, Map<number, Uint8Array>>;
}

/** The store holds something this code cannot read: thrown by Idbfs.open, naming the problem. */
export class IdbfsFormatError extends Error {
  constructor(detail: string) {
    super(`idbfs: cannot open the store: ${detail}`);
    this.name = 'IdbfsFormatError';
  }
}

function bad(detail: string): never {
  throw new IdbfsFormatError(detail);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isTime = (v: unknown): v is bigint => typeof v === 'bigint' && v >= 0n;

function decodeSuperblock(v: unknown): SuperblockRecord {
  if (!isObject(v) || v['magic'] !== FORMAT_MAGIC) bad(`'${SUPERBLOCK_KEY}' is not an idbfs superblock`);
  if (!READABLE_VERSIONS.has(v['version'] as number)) {
    bad(`format version ${String(v['version'])} is not supported (this kernel reads version ${FORMAT_VERSION})`);
  }
  if (v['chunkSize'] !== CHUNK_SIZE) bad(`chunk size ${String(v['chunkSize'])} is not ${CHUNK_SIZE}`);
  if (!isCount(v['nextIno']) || v['nextIno'] <= ROOT_INO) bad(`superblock has a bad nextIno`);
  return { magic: FORMAT_MAGIC, version: FORMAT_VERSION, chunkSize: CHUNK_SIZE, nextIno: v['nextIno'] };
}

function decodeInode(key: string, v: unknown): InodeRecord {
  if (!isObject(v)) bad(`${key} is not an inode record`);
  const { kind, mode, nlink, atim, mtim, ctim } = v;
  if (!isCount(mode) || !isCount(nlink) || nlink === 0) bad(`${key} has a bad mode or nlink`);
  if (!isTime(atim) || !isTime(mtim) || !isTime(ctim)) bad(`${key} has bad times`);
  const base = { mode, nlink, atim, mtim, ctim };
  switch (kind) {
    case 'file': {
      const { size, chunks, inline } = v;
      if (!isCount(size) || !isCount(chunks) || chunks > Math.ceil(size / CHUNK_SIZE)) {
        bad(`${key} has a bad size or chunk count`);
      }
      if (inline === undefined) return { kind, ...base, size, chunks };
      if (!(inline instanceof Uint8Array) || inline.length > size || size > INLINE_MAX || chunks !== 0) {
        bad(`${key} has bad inline data`);
      }
      return { kind, ...base, size, chunks, inline };
    }
    case 'dir': {
      const entries = v['entries'];
      if (!Array.isArray(entries)) bad(`${key} has no entry list`);
      const names = new Set<string>();
      for (const e of entries as unknown[]) {
        if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || !isCount(e[1])) {
          bad(`${key} has a malformed entry`);
        }
        const name = e[0] as string;
        if (name === '' || name === '.' || name === '..' || name.includes('/') || names.has(name)) {
          bad(`${key} has a bad or duplicate entry name ${JSON.stringify(name)}`);
        }
        names.add(name);
      }
      return { kind, ...base, entries: entries as [string, number][] };
    }
    case 'symlink': {
      const target = v['target'];
      if (typeof target !== 'string') bad(`${key} has no symlink target`);
      return { kind, ...base, target };
    }
    default:
      bad(`${key} has an unknown kind ${JSON.stringify(kind)}`);
  }
}

/** Reads [key, value] pairs (one readonly pass over the store) into checked records. */
export function decodeStore(entries: readonly (readonly [IDBValidKey, unknown])[]): DecodedStore {
  const out: DecodedStore = { superblock: null, inodes: new Map(), chunks: new Map() };
  if (entries.length === 0) return out;
  for (const [key, value] of entries) {
    if (key === SUPERBLOCK_KEY) {
      out.superblock = decodeSuperblock(value);
      continue;
    }
    const k = typeof key === 'string' ? key : String(key);
    let m = /^i:(\d+)$/.exec(k);
    if (m) {
      out.inodes.set(Number(m[1]), decodeInode(k, value));
      continue;
    }
    m = /^c:(\d+):(\d+)$/.exec(k);
    if (m) {
      if (!(value instanceof Uint8Array) || value.length > CHUNK_SIZE) bad(`${k} is not a data chunk`);
      const ino = Number(m[1]);
      let map = out.chunks.get(ino);
      if (!map) out.chunks.set(ino, (map = new Map()));
      map.set(Number(m[2]), value);
      continue;
    }
    bad(`unexpected key ${JSON.stringify(k)}`);
  }
  const sb = out.superblock ?? bad(`the superblock '${SUPERBLOCK_KEY}' is missing`);
  checkGraph(out, sb);
  return out;
}

/** Every entry points at a record, every record is reachable, nlinks and chunks add up. */
function checkGraph(s: DecodedStore, sb: SuperblockRecord): void {
  const root = s.inodes.get(ROOT_INO);
  if (!root || root.kind !== 'dir') bad(`the root directory ${inodeKey(ROOT_INO)} is missing`);
  const links = new Map<number, number>();
  const subdirs = new Map<number, number>();
  for (const [ino, rec] of s.inodes) {
    if (ino >= sb.nextIno) bad(`${inodeKey(ino)} is not below the superblock's nextIno ${sb.nextIno}`);
    if (rec.kind !== 'dir') continue;
    for (const [name, child] of rec.entries) {
      const c = s.inodes.get(child);
      if (!c) bad(`${inodeKey(ino)} entry ${JSON.stringify(name)} points at missing ${inodeKey(child)}`);
      if (child === ROOT_INO) bad(`${inodeKey(ino)} entry ${JSON.stringify(name)} points at the root`);
      links.set(child, (links.get(child) ?? 0) + 1);
      if (c.kind === 'dir') subdirs.set(ino, (subdirs.get(ino) ?? 0) + 1);
    }
  }
  for (const [ino, rec] of s.inodes) {
    const refs = links.get(ino) ?? 0;
    if (ino !== ROOT_INO && refs === 0) bad(`${inodeKey(ino)} is not in any directory`);
    if (rec.kind === 'dir') {
      if (ino !== ROOT_INO && refs !== 1) bad(`directory ${inodeKey(ino)} is in ${refs} directories`);
      const want = 2 + (subdirs.get(ino) ?? 0);
      if (rec.nlink !== want) bad(`${inodeKey(ino)} has nlink ${rec.nlink}, its entries say ${want}`);
    } else if (rec.nlink !== refs) {
      bad(`${inodeKey(ino)} has nlink ${rec.nlink} but ${refs} directory entries`);
    }
  }
  // A directory cycle would leave its members unreachable from the root.
  const seen = new Set<number>([ROOT_INO]);
  const todo = [ROOT_INO];
  while (todo.length > 0) {
    const rec = s.inodes.get(todo.pop()!)!;
    if (rec.kind !== 'dir') continue;
    for (const [, child] of rec.entries) if (!seen.has(child)) (seen.add(child), todo.push(child));
  }
  for (const ino of s.inodes.keys()) if (!seen.has(ino)) bad(`${inodeKey(ino)} is not reachable from the root`);
  for (const [ino, map] of s.chunks) {
    const rec = s.inodes.get(ino);
    if (!rec || rec.kind !== 'file') bad(`${chunkKey(ino, [...map.keys()][0]!)} belongs to no regular file`);
    for (const [index, bytes] of map) {
      if (index * CHUNK_SIZE + bytes.length > rec.size) bad(`${chunkKey(ino, index)} lies past the end of the file`);
    }
  }
  for (const [ino, rec] of s.inodes) {
    if (rec.kind !== 'file') continue;
    const found = s.chunks.get(ino)?.size ?? 0;
    if (found !== rec.chunks) bad(`${inodeKey(ino)} has ${rec.chunks} chunks, the store holds ${found}`);
  }
}
