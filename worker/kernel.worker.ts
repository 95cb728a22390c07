// The kernel worker: the Web Worker the page starts. It boots the kernel on the machine the page
// chooses with its first call, boot(): the playground's machine stored in IndexedDB (when this tab
// holds it; machine/browser_storage.ts), a machine in memory (an embed), or an embed's own stored
// machine — and serves its api to the main thread over Comlink. Owns nothing but that wiring:
// every verb goes straight to the api.
//
// The api object is exposed at once and each call waits for the boot, so a call made while the
// kernel is still booting is queued, and a failed boot is reported (as a rejected call carrying
// the boot error) instead of leaving the caller waiting forever.
import * as Comlink from 'comlink';
import { bootKernel, type KernelService } from './api/api.js';
import { loadBaseImage } from './api/base_image.browser.js';
import { openBrowserStorage } from './machine/browser_storage.js';
import { DEFAULT_IMAGES } from './api/default_images.browser.js';
import type {
  ImportProgress, KernelStatus, KernelWorkerApi, MachineChoice, ProcessEventSink, RunOptions, RunResult,
} from './api/types.js';

let boot: Promise<KernelService> | null = null;
let bootRequested: (machine: MachineChoice) => void;
/** The booted kernel: every call waits for it (and rejects with the boot error). */
const booted = new Promise<MachineChoice>((resolve) => (bootRequested = resolve)).then(async (machine) => {
  // The machine's storage and the base image load side by side.
  const [storage, base] = await Promise.all([openBrowserStorage(machine), loadBaseImage()]);
  return bootKernel({ baseImage: async () => base, storage, defaultImages: DEFAULT_IMAGES });
});
// The rejection is delivered through every call below; keep it from being reported as unhandled.
booted.catch(() => {});

/**
 * Bytes to send back to the main thread: a fresh copy of just this view, transferred (not cloned).
 * The copy keeps the kernel's own buffers (file data, shared memory) out of reach of the receiver,
 * and sends only the view's bytes, not a larger backing buffer a structured clone would copy whole.
 */
function handOver(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  return Comlink.transfer(copy, [copy.buffer]);
}

const api: KernelWorkerApi = {
  async boot(machine: MachineChoice): Promise<string> {
    if (boot) throw new Error('boot: this kernel has already booted (a worker boots one machine)');
    bootRequested(machine);
    boot = booted;
    return (await booted).version();
  },
  async version(): Promise<string> {
    return (await booted).version();
  },
  async run(opts: RunOptions): Promise<RunResult> {
    return (await booted).run(opts);
  },
  async spawn(opts: RunOptions, onEvent: ProcessEventSink): Promise<number> {
    // Output chunks are fresh buffers (StreamSink): transfer them rather than copy them.
    return (await booted).spawn(opts, (event) =>
      onEvent(event.type === 'exit' ? event : Comlink.transfer(event, [event.data.buffer])));
  },
  async stdin(pid: number, data: Uint8Array | string | null): Promise<void> {
    return (await booted).stdin(pid, data);
  },
  async kill(pid: number, signal?: string | number): Promise<void> {
    return (await booted).kill(pid, signal);
  },
  async status(): Promise<KernelStatus> {
    return (await booted).status();
  },
  async flush(): Promise<void> {
    return (await booted).flush();
  },
  console: {
    async attach(cols: number, rows: number, onOutput: (chunk: Uint8Array) => void): Promise<void> {
      // Each batch is a fresh buffer of the terminal's: transfer it rather than copy it.
      return (await booted).console.attach(cols, rows, (chunk) => onOutput(Comlink.transfer(chunk, [chunk.buffer])));
    },
    async input(data: string | Uint8Array): Promise<void> {
      return (await booted).console.input(data);
    },
    async resize(cols: number, rows: number): Promise<void> {
      return (await booted).console.resize(cols, rows);
    },
    async ack(bytes: number): Promise<void> {
      return (await booted).console.ack(bytes);
    },
  },
  fs: {
    async writeFile(path: string, data: Uint8Array | string): Promise<void> {
      return (await booted).fs.writeFile(path, data);
    },
    async readFile(path: string): Promise<Uint8Array> {
      return handOver(await (await booted).fs.readFile(path));
    },
    async mkdir(path: string): Promise<void> {
      return (await booted).fs.mkdir(path);
    },
    async readdir(path: string): Promise<string[]> {
      return (await booted).fs.readdir(path);
    },
    async extract(dir: string, archive: Uint8Array): Promise<number> {
      return (await booted).fs.extract(dir, archive);
    },
  },
  images: {
    async load(source, onProgress?: ImportProgress) {
      return (await booted).images.load(source, onProgress);
    },
    async list() {
      return (await booted).images.list();
    },
    async remove(ref) {
      return (await booted).images.remove(ref);
    },
    async stats() {
      return (await booted).images.stats();
    },
  },
  containers: {
    async list(all) {
      return (await booted).containers.list(all);
    },
    async state(id) {
      return (await booted).containers.state(id);
    },
    async kill(id, signal) {
      return (await booted).containers.kill(id, signal);
    },
    async delete(id, force) {
      return (await booted).containers.delete(id, force);
    },
  },
  debug: {
    async injectQuotaFailures(n: number) {
      return (await booted).debug.injectQuotaFailures(n);
    },
  },
};

Comlink.expose(api);
