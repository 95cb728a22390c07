// wasmvisor as a library: the Machine an app gets from createMachine() — the kernel without the
// page — and the one piece both entries (node.ts, browser.ts) share: turning the kernel's
// spawn/stdin/kill verbs into a Process whose stdout and stderr are ReadableStreams (with the
// streams' backpressure reaching the kernel) and whose stdin is a WritableStream.
// Everything here is plain ES (web streams exist in Node and browsers alike): no DOM, no node:.
import type {
  ContainerInfo, ContainersApi, ContainerState, ImageInfo, ImagesApi, ImportProgress, ProcessEventSink, RunOptions, RunResult,
} from '../worker/api/types.js';

export type { ContainerInfo, ContainersApi, ContainerState, ImageInfo, ImagesApi, ImportProgress, RunOptions, RunResult };

/** Which machine createMachine boots. */
export interface MachineOptions {
  /**
   * In the browser, a machine kept in IndexedDB under NAME (1 to 64 letters, digits, `.`, `_`,
   * `-`), apart from the playground's and every other name's; a later createMachine with the same
   * NAME finds its files (one tab at a time). Without it (and always under Node) the machine lives
   * in memory and is gone when disposed.
   */
  persist?: string;
}

/** How a process ended. */
export interface ExitStatus {
  /** The exit status (128+n when killed by signal n). */
  exitCode: number;
  /** Set when the process did not exit by itself: "killed by SIGTERM", a trap message, ... */
  reason?: string;
}

/** A program started by Machine.spawn. */
export interface Process {
  readonly pid: number;
  /**
   * Its standard output as it is written. Read it (or cancel it): while chunks wait unread, the
   * kernel holds the program's writes, as a pipe would.
   */
  readonly stdout: ReadableStream<Uint8Array>;
  /** Its standard error, as stdout. */
  readonly stderr: ReadableStream<Uint8Array>;
  /**
   * Its standard input (strings are written as UTF-8); closing the stream is end of file. When
   * spawn was given `stdin`, the program already has its whole input and writes fail.
   */
  readonly stdin: WritableStream<Uint8Array | string>;
  /** Resolves when it has exited, after the last chunk of its output. */
  readonly exited: Promise<ExitStatus>;
  /** Sends a signal ("SIGTERM", "INT", 9, ...; default SIGTERM). */
  kill(signal?: string | number): Promise<void>;
}

/** The kernel without the UI. */
export interface Machine {
  /** The kernel's version string. */
  readonly version: string;
  /**
   * Runs a program to completion and collects its output: `argv` (argv[0] is a path in the
   * machine, such as "/bin/echo"), or an `image` to run in a fresh container.
   */
  run(opts: RunOptions): Promise<RunResult>;
  /** Starts a program (as for run) and resolves once it is running. */
  spawn(opts: RunOptions): Promise<Process>;
  fs: {
    /** Writes a whole file (text as UTF-8); the directory must exist. */
    writeFile(path: string, data: Uint8Array | string): Promise<void>;
    readFile(path: string): Promise<Uint8Array>;
    /** Makes the directory and any missing parents. */
    mkdir(path: string): Promise<void>;
    /** The names in a directory, sorted. */
    readdir(path: string): Promise<string[]>;
  };
  /** The image store (docker save / OCI layout archives; load, list, remove, stats). */
  images: ImagesApi;
  /** The containers (as runsc list/state/kill/delete). */
  containers: ContainersApi;
  /**
   * Kills every process and stops the kernel's workers; the machine cannot be used afterwards.
   * Processes still running end with exit status 137. A stored machine (`persist`) first stores
   * what was written (and rejects if it could not).
   */
  dispose(): Promise<void>;
}

/** The kernel verbs a Process is made of (KernelService under Node, the worker client in a page). */
export interface ProcessVerbs {
  spawn(opts: RunOptions, onEvent: ProcessEventSink): Promise<number>;
  stdin(pid: number, data: Uint8Array | string | null): Promise<void>;
  kill(pid: number, signal?: string | number): Promise<void>;
}

/** Bytes of output a stream buffers unread before the kernel is asked to hold the program. */
const OUTPUT_HIGH_WATER = 64 * 1024;

/** A ReadableStream fed by the kernel's events: push() returns a promise while the stream is full. */
class OutputStream {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private open = true;
  /** Resolves a push waiting for the reader to take chunks (pull) or give up (cancel). */
  private drained: (() => void) | null = null;

  constructor() {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (c) => void (this.controller = c),
        pull: () => this.wake(),
        cancel: () => {
          this.open = false;
          this.wake();
        },
      },
      { highWaterMark: OUTPUT_HIGH_WATER, size: (chunk) => chunk.byteLength },
    );
  }

  push(data: Uint8Array): void | Promise<void> {
    if (!this.open) return; // the reader cancelled: output is dropped, the program runs on
    this.controller.enqueue(data);
    if ((this.controller.desiredSize ?? 1) > 0) return;
    return new Promise<void>((resolve) => (this.drained = resolve));
  }

  close(): void {
    if (this.open) this.controller.close();
    this.open = false;
    this.wake();
  }

  private wake(): void {
    const d = this.drained;
    this.drained = null;
    d?.();
  }
}

/** The processes of one machine that have not exited, so dispose can end their streams. */
class ProcessTable {
  private readonly live = new Map<OutputStream[], (status: ExitStatus) => void>();

  /** Starts a process through `verbs` and wraps it in streams. */
  async spawn(verbs: ProcessVerbs, opts: RunOptions): Promise<Process> {
    const stdout = new OutputStream();
    const stderr = new OutputStream();
    const streams = [stdout, stderr];
    let settle!: (status: ExitStatus) => void;
    const exited = new Promise<ExitStatus>((resolve) => {
      settle = (status) => {
        if (!this.live.delete(streams)) return;
        stdout.close();
        stderr.close();
        resolve(status);
      };
    });
    this.live.set(streams, settle);
    let pid: number;
    try {
      pid = await verbs.spawn(opts, (event) => {
        if (event.type !== 'exit') return (event.type === 'stdout' ? stdout : stderr).push(event.data);
        const status: ExitStatus = { exitCode: event.exitCode };
        if (event.reason !== undefined) status.reason = event.reason;
        settle(status);
        return undefined;
      });
    } catch (e) {
      this.live.delete(streams);
      throw e;
    }
    const stdin = new WritableStream<Uint8Array | string>({
      write: (chunk) => {
        if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
          throw new TypeError(`stdin of process ${pid}: write a string or a Uint8Array`);
        }
        return verbs.stdin(pid, chunk);
      },
      close: () => verbs.stdin(pid, null),
      abort: () => verbs.stdin(pid, null),
    });
    return { pid, stdout: stdout.stream, stderr: stderr.stream, stdin, exited, kill: (signal) => verbs.kill(pid, signal) };
  }

  /**
   * Ends every process still here as killed (137) — for a machine being disposed, whose kernel
   * may no longer report their exits.
   */
  disposeAll(): void {
    for (const settle of [...this.live.values()]) settle({ exitCode: 137, reason: 'killed by SIGKILL: the machine was disposed' });
  }
}

/** The kernel's verbs as an entry reaches them: KernelService under Node, the worker's client in a page. */
export interface KernelVerbs extends ProcessVerbs {
  run(opts: RunOptions): Promise<RunResult>;
  fs: Machine['fs'];
  images: Machine['images'];
  containers: Machine['containers'];
}

/**
 * The Machine over a booted kernel: every verb refused once disposed, spawn wrapped in streams.
 * `stop` stops the kernel (kills its processes, ends its workers).
 */
export function machineOf(kernel: KernelVerbs, version: string, stop: () => void | Promise<void>): Machine {
  const processes = new ProcessTable();
  let disposed = false;
  const live = <A extends unknown[], R>(verb: string, fn: (...args: A) => Promise<R>) => (...args: A): Promise<R> => {
    if (disposed) return Promise.reject(new Error(`${verb}: the machine was disposed`));
    return fn(...args);
  };
  const { fs, images, containers } = kernel;
  return {
    version,
    run: live('run', (opts: RunOptions) => kernel.run(opts)),
    spawn: live('spawn', (opts: RunOptions) => processes.spawn(kernel, opts)),
    fs: {
      writeFile: live('fs.writeFile', (path: string, data: Uint8Array | string) => fs.writeFile(path, data)),
      readFile: live('fs.readFile', (path: string) => fs.readFile(path)),
      mkdir: live('fs.mkdir', (path: string) => fs.mkdir(path)),
      readdir: live('fs.readdir', (path: string) => fs.readdir(path)),
    },
    images: {
      load: live('images.load', (source: Uint8Array | { url: string }, onProgress?: ImportProgress) => images.load(source, onProgress)),
      list: live('images.list', () => images.list()),
      remove: live('images.remove', (ref: string) => images.remove(ref)),
      stats: live('images.stats', () => images.stats()),
    },
    containers: {
      list: live('containers.list', (all?: boolean) => containers.list(all)),
      state: live('containers.state', (id: string) => containers.state(id)),
      kill: live('containers.kill', (id: string, signal?: string | number) => containers.kill(id, signal)),
      delete: live('containers.delete', (id: string, force?: boolean) => containers.delete(id, force)),
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      try {
        await stop();
      } finally {
        processes.disposeAll();
      }
    },
  };
}

/** Checks createMachine's options. */
export function checkMachineOptions(opts: unknown): MachineOptions {
  if (opts === undefined) return {};
  if (!opts || typeof opts !== 'object') throw new TypeError('createMachine: options must be an object');
  const known = new Set(['persist']);
  for (const k of Object.keys(opts)) if (!known.has(k)) throw new TypeError(`createMachine: unknown option '${k}'`);
  const { persist } = opts as MachineOptions;
  if (persist !== undefined && (typeof persist !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(persist))) {
    throw new TypeError(`createMachine: persist ${JSON.stringify(persist)} is not valid: use 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  return opts as MachineOptions;
}
