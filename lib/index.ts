// The package's types: what `import { createMachine } from 'wasmvisor'` gives, whichever entry a
// resolver picks (node.ts under Node, browser.ts in a browser bundle). Only its declarations are
// emitted (lib/tsconfig.types.json); each entry implements createMachine with this signature.
import type { Machine, MachineOptions } from './machine.js';

export type {
  ContainerInfo, ContainerState, ExitStatus, ImageInfo, ImportProgress, Machine, MachineOptions, Process, RunOptions, RunResult,
} from './machine.js';

/**
 * Boots a machine: the kernel with the base image's utilities at /bin and the image
 * younglook/wasi-hello in its store. In memory unless `persist` names a stored one (browser only).
 * Under Node the kernel runs in this thread and each process in a worker_thread; in a browser the
 * kernel runs in a Web Worker and the page must be cross-origin isolated (COOP/COEP).
 */
export declare function createMachine(opts?: MachineOptions): Promise<Machine>;
