// The sandbox a page (or a test) gets: a machine (machine.ts) with its root on the storage it is
// given — IndexedDB in the page, memory elsewhere — /tmp in memory, the base image read-only at
// /bin, /root, an image store over the storage's blob store, and the container runtime. On first
// boot it imports the default images (younglook/wasi-hello in the page).
import type { Kernel } from '../kernel/kernel.js';
import type { Platform } from '../platform/platform.js';
import type { Filesystem } from '../vfs/filesystem.js';
import { Tmpfs } from '../fsimpl/tmpfs/tmpfs.js';
import { Imagefs, imageDir, type ImageNode } from '../fsimpl/imagefs/imagefs.js';
import { MemoryBlobStore, type BlobStore } from '../oci/blob_store.js';
import { ImageStore } from '../oci/image_store.js';
import { ContainerRuntime } from '../oci/runtime.js';
import { bootMachine, mkdirp, procSource } from './machine.js';
import { containerRoots } from './container_roots.js';

/** Where a machine keeps its files and images. */
export interface MachineStorage {
  /** 'indexeddb': kept across reloads; 'memory': gone with the page. */
  readonly mode: 'indexeddb' | 'memory';
  /** Why the machine is in memory (another tab holds the stored one, ...). */
  readonly note?: string;
  /** The root file system (default: a tmpfs). */
  readonly root?: Filesystem;
  /** Image blobs (default: in memory). */
  readonly blobs?: BlobStore;
  /** Stores everything written so far (the page calls it when it is hidden or closed). */
  flush?(): Promise<void>;
  /** The origin's storage use and quota, when known. */
  estimate?(): Promise<{ usage?: number; quota?: number; persisted?: boolean }>;
}

export interface SandboxOptions {
  platform: Platform;
  storage?: MachineStorage;
  /** The base image's programs by name, mounted read-only at /bin. */
  baseImage?: Map<string, Uint8Array>;
  /** Archives imported when no image with that ref is stored yet. */
  defaultImages?: { ref: string; archive: () => Promise<Uint8Array> }[];
}

export interface Sandbox {
  kernel: Kernel;
  storage: MachineStorage;
  images: ImageStore;
  containers: ContainerRuntime;
}

export const MEMORY_STORAGE: MachineStorage = { mode: 'memory' };

export async function bootSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const storage = opts.storage ?? MEMORY_STORAGE;
  const root = storage.root ?? new Tmpfs();
  const totalMemoryBytes = 4 * 1024 ** 3;
  const kernel = bootMachine({ platform: opts.platform, root, tmp: storage.root ? 'tmpfs' : 'dir', totalMemoryBytes });
  mkdirp(kernel, '/root');
  if (opts.baseImage) {
    const entries: Record<string, ImageNode> = {};
    const mtime = Date.now() / 1000;
    for (const [name, data] of opts.baseImage) entries[name] = { kind: 'file', data, mtime };
    kernel.vfs.mount('/bin', new Imagefs(imageDir(entries, { mtime })), 'base', 'ro');
  }
  const sandbox = sandboxOf(kernel, storage, totalMemoryBytes);
  const { images } = sandbox;
  for (const d of opts.defaultImages ?? []) {
    try {
      await images.resolve(d.ref);
    } catch {
      try {
        await images.load(await d.archive());
      } catch (e) {
        console.warn(`wasmvisor: default image ${d.ref} could not be imported: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return sandbox;
}

/** The image store and container runtime for a machine booted already (bootMachine). */
export function sandboxOf(kernel: Kernel, storage: MachineStorage = MEMORY_STORAGE, totalMemoryBytes = 4 * 1024 ** 3): Sandbox {
  const images = new ImageStore(storage.blobs ?? new MemoryBlobStore());
  const containers = new ContainerRuntime(kernel, images, containerRoots(kernel, procSource(kernel, totalMemoryBytes)));
  containers.init();
  return { kernel, storage, images, containers };
}
