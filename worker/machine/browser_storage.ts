// The page's storage for its machine: the root file system in IndexedDB (idbfs) and the image
// blobs beside it, held by one tab at a time through a Web Lock. A tab that cannot get the lock
// (another tab of this origin holds the stored machine), or a browser without IndexedDB, runs a
// machine of its own in memory and says why; it never writes the shared store. A store that
// cannot be read is left untouched (the machine runs in memory and names the error).
import { Idbfs } from '../fsimpl/idbfs/idbfs.js';
import { IdbBlobStore } from '../oci/blob_store.js';
import type { MachineStorage } from './sandbox.js';

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

/** Asks for the machine lock without waiting: true if this tab now holds it (until it closes). */
function takeLock(): Promise<boolean> {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) return Promise.resolve(true);
  return new Promise<boolean>((resolve, reject) => {
    locks.request(MACHINE_LOCK, { ifAvailable: true }, (lock) => {
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

export async function openBrowserStorage(): Promise<BrowserStorage> {
  if (typeof indexedDB === 'undefined') {
    return { mode: 'memory', note: 'IndexedDB is not available here: this machine lives in memory and is gone on reload', estimate };
  }
  let held: boolean;
  try {
    held = await takeLock();
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
      note: 'another tab of this site holds the stored machine: this tab runs a machine of its own in memory (nothing here is kept)',
    };
  }
  let root: Idbfs;
  try {
    root = await Idbfs.open({ store: Idbfs.store(ROOTFS_DB) });
  } catch (e) {
    return {
      mode: 'memory', estimate,
      note: `the stored machine could not be read (${e instanceof Error ? e.message : String(e)}); it is left as it was and this tab runs in memory`,
    };
  }
  return {
    mode: 'indexeddb', root, blobs: new IdbBlobStore(IMAGES_DB), estimate,
    flush: () => root.flush(),
    injectQuotaFailures: (n) => root.injectFault({ quotaFailures: n }),
  };
}
