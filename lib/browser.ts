// createMachine in a browser: the kernel in a Web Worker started by the page's own client
// (src/client.ts), on a machine in memory — never the playground's stored machine — or, with
// `persist`, on one kept in IndexedDB under that name. Built by Vite (lib/vite.config.ts) into
// lib-dist/browser/, with the kernel worker, the process worker and the base image beside it.
import { startKernel } from '../src/client.js';
import { checkMachineOptions, machineOf, type Machine, type MachineOptions } from './machine.js';

export type {
  ContainerInfo, ContainerState, ExitStatus, ImageInfo, ImportProgress, Machine, MachineOptions, Process, RunOptions, RunResult,
} from './machine.js';

/**
 * Boots a machine in a kernel worker; rejects with the boot error (a page that is not cross-origin
 * isolated says what to change), and, for `persist`, when the stored machine cannot be had (another
 * tab holds it, IndexedDB is unavailable) rather than running in memory instead.
 */
export async function createMachine(opts?: MachineOptions): Promise<Machine> {
  const { persist } = checkMachineOptions(opts);
  const client = startKernel({ machine: persist === undefined ? 'memory' : { persist } });
  let version: string;
  try {
    version = await client.ready;
    if (persist !== undefined) {
      const status = await client.status();
      if (status.machine !== 'indexeddb') {
        throw new Error(`createMachine: the machine stored as '${persist}' is not available: ${status.machineNote ?? 'it runs in memory'}`);
      }
    }
  } catch (e) {
    client.dispose();
    throw e;
  }
  // A stored machine keeps what was written up to dispose; the worker is ended even if that fails.
  const stop = async (): Promise<void> => {
    try {
      if (persist !== undefined) await client.flush();
    } finally {
      client.dispose();
    }
  };
  return machineOf(client, version, stop);
}
