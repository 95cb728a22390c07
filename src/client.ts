// The kernel client on the main thread: starts the kernel worker on the chosen machine and wraps
// its api with Comlink (window.wasmvisor; the embed protocol in src/embed/ serves the same verbs).
// Reaches the kernel only through the types in worker/api/types.ts, never its internals.
import * as Comlink from 'comlink';
import type {
  ConsoleApi,
  ContainerInfo,
  ContainersApi,
  ContainerState,
  FsApi,
  ImageInfo,
  ImagesApi,
  KernelStatus,
  KernelWorkerApi,
  MachineChoice,
  ProcessEvent,
  RunOptions,
  RunResult,
} from '../worker/api/types.js';

export type {
  ContainerInfo,
  ContainerState,
  ImageInfo,
  ImportProgress,
  KernelStatus,
  MachineChoice,
  ProcessEvent,
  RunOptions,
  RunResult,
} from '../worker/api/types.js';

/** Data accepted by `fs.writeFile`: bytes (any view or buffer) or text (written as UTF-8). */
export type FileData = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * An image archive for `images.load` (`docker save` or OCI image layout, optionally gzipped): its
 * bytes, a Blob/File (read with arrayBuffer()), or a URL the kernel fetches (relative URLs are
 * resolved against the page).
 */
export type ImageSource = Uint8Array | ArrayBuffer | Blob | { url: string };

/** Progress of an import: bytes `done` of `total` in the current `phase` ("decompress", "verify", ...). */
export type ImageProgress = (done: number, total: number, phase: string) => void;

/**
 * The kernel's console (the master side of its pseudo-terminal), as the page's terminal uses it.
 * Same verbs as ConsoleApi; `attach` takes a plain callback (the client wraps it for Comlink).
 */
export interface ConsoleClient {
  /**
   * Starts the login shell on the terminal (once) and delivers its output to `onOutput` in
   * batches. After rendering a batch, call ack(batch.length): the kernel holds writers while about
   * 1 MiB is unacknowledged.
   */
  attach(cols: number, rows: number, onOutput: (batch: Uint8Array) => void): Promise<void>;
  /** Keystrokes or pasted text (UTF-8 when a string). */
  input(data: string | Uint8Array): Promise<void>;
  /** The terminal's size in character cells changed. */
  resize(cols: number, rows: number): Promise<void>;
  /** `bytes` of output have been rendered. */
  ack(bytes: number): Promise<void>;
}

/** `window.wasmvisor`: the kernel client of this page. */
export interface WasmvisorClient {
  /** Resolves with the kernel version once the kernel has booted; rejects if the boot failed. */
  readonly ready: Promise<string>;
  /** The kernel version string. */
  version(): Promise<string>;
  /**
   * Runs a program to completion: `{ exitCode, stdout, stderr, reason? }`. Give `argv`, or an
   * `image` (then `argv`, if any, replaces the image's Cmd): `run({ image: 'younglook/wasi-hello' })`.
   */
  run(opts: RunOptions): Promise<RunResult>;
  /**
   * Starts a program (or image) without waiting and resolves with its pid. Its output streams to
   * `onEvent` as `{ type: 'stdout' | 'stderr', pid, data }` while it runs, then `{ type: 'exit',
   * pid, exitCode, reason? }`. Without `opts.stdin` its standard input stays open for `stdin()`.
   * `onEvent` may return a promise: the kernel holds the program's writes while about 1 MiB of
   * output is delivered but not yet settled (backpressure).
   */
  spawn(opts: RunOptions, onEvent: (event: ProcessEvent) => void | Promise<void>): Promise<number>;
  /** Bytes (or UTF-8 text) to a spawned process's standard input; `null` closes it (end of file). */
  stdin(pid: number, data: string | Uint8Array | ArrayBuffer | null): Promise<void>;
  /** Sends a signal ("SIGTERM", "INT", 9; default SIGTERM) to a spawned process. */
  kill(pid: number, signal?: string | number): Promise<void>;
  /** Stops the kernel worker and every process in it; every later call rejects. */
  dispose(): void;
  /** The machine this client booted. */
  readonly machine: MachineChoice;
  /**
   * The kernel's live figures: version, tasks, memory of all processes, bytes stored, where the
   * machine lives (`machine`, `machineNote`) and the origin's storage use and quota.
   */
  status(): Promise<KernelStatus>;
  /** Stores everything written so far now (the page calls it on pagehide and when hidden). */
  flush(): Promise<void>;
  /** The interactive console (what the page's terminal is attached to). */
  console: ConsoleClient;
  fs: {
    writeFile(path: string, data: FileData): Promise<void>;
    readFile(path: string): Promise<Uint8Array>;
    mkdir(path: string): Promise<void>;
    readdir(path: string): Promise<string[]>;
    /** Unpacks a tar archive (optionally gzipped) under `dir`; resolves with the entries written. */
    extract(dir: string, archive: Uint8Array | ArrayBuffer | Blob): Promise<number>;
  };
  /** The image store. */
  images: {
    /**
     * Imports an image archive; resolves with the images it held. `onProgress(done, total, phase)`
     * reports the bytes done in each phase. A bad archive is refused with an error naming the
     * problem and leaves the store as it was.
     */
    load(source: ImageSource, onProgress?: ImageProgress): Promise<ImageInfo[]>;
    list(): Promise<ImageInfo[]>;
    /** rmi: untags `ref`, and deletes the image and the blobs no other image uses. */
    remove(ref: string): Promise<{ untagged: string[]; deleted: string[] }>;
    /** Blobs, bytes and images stored. */
    stats(): Promise<{ blobs: number; bytes: number; images: number }>;
  };
  /** The containers (as runsc list/state/kill/delete). */
  containers: {
    /** Running containers, or all with `all`. */
    list(all?: boolean): Promise<ContainerInfo[]>;
    state(id: string): Promise<ContainerState>;
    /** Sends `signal` ("SIGTERM", "TERM" or a number; default SIGTERM) to its processes. */
    kill(id: string, signal?: string | number): Promise<void>;
    /** Deletes a stopped container; `force` kills a running one first. */
    delete(id: string, force?: boolean): Promise<void>;
  };
  /** Hooks for tests of the stored machine. */
  debug: {
    /** Makes the next n flushes of the stored root fail as a full disk; 0 stops it. */
    injectQuotaFailures(n: number): Promise<void>;
  };
}

declare global {
  interface Window {
    wasmvisor: WasmvisorClient;
  }
}

/** Why this page cannot run the kernel, and what to change; undefined when it can. */
export function isolationProblem(): string | undefined {
  if (isIsolated()) return undefined;
  const framed = typeof window !== 'undefined' && window.parent !== window;
  return (
    'this page is not cross-origin isolated (crossOriginIsolated is false), so it cannot share memory with ' +
    'the workers that run programs. ' +
    (framed
      ? 'Serve both this frame and the page that embeds it with the headers ' +
        "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp', and give the " +
        'iframe allow="cross-origin-isolated".'
      : "Serve the page with the headers 'Cross-Origin-Opener-Policy: same-origin' and " +
        "'Cross-Origin-Embedder-Policy: require-corp'.")
  );
}

export interface StartOptions {
  /**
   * The machine to boot: 'stored' (the playground's, kept in IndexedDB), 'memory' (a fresh one,
   * gone with the page) or { persist: NAME } (a machine of its own kept under NAME). Default
   * 'stored' for a top-level page, 'memory' in a frame.
   */
  machine?: MachineChoice;
}

/** True when this page may use SharedArrayBuffer (the WASM platform needs it). */
export function isIsolated(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** The message of an error (also one that crossed a worker boundary as a plain object). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/** A private copy of the bytes, as a Uint8Array whose buffer holds exactly them (ready to transfer). */
function ownBytes(data: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/** Checks run's options: an object with `argv` (strings, at least argv[0]) or an `image`. */
function checkRunOptions(opts: unknown): asserts opts is RunOptions {
  if (!opts || typeof opts !== 'object') throw new TypeError('run: give { argv: string[], ... } or { image: string, ... }');
  const { argv, image } = opts as RunOptions;
  if (image !== undefined) requireString(image, 'run: image');
  if (argv !== undefined) {
    if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string')) throw new TypeError('run: argv must be an array of strings');
    if (image === undefined && argv.length === 0) throw new TypeError('run: argv must name the program (argv[0])');
  } else if (image === undefined) {
    throw new TypeError('run: give argv (argv[0] is the program) or an image');
  }
}

/** The archive given to images.load, as bytes of its own (or a URL resolved against the page). */
async function imageSource(source: ImageSource): Promise<Uint8Array<ArrayBuffer> | { url: string }> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return ownBytes(source);
  if (source && typeof source === 'object' && 'url' in source) {
    const url = requireString((source as { url: unknown }).url, 'images.load: url');
    // The kernel fetches it from its worker, whose base URL is not the page's.
    const base = typeof location !== 'undefined' ? location.href : undefined;
    let resolved: string;
    try {
      resolved = new URL(url, base).href;
    } catch {
      throw new TypeError(`images.load: '${url}' is not a valid URL`);
    }
    return { url: resolved };
  }
  throw new TypeError('images.load: give the archive as a Uint8Array, ArrayBuffer, Blob or { url }');
}

function withTransfer<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  return buffers.length ? Comlink.transfer(value, buffers) : value;
}

/** Bytes for the kernel from a spawn's stdin data: a private transferable copy, or the text. */
function stdinData(data: string | Uint8Array | ArrayBuffer | null, verb: string): string | Uint8Array<ArrayBuffer> | null {
  if (data === null || typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return ownBytes(data);
  throw new TypeError(`${verb}: data must be a string, a Uint8Array, an ArrayBuffer or null (end of file)`);
}

function checkPid(pid: unknown, verb: string): number {
  if (!Number.isInteger(pid) || (pid as number) <= 0) throw new TypeError(`${verb}: pid must be a positive integer`);
  return pid as number;
}

/**
 * Starts the kernel worker on the chosen machine and returns the client for it. The worker is
 * started right away; every call waits for the boot and rejects with the boot error if the kernel
 * did not come up. A page that is not cross-origin isolated does not start it at all: `ready`
 * rejects with what to change (isolationProblem()).
 */
export function startKernel(opts: StartOptions = {}): WasmvisorClient {
  const framed = typeof window !== 'undefined' && window.parent !== window;
  const machine: MachineChoice = opts.machine ?? (framed ? 'memory' : 'stored');
  const problem = isolationProblem();
  if (problem) return unbootedClient(machine, problem);
  const worker = new Worker(new URL('../worker/kernel.worker.ts', import.meta.url), {
    type: 'module',
    name: 'wasmvisor-kernel',
  });
  const remote = Comlink.wrap<KernelWorkerApi>(worker);
  // Comlink types a nested plain object as a promise of its value, but at run time `remote.fs` is a
  // proxy too, and `remoteFs.writeFile(...)` calls api.fs.writeFile in the worker.
  const remoteFs = remote.fs as unknown as Comlink.Remote<FsApi>;
  const remoteConsole = remote.console as unknown as Comlink.Remote<ConsoleApi>;
  const remoteImages = remote.images as unknown as Comlink.Remote<ImagesApi>;
  const remoteContainers = remote.containers as unknown as Comlink.Remote<ContainersApi>;
  const remoteDebug = remote.debug as unknown as Comlink.Remote<KernelWorkerApi['debug']>;

  // A worker that fails to load (or throws while booting) reports it only as an `error` event; a
  // Comlink call would wait forever, so race the boot against it.
  const loadFailed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`kernel worker failed: ${event.message || 'could not load worker/kernel.worker.ts'}`));
    });
  });
  loadFailed.catch(() => {});

  let disposed = false;
  const ready: Promise<string> = Promise.race([remote.boot(machine), loadFailed]).catch((err: unknown) => {
    throw new Error(errorMessage(err));
  });
  ready.catch(() => {});

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    if (disposed) throw new Error('wasmvisor: this machine was disposed');
    await ready;
    return fn();
  }

  return {
    ready,
    machine,
    version: () => call(() => remote.version()),
    run: (opts: RunOptions) =>
      call(() => {
        checkRunOptions(opts);
        if (opts.stdin !== undefined && typeof opts.stdin !== 'string') {
          const stdin = ownBytes(opts.stdin);
          return remote.run(withTransfer({ ...opts, stdin }, [stdin.buffer]));
        }
        return remote.run(opts);
      }),
    spawn: (opts: RunOptions, onEvent: (event: ProcessEvent) => void | Promise<void>) =>
      call(() => {
        checkRunOptions(opts);
        if (typeof onEvent !== 'function') throw new TypeError('spawn: onEvent must be a function');
        const sink = Comlink.proxy((event: ProcessEvent) => {
          try {
            return onEvent(event); // a promise reaches the kernel: its backpressure
          } finally {
            if (event.type === 'exit') sink[Comlink.releaseProxy]?.();
          }
        }) as unknown as ((event: ProcessEvent) => void | Promise<void>) & { [Comlink.releaseProxy]?: () => void };
        if (opts.stdin !== undefined && typeof opts.stdin !== 'string') {
          const stdin = ownBytes(opts.stdin);
          return remote.spawn(withTransfer({ ...opts, stdin }, [stdin.buffer]), sink);
        }
        return remote.spawn(opts, sink);
      }),
    stdin: (pid: number, data: string | Uint8Array | ArrayBuffer | null) =>
      call(async () => {
        const bytes = stdinData(data, 'stdin');
        return remote.stdin(checkPid(pid, 'stdin'), bytes instanceof Uint8Array ? withTransfer(bytes, [bytes.buffer]) : bytes);
      }),
    kill: (pid: number, signal?: string | number) =>
      call(async () => {
        if (signal !== undefined && typeof signal !== 'string' && !Number.isInteger(signal)) {
          throw new TypeError('kill: signal must be a name ("SIGTERM") or a number');
        }
        return remote.kill(checkPid(pid, 'kill'), signal);
      }),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      remote[Comlink.releaseProxy]();
      worker.terminate();
    },
    status: () => call(() => remote.status()),
    flush: () => call(() => remote.flush()),
    console: {
      attach: (cols: number, rows: number, onOutput: (batch: Uint8Array) => void) =>
        call(() => remoteConsole.attach(cols, rows, Comlink.proxy(onOutput))),
      input: (data: string | Uint8Array) =>
        call(() => {
          if (typeof data === 'string') return remoteConsole.input(data);
          const bytes = ownBytes(data);
          return remoteConsole.input(withTransfer(bytes, [bytes.buffer]));
        }),
      resize: (cols: number, rows: number) => call(() => remoteConsole.resize(cols, rows)),
      ack: (bytes: number) => call(() => remoteConsole.ack(bytes)),
    },
    fs: {
      writeFile: (path: string, data: FileData) =>
        call(() => {
          if (typeof data === 'string') return remoteFs.writeFile(path, data);
          const bytes = ownBytes(data);
          return remoteFs.writeFile(path, withTransfer(bytes, [bytes.buffer]));
        }),
      readFile: (path: string) => call(() => remoteFs.readFile(path)),
      mkdir: (path: string) => call(() => remoteFs.mkdir(path)),
      readdir: (path: string) => call(() => remoteFs.readdir(path)),
      extract: (dir: string, archive: Uint8Array | ArrayBuffer | Blob) =>
        call(async () => {
          const bytes = typeof Blob !== 'undefined' && archive instanceof Blob
            ? new Uint8Array(await archive.arrayBuffer())
            : archive instanceof ArrayBuffer || ArrayBuffer.isView(archive) ? ownBytes(archive) : null;
          if (!bytes) throw new TypeError('fs.extract: archive must be a Uint8Array, ArrayBuffer or Blob');
          return remoteFs.extract(requireString(dir, 'fs.extract: dir'), withTransfer(bytes, [bytes.buffer]));
        }),
    },
    images: {
      load: (source: ImageSource, onProgress?: ImageProgress) =>
        call(async () => {
          if (onProgress !== undefined && typeof onProgress !== 'function') {
            throw new TypeError('images.load: onProgress must be a function');
          }
          const src = await imageSource(source);
          const progress = onProgress ? Comlink.proxy(onProgress) : undefined;
          const arg = src instanceof Uint8Array ? withTransfer(src, [src.buffer]) : src;
          return remoteImages.load(arg, progress);
        }),
      list: () => call(() => remoteImages.list()),
      remove: (ref: string) =>
        call(async () => remoteImages.remove(requireString(ref, 'images.remove: ref'))),
      stats: () => call(() => remoteImages.stats()),
    },
    containers: {
      list: (all?: boolean) =>
        call(async () => {
          if (all !== undefined && typeof all !== 'boolean') throw new TypeError('containers.list: all must be a boolean');
          return remoteContainers.list(all === true);
        }),
      state: (id: string) => call(async () => remoteContainers.state(requireString(id, 'containers.state: id'))),
      kill: (id: string, signal?: string | number) =>
        call(async () => {
          requireString(id, 'containers.kill: id');
          if (signal !== undefined && typeof signal !== 'string' && !Number.isInteger(signal)) {
            throw new TypeError('containers.kill: signal must be a name ("SIGTERM") or a number');
          }
          return remoteContainers.kill(id, signal);
        }),
      delete: (id: string, force?: boolean) =>
        call(async () => {
          requireString(id, 'containers.delete: id');
          if (force !== undefined && typeof force !== 'boolean') throw new TypeError('containers.delete: force must be a boolean');
          return remoteContainers.delete(id, force === true);
        }),
    },
    debug: {
      injectQuotaFailures: (n: number) =>
        call(async () => {
          if (!Number.isInteger(n) || n < 0) throw new TypeError('debug.injectQuotaFailures: n must be a non-negative integer');
          return remoteDebug.injectQuotaFailures(n);
        }),
    },
  };
}

/** The client of a page that cannot run the kernel: every call rejects with the reason. */
function unbootedClient(machine: MachineChoice, problem: string): WasmvisorClient {
  const error = (): Promise<never> => Promise.reject(new Error(problem));
  const ready = error();
  ready.catch(() => {});
  return {
    ready, machine,
    version: error, run: error, spawn: error, stdin: error, kill: error, dispose: () => {}, status: error, flush: error,
    console: { attach: error, input: error, resize: error, ack: error },
    fs: { writeFile: error, readFile: error, mkdir: error, readdir: error, extract: error },
    images: { load: error, list: error, remove: error, stats: error },
    containers: { list: error, state: error, kill: error, delete: error },
    debug: { injectQuotaFailures: error },
  };
}
