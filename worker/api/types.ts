// The kernel's public surface, as the main thread (src/) and embedders see it through Comlink.
// Only plain, structured-cloneable data crosses here. Keep it small and stable.

export interface RunOptions {
  /**
   * argv[0] is the program: a path inside the sandbox (e.g. "/hello.wasm"). With `image`, argv
   * is optional and replaces the image's Cmd (its Entrypoint stays), as `docker run IMAGE ARGS`.
   */
  argv?: string[];
  /** Environment as KEY -> value; exactly these variables, nothing inherited. */
  env?: Record<string, string>;
  /** Working directory inside the sandbox (default "/"). */
  cwd?: string;
  /** Bytes (or text) given to the program as its standard input; empty when absent. */
  stdin?: Uint8Array | string;
  /** Memory limit for the process in bytes (default 1 GiB). */
  memoryLimit?: number;
  /**
   * Directories of the sandbox handed to the program as WASI preopens, in order from fd 3
   * (default ["/"]: the whole sandbox file system).
   */
  dirs?: string[];
  /** Kill the process after this many seconds. */
  timeoutSeconds?: number;
  /**
   * An image to run in a fresh container (removed when it exits): `name[:tag]`, `sha256:...`
   * or a unique prefix of the id. `env` is appended to the image's Env; `cwd` overrides its
   * WorkingDir.
   */
  image?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process did not exit by itself: "killed by SIGKILL (timeout)", a trap message, ... */
  reason?: string;
}

/**
 * What a process started with `spawn` reports, in the order it happened: chunks of its standard
 * output and error as they are written (a few writes may arrive as one chunk), then its exit.
 */
export type ProcessEvent =
  | { type: 'stdout' | 'stderr'; pid: number; data: Uint8Array }
  | { type: 'exit'; pid: number; exitCode: number; reason?: string };

/**
 * Receives a spawned process's events. It may return a promise: the kernel then holds the
 * process's writes while more than about 1 MiB of output is delivered but not yet settled, so a
 * consumer slower than the program is never flooded.
 */
export type ProcessEventSink = (event: ProcessEvent) => void | Promise<void>;

export interface FsApi {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  /**
   * Unpacks a tar archive (optionally gzipped) under the absolute directory `dir` (created if
   * missing); resolves with the number of entries written. A bad archive (a path escaping `dir`,
   * a truncated or corrupt file) is refused with a message naming it, before anything is written.
   */
  extract(dir: string, archive: Uint8Array): Promise<number>;
}

/** What the status line shows. */
export interface KernelStatus {
  version: string;
  /** Live tasks (processes, including the shell). */
  tasks: number;
  /** Linear memory of all live processes, in bytes. */
  memoryBytes: number;
  /** Bytes stored in the sandbox's file systems. */
  storageBytes: number;
  /**
   * Where the machine's root lives: 'indexeddb' (kept across reloads), 'memory' (this tab runs
   * a machine of its own because another tab holds the stored one, or IndexedDB is unavailable).
   */
  machine: 'indexeddb' | 'memory';
  /** Why the machine is in memory, when it is. */
  machineNote?: string;
  /** The origin's storage use and quota (navigator.storage.estimate), when the browser says. */
  originUsageBytes?: number;
  originQuotaBytes?: number;
  /** Whether the browser granted persistent storage (navigator.storage.persist). */
  persisted?: boolean;
}

/** One image in the store (as `images` lists it). */
export interface ImageInfo {
  /** The manifest digest ("sha256:..."): the image id. */
  id: string;
  /** Its tags ("younglook/wasi-hello:latest"). */
  refs: string[];
  /** Bytes of its blobs. */
  size: number;
  created?: string;
  architecture?: string;
  os?: string;
  layers: number;
}

/** Progress of an import: bytes done of total in the current phase. */
export type ImportProgress = (done: number, total: number, phase: string) => void;

export interface ImagesApi {
  /**
   * Imports an image archive (`docker save` or OCI image layout, optionally gzipped), given as
   * bytes or as a same-origin URL to fetch. Every blob is verified; a bad archive is refused
   * with an error naming the problem and leaves the store as it was.
   */
  load(source: Uint8Array | { url: string }, onProgress?: ImportProgress): Promise<ImageInfo[]>;
  list(): Promise<ImageInfo[]>;
  /** rmi: untags, and deletes the image and its blobs no other image uses. */
  remove(ref: string): Promise<{ untagged: string[]; deleted: string[] }>;
  /** Blobs and bytes stored (a layer shared by images is stored once). */
  stats(): Promise<{ blobs: number; bytes: number; images: number }>;
}

/** The OCI runtime state of a container (runtime-spec's state.json). */
export interface ContainerState {
  ociVersion: string;
  id: string;
  status: 'created' | 'running' | 'stopped';
  /** The pid of its first process (0 unless running). */
  pid: number;
  /** Where its bundle lives in the machine's file system. */
  bundle: string;
  annotations?: Record<string, string>;
}

/** A container as `ps` lists it. */
export interface ContainerInfo extends ContainerState {
  name: string;
  /** The image it runs (its ref as given), or the bundle's path for `run --bundle`. */
  image: string;
  command: string[];
  created: string;
  /** Exit status of its first process, once stopped. */
  exitCode?: number;
  memoryLimit: number;
}

export interface ContainersApi {
  /** Running containers, or all with `all`. */
  list(all?: boolean): Promise<ContainerInfo[]>;
  state(id: string): Promise<ContainerState>;
  /** Sends a signal (name like "SIGTERM"/"TERM" or number; default SIGTERM) to its processes. */
  kill(id: string, signal?: string | number): Promise<void>;
  /** Deletes a stopped container (its writable layer too); `force` kills a running one first. */
  delete(id: string, force?: boolean): Promise<void>;
}

/**
 * The interactive console: the master side of the kernel's pseudo-terminal, whose slave is the
 * shell's (and its foreground job's) stdin/stdout/stderr.
 */
export interface ConsoleApi {
  /**
   * Starts the shell on the terminal (once) and delivers terminal output to onOutput in batches
   * (the callback must be wrapped with Comlink.proxy). After the console has rendered a batch it
   * calls ack(batch.length); the kernel stops sending (and blocks writers) while more than about
   * 1 MiB is unacknowledged, so a program writing megabytes cannot flood the page.
   */
  attach(cols: number, rows: number, onOutput: (chunk: Uint8Array) => void): Promise<void>;
  /** Keystrokes or pasted text, as the terminal emits them (UTF-8 when given as a string). */
  input(data: string | Uint8Array): Promise<void>;
  /** The terminal's new size in character cells. */
  resize(cols: number, rows: number): Promise<void>;
  /** Acknowledges bytes of output that have been rendered. */
  ack(bytes: number): Promise<void>;
}

/**
 * Which machine a kernel worker boots (given once, to `boot`):
 * - 'stored': the playground's own machine, kept in IndexedDB across reloads (one tab at a time;
 *   another tab gets a machine in memory and is told why);
 * - 'memory': a fresh machine in memory, gone when the page goes (what an embed gets by default);
 * - { persist: NAME }: a machine of its own kept in IndexedDB under NAME (letters, digits, `.`,
 *   `_`, `-`; at most 64), apart from the playground's and every other name's; `wipe` deletes what
 *   was stored under NAME first (an embed's `reset`).
 */
export type MachineChoice = 'stored' | 'memory' | { persist: string; wipe?: boolean };

export interface KernelApi {
  console: ConsoleApi;
  status(): Promise<KernelStatus>;
  /** Resolves once the kernel has booted. Returns the kernel version string. */
  version(): Promise<string>;
  run(opts: RunOptions): Promise<RunResult>;
  /**
   * Starts a program (or an image, as for run) without waiting for it and resolves with its pid;
   * its output and exit stream to `onEvent` (wrapped with Comlink.proxy across workers). Without
   * `opts.stdin` its standard input stays open for `stdin()` until closed; with it, the program
   * reads those bytes and then end of file.
   */
  spawn(opts: RunOptions, onEvent: ProcessEventSink): Promise<number>;
  /**
   * Writes to the standard input of a process started by spawn (resolves once the bytes are in
   * its pipe, waiting while the pipe is full); `null` closes it (end of file).
   */
  stdin(pid: number, data: Uint8Array | string | null): Promise<void>;
  /** Sends a signal ("SIGTERM", "INT", or a number; default SIGTERM) to a process started by spawn. */
  kill(pid: number, signal?: string | number): Promise<void>;
  fs: FsApi;
  images: ImagesApi;
  containers: ContainersApi;
  /** Stores everything written so far now (the page calls it on pagehide and when hidden). */
  flush(): Promise<void>;
  /** Hooks for tests of the stored machine. */
  debug: {
    /** Makes the next n flushes of the stored root fail as a full disk (QuotaExceededError); 0 stops it. */
    injectQuotaFailures(n: number): Promise<void>;
  };
}

/** What the kernel worker serves over Comlink: the api, and the choice of machine to boot. */
export interface KernelWorkerApi extends KernelApi {
  /**
   * Boots the kernel on the chosen machine: the first call the client makes (every other call
   * waits for it; a second boot is refused). Resolves with the kernel version; rejects with the
   * boot error.
   */
  boot(machine: MachineChoice): Promise<string>;
}
