// The kernel client on the main thread: starts the kernel worker, wraps its api with Comlink, and
// serves the same verbs to an embedding page over postMessage (the embed protocol).
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
  KernelApi,
  KernelStatus,
  RunOptions,
  RunResult,
} from '../worker/api/types.js';

export type {
  ContainerInfo,
  ContainerState,
  ImageInfo,
  ImportProgress,
  KernelStatus,
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

/** The hint given when the page cannot share memory with its workers. */
export const ISOLATION_HINT =
  'SharedArrayBuffer needs a cross-origin isolated page: serve it with ' +
  "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp' " +
  '(and, inside an iframe, allow="cross-origin-isolated")';

/** True when this page may use SharedArrayBuffer (the WASM platform needs it). */
export function isIsolated(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

function errorMessage(err: unknown): string {
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

/**
 * Starts the kernel worker and returns the client for it. The worker is started right away; every
 * call waits for the boot and rejects with the boot error if the kernel did not come up.
 */
export function startKernel(): WasmvisorClient {
  const worker = new Worker(new URL('../worker/kernel.worker.ts', import.meta.url), {
    type: 'module',
    name: 'wasmvisor-kernel',
  });
  const remote = Comlink.wrap<KernelApi>(worker);
  // Comlink types a nested plain object as a promise of its value, but at run time `remote.fs` is a
  // proxy too, and `remoteFs.writeFile(...)` calls api.fs.writeFile in the worker.
  const remoteFs = remote.fs as unknown as Comlink.Remote<FsApi>;
  const remoteConsole = remote.console as unknown as Comlink.Remote<ConsoleApi>;
  const remoteImages = remote.images as unknown as Comlink.Remote<ImagesApi>;
  const remoteContainers = remote.containers as unknown as Comlink.Remote<ContainersApi>;
  const remoteDebug = remote.debug as unknown as Comlink.Remote<KernelApi['debug']>;

  // A worker that fails to load (or throws while booting) reports it only as an `error` event; a
  // Comlink call would wait forever, so race the boot against it.
  const loadFailed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`kernel worker failed: ${event.message || 'could not load worker/kernel.worker.ts'}`));
    });
  });
  loadFailed.catch(() => {});

  const ready: Promise<string> = Promise.race([remote.version(), loadFailed]).catch((err: unknown) => {
    const message = errorMessage(err);
    throw new Error(isIsolated() ? message : `${message} (${ISOLATION_HINT}; crossOriginIsolated is false)`);
  });
  ready.catch(() => {});

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    await ready;
    return fn();
  }

  return {
    ready,
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

// ---------------------------------------------------------------------------------------------
// The embed protocol. A page that frames this one posts requests to the frame:
//   { wasmvisor: 'run' | 'version' | 'writeFile' | 'readFile' | 'mkdir' | 'readdir', id, args }
// and gets one answer per request, posted back to event.source at event.origin:
//   { wasmvisor: 'result', id, ok: true, value }  or  { wasmvisor: 'result', id, ok: false, error }
// When the kernel has booted (or failed to), the frame also posts to its parent:
//   { wasmvisor: 'ready', ok: true, version }     or  { wasmvisor: 'ready', ok: false, error }

/** The verbs an embedding page may call. */
export type EmbedMethod = 'run' | 'version' | 'writeFile' | 'readFile' | 'mkdir' | 'readdir';

export interface EmbedRequest {
  wasmvisor: EmbedMethod;
  id: string | number;
  args?: unknown[];
}

export type EmbedResponse =
  | { wasmvisor: 'result'; id: string | number; ok: true; value: unknown }
  | { wasmvisor: 'result'; id: string | number; ok: false; error: string };

export type EmbedReady = { wasmvisor: 'ready'; ok: true; version: string } | { wasmvisor: 'ready'; ok: false; error: string };

function argString(args: unknown[], i: number, what: string): string {
  const v = args[i];
  if (typeof v !== 'string') throw new TypeError(`${what} must be a string`);
  return v;
}

async function dispatch(client: WasmvisorClient, method: string, args: unknown[]): Promise<unknown> {
  switch (method) {
    case 'version':
      return client.version();
    case 'run': {
      const opts = args[0];
      if (!opts || typeof opts !== 'object' || !Array.isArray((opts as RunOptions).argv)) {
        throw new TypeError('run: args[0] must be { argv: string[], ... }');
      }
      return client.run(opts as RunOptions);
    }
    case 'writeFile': {
      const path = argString(args, 0, 'writeFile: args[0] (path)');
      const data = args[1];
      if (typeof data !== 'string' && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
        throw new TypeError('writeFile: args[1] (data) must be a string, Uint8Array or ArrayBuffer');
      }
      await client.fs.writeFile(path, data);
      return undefined;
    }
    case 'readFile':
      return client.fs.readFile(argString(args, 0, 'readFile: args[0] (path)'));
    case 'mkdir':
      await client.fs.mkdir(argString(args, 0, 'mkdir: args[0] (path)'));
      return undefined;
    case 'readdir':
      return client.fs.readdir(argString(args, 0, 'readdir: args[0] (path)'));
    default:
      throw new Error(`unknown wasmvisor method '${method}'`);
  }
}

/**
 * Serves `client` to other windows (an embedding parent, an opener) over postMessage, and tells
 * the parent frame, if any, when the kernel is ready. Messages without a string `wasmvisor` field
 * are ignored. Returns a function that stops serving.
 */
export function serveEmbedApi(client: WasmvisorClient, win: Window = window): () => void {
  const onMessage = (event: MessageEvent): void => {
    const msg = event.data as Partial<EmbedRequest> | null;
    if (!msg || typeof msg !== 'object' || typeof msg.wasmvisor !== 'string') return;
    const method: string = msg.wasmvisor;
    if (method === 'result' || method === 'ready') return; // answers, not requests
    const source = event.source as Window | null;
    if (!source || typeof source.postMessage !== 'function') return;
    const id = msg.id as string | number;
    // An opaque origin ("null": a sandboxed frame, a file: page) cannot be named as a target.
    const targetOrigin = event.origin && event.origin !== 'null' ? event.origin : '*';
    const reply = (response: EmbedResponse, transfer: Transferable[] = []): void => {
      try {
        source.postMessage(response, { targetOrigin, transfer });
      } catch (err) {
        console.warn('wasmvisor: could not answer an embed request', err);
      }
    };
    const args = Array.isArray(msg.args) ? msg.args : [];
    dispatch(client, method, args).then(
      (value) => {
        const transfer = value instanceof Uint8Array && value.buffer instanceof ArrayBuffer ? [value.buffer] : [];
        reply({ wasmvisor: 'result', id, ok: true, value }, transfer);
      },
      (err: unknown) => reply({ wasmvisor: 'result', id, ok: false, error: errorMessage(err) }),
    );
  };
  win.addEventListener('message', onMessage);

  if (win.parent && win.parent !== win) {
    const parent = win.parent;
    const tell = (msg: EmbedReady): void => {
      try {
        parent.postMessage(msg, '*'); // only the version or the boot error: nothing private
      } catch {
        /* the parent went away */
      }
    };
    client.ready.then(
      (version) => tell({ wasmvisor: 'ready', ok: true, version }),
      (err: unknown) => tell({ wasmvisor: 'ready', ok: false, error: errorMessage(err) }),
    );
  }
  return () => win.removeEventListener('message', onMessage);
}
