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

export interface KernelApi {
  /** Resolves once the kernel has booted. Returns the kernel version string. */
  version(): Promise<string>;
  run(opts: RunOptions): Promise<RunResult>;
  fs: FsApi;
}
