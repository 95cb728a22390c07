// The kernel's public surface, as the main thread (src/) and embedders see it through Comlink.
// Only plain, structured-cloneable data crosses here. Keep it small and stable.

export interface RunOptions {
  /** argv[0] is the program: a path inside the sandbox (e.g. "/hello.wasm"). */
  argv: string[];
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
  /** OCI image to run in (a later issue); unsupported for now. */
  image?: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process did not exit by itself: "killed by SIGKILL (timeout)", a trap message, ... */
  reason?: string;
}

export interface FsApi {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
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

export interface KernelApi {
  console: ConsoleApi;
  status(): Promise<KernelStatus>;
  /** Resolves once the kernel has booted. Returns the kernel version string. */
  version(): Promise<string>;
  run(opts: RunOptions): Promise<RunResult>;
  fs: FsApi;
}
