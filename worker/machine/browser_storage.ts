// The page's storage for its machine: the root file system in IndexedDB (idbfs) and the image
// blobs beside it, held by one tab at a time through a Web Lock. A tab that cannot get the lock
// (another tab of this origin holds the stored machine), or a browser without IndexedDB, runs a
// machine of its own in memory and says why; it never writes the shared store. A store that
// cannot be read is left untouched (the machine runs in memory and names the error).
// The playground's machine is 'stored'; an embed runs in 'memory' or, with persist=NAME, on a
// machine of its own stored under databases and a lock named after NAME, never the playground's.
import { Idbfs } from '../fsimpl/idbfs/idbfs.js';
import { IdbBlobStore } from '../oci/blob_store.js';
import type { MachineStorage } from './sandbox.js';

/** Which machine to open (api/types.ts MachineChoice: the api names it, this layer serves it). */
export type StorageChoice = 'stored' | 'memory' | { persist: string; wipe?: boolean };

/** The names in IndexedDB (and of the lock): delete these databases to wipe the machine. */
export const ROOTFS_DB = 'wasmvisor-rootfs';
export const IMAGES_DB = 'wasmvisor-images';
export const MACHINE_LOCK = 'wasmvisor-machine';

/** The stored machine's storage, with a test hook to make its next flushes fail as a full disk. */
export interface BrowserStorage extends MachineStorage {
  injectQuotaFailures?(n: number): void;
}

interface StorageManagerLike {
  estimate?(): Promise<{ usage?: number; quota?: number }>;
  persisted?(): Promise<boolean>;
}

function storageManager(): StorageManagerLike | undefined {
  return (globalThis.navigator as { storage?: StorageManagerLike } | undefined)?.storage;
}

/** A name an embed may store its machine under (persist=NAME). */
export const PERSIST_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The databases and the lock of a stored machine: the playground's, or an embed's own NAME. */
export function storageNames(persist?: string): { rootfs: string; images: string; lock: string } {
  if (persist === undefined) return { rootfs: ROOTFS_DB, images: IMAGES_DB, lock: MACHINE_LOCK };
  if (!PERSIST_NAME.test(persist)) {
    throw new Error(`persist name ${JSON.stringify(persist)} is not valid: use 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  return { rootfs: `wasmvisor-embed-${persist}-rootfs`, images: `wasmvisor-embed-${persist}-images`, lock: `wasmvisor-embed-${persist}` };
}

/** Deletes an IndexedDB database (resolves when gone; rejects if another connection holds it open). */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error(`could not delete ${name}`));
    req.onblocked = () => reject(new Error(`${name} is open in another tab; close it and reset again`));
  });
}

/** Asks for the machine lock without waiting: true if this tab now holds it (until it closes). */
function takeLock(name: string): Promise<boolean> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return Promise.resolve(true);
  return new Promise<boolean>((resolve, reject) => {
    locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(false);
        return undefined;
      }
      resolve(true);
      return new Promise<void>(() => {}); // held for the life of this worker
    }).catch(reject);
  });
}

async function estimate(): Promise<{ usage?: number; quota?: number; persisted?: boolean }> {
  const sm = storageManager();
  const e = await sm?.estimate?.();
  const persisted = await sm?.persisted?.().catch(() => undefined);
  return { usage: e?.usage, quota: e?.quota, persisted };
}

export async function openBrowserStorage(machine: StorageChoice = 'stored'): Promise<BrowserStorage> {
  if (machine === 'memory') return { mode: 'memory', note: 'this machine lives in memory: nothing here is kept after the page goes', estimate };
  const persist = typeof machine === 'object' ? machine.persist : undefined;
  const names = storageNames(persist);
  const what = persist === undefined ? 'the stored machine' : `the machine stored as '${persist}'`;
  if (typeof indexedDB === 'undefined') {
    return { mode: 'memory', note: 'IndexedDB is not available here: this machine lives in memory and is gone on reload', estimate };
  }
  let held: boolean;
  try {
    held = await takeLock(names.lock);
  } catch (e) {
    // A frame of another site may be denied locks and storage: run in memory, and say why.
    return {
      mode: 'memory', estimate,
      note: `storage is not available here (${e instanceof Error ? e.message : String(e)}): this machine lives in memory`,
    };
  }
  if (!held) {
    return {
      mode: 'memory', estimate,
      note: `another tab of this site holds ${what}: this tab runs a machine of its own in memory (nothing here is kept)`,
    };
  }
  if (typeof machine === 'object' && machine.wipe) {
    await deleteDatabase(names.rootfs);
    await deleteDatabase(names.images);
  }
  let root: Idbfs;
  try {
    root = await Idbfs.open({ store: Idbfs.store(names.rootfs) });
  } catch (e) {
    return {
      mode: 'memory', estimate,
      note: `${what} could not be read (${e instanceof Error ? e.message : String(e)}); it is left as it was and this tab runs in memory`,
    };
  }
  return {
    mode: 'indexeddb', root, blobs: new IdbBlobStore(names.images), estimate,
    flush: () => root.flush(),
    injectQuotaFailures: (n) => root.injectFault({ quotaFailures: n }),
  };
}
