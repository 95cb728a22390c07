// Helpers for the idbfs tests: fresh fake-indexeddb stores, a store wrapper that records the
// puts and deletes of each transaction (and can act in the middle of a flush), and a dump of a
// whole tree (names, stats, contents) to compare a file system before and after a reload.
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { createStore, type UseStore } from 'idb-keyval';
import { Idbfs, type IdbfsOptions } from '../../worker/fsimpl/idbfs/idbfs.js';
import { SysError } from '../../worker/errors/errno.js';
import { FileType } from '../../worker/vfs/file_type.js';
import type { Inode } from '../../worker/vfs/inode.js';

let dbCounter = 0;

/** A store in a database no other test uses. */
export function freshStore(): UseStore {
  return createStore(`idbfs-test-${process.pid}-${++dbCounter}`, 'idbfs');
}

export interface TxLog {
  mode: IDBTransactionMode;
  puts: string[];
  deletes: string[];
}

export interface RecordingStore {
  store: UseStore;
  /** One entry per readwrite transaction opened through the store. */
  txs: TxLog[];
  /** Runs once, synchronously, right after the next readwrite callback issued its requests. */
  afterNextSnapshot: (() => void) | null;
}

/** Wraps a store so tests can count what each flush writes and act while a flush is in flight. */
export function recording(inner: UseStore): RecordingStore {
  const rec: RecordingStore = { store: null as unknown as UseStore, txs: [], afterNextSnapshot: null };
  rec.store = ((mode: IDBTransactionMode, cb: (s: IDBObjectStore) => unknown) =>
    inner(mode, (s) => {
      if (mode !== 'readwrite') return cb(s);
      const log: TxLog = { mode, puts: [], deletes: [] };
      rec.txs.push(log);
      const put = s.put.bind(s);
      const del = s.delete.bind(s);
      Object.assign(s, {
        put: (value: unknown, key?: IDBValidKey) => (log.puts.push(String(key)), put(value, key)),
        delete: (key: IDBValidKey | IDBKeyRange) => (log.deletes.push(String(key)), del(key)),
      });
      const r = cb(s);
      const hook = rec.afterNextSnapshot;
      rec.afterNextSnapshot = null;
      hook?.();
      return r;
    })) as UseStore;
  return rec;
}

/** Opens without autoflush (tests flush explicitly), unless opts say otherwise. */
export function openFs(store: UseStore, opts: Partial<IdbfsOptions> = {}): Promise<Idbfs> {
  return Idbfs.open({ store, autoflush: false, ...opts });
}

export { errno } from '../helpers.js';

export async function rejectsErrno(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SysError) return e.errno;
    throw e;
  }
  return 0;
}

export function walk(root: Inode, path: string): Inode {
  let node = root;
  for (const name of path.split('/').filter(Boolean)) node = node.lookup(name);
  return node;
}

export function writeFile(root: Inode, path: string, data: Uint8Array | string, offset = 0): void {
  const parts = path.split('/').filter(Boolean);
  const dir = walk(root, parts.slice(0, -1).join('/'));
  const name = parts.at(-1)!;
  let file: Inode;
  try {
    file = dir.lookup(name);
  } catch {
    file = dir.createFile(name);
  }
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  file.open({ read: false, write: true }).pwrite([bytes], offset);
}

export function readFile(root: Inode, path: string): Uint8Array {
  const file = walk(root, path);
  const out = new Uint8Array(Number(file.stat().size));
  file.open({ read: true, write: false }).pread([out], 0);
  return out;
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex').slice(0, 16);

/** Every path below dir with its stat (minus dev) and contents (hash) or symlink target. */
export function dump(dir: Inode, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = dir.readdir().map((d) => d.name).sort();
  for (const name of names) {
    const node = dir.lookup(name);
    const { dev: _dev, ...st } = node.stat();
    const path = `${prefix}/${name}`;
    const entry: Record<string, unknown> = { ...st };
    if (node.type === FileType.REGULAR_FILE) entry['data'] = sha(readFile(node, ''));
    if (node.type === FileType.SYMBOLIC_LINK) entry['target'] = node.readlink();
    out[path] = entry;
    if (node.type === FileType.DIRECTORY) Object.assign(out, dump(node, path));
  }
  return out;
}

/** Keys currently in the store. */
export function storedKeys(store: UseStore): Promise<string[]> {
  return store('readonly', (s) =>
    new Promise<string[]>((resolve, reject) => {
      const r = s.getAllKeys();
      r.onsuccess = () => resolve(r.result.map(String).sort());
      r.onerror = () => reject(r.error);
    }));
}
