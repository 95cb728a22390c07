// createMachine under Node: the kernel in this thread (no kernel worker), each process in a
// worker_thread as in the `wasmvisor` command, the machine in memory, with the base image's
// utilities at /bin and the default image (younglook/wasi-hello) in its image store.
import { readFile } from 'node:fs/promises';
import { bootKernel } from '../worker/api/api.js';
import { loadBaseImage } from '../worker/api/base_image.node.js';
import { WasmPlatform } from '../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../worker/platform/wasm/host.node.js';
import { checkMachineOptions, machineOf, type Machine, type MachineOptions } from './machine.js';

export type {
  ContainerInfo, ContainerState, ExitStatus, ImageInfo, ImportProgress, Machine, MachineOptions, Process, RunOptions, RunResult,
} from './machine.js';

/** base/images/ of the package, found from this file (dist/lib/). */
const IMAGES = new URL('../../base/images/', import.meta.url);

/** The images a new machine starts with, as in the page. */
const DEFAULT_IMAGES = [
  { ref: 'younglook/wasi-hello:latest', archive: async () => new Uint8Array(await readFile(new URL('wasi-hello.tar', IMAGES))) },
];

/** Boots a machine in memory. */
export async function createMachine(opts?: MachineOptions): Promise<Machine> {
  const { persist } = checkMachineOptions(opts);
  if (persist !== undefined) {
    throw new Error('createMachine: persist is for browsers (the machine is kept in IndexedDB); under Node the machine lives in memory');
  }
  const api = await bootKernel({ platform: new WasmPlatform(new NodeWorkerHost()), baseImage: loadBaseImage, defaultImages: DEFAULT_IMAGES });
  return machineOf(api, await api.version(), () => api.dispose());
}
