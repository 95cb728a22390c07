// The kernel client on the main thread: starts the kernel worker, wraps its api with Comlink, and
// serves the same verbs to an embedding page over postMessage (the embed protocol).
// Reaches the kernel only through the types in worker/api/types.ts, never its internals.
import * as Comlink from 'comlink';
import type { ConsoleApi, FsApi, KernelApi, KernelStatus, RunOptions, RunResult } from '../worker/api/types.js';

export type { KernelStatus, RunOptions, RunResult } from '../worker/api/types.js';

/** Data accepted by `fs.writeFile`: bytes (any view or buffer) or text (written as UTF-8). */
export type FileData = Uint8Array | ArrayBuffer | ArrayBufferView | string;

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
  /** Runs a program to completion: `{ exitCode, stdout, stderr, reason? }`. */
  run(opts: RunOptions): Promise<RunResult>;
  /** The kernel's live figures: version, tasks, memory of all processes, bytes stored. */
  status(): Promise<KernelStatus>;
  /** The interactive console (what the page's terminal is attached to). */
  console: ConsoleClient;
  fs: {
    writeFile(path: string, data: FileData): Promise<void>;
    readFile(path: string): Promise<Uint8Array>;
    mkdir(path: string): Promise<void>;
    readdir(path: string): Promise<string[]>;
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
        if (opts.stdin !== undefined && typeof opts.stdin !== 'string') {
          const stdin = ownBytes(opts.stdin);
          return remote.run(withTransfer({ ...opts, stdin }, [stdin.buffer]));
        }
        return remote.run(opts);
      }),
    status: () => call(() => remote.status()),
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
