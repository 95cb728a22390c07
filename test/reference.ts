// Reference runner: runs a WASI program under Node's built-in `node:wasi`
// (uvwasi), in a child process so that a crash of node:wasi (it has a few,
// e.g. nodejs/node#51303: use-after-free once the module's memory grows)
// cannot take the test process down.
//
// The same file is the child's entry point: `node reference.js <json>` runs
// one program and exits with its exit code. The guest's stdout/stderr are
// temp files (read back by the parent); its stdin is the child's own fd 0,
// which the parent feeds from `opts.stdin` and then closes (so stdin is a
// stream, not seekable, as it is under `wasmvisor run`).

import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReferenceOptions {
  /** Arguments after argv[0]; argv[0] is the basename of the .wasm file. */
  args: string[];
  env: Record<string, string>;
  /** Preopened directories: host path and the guest path it is seen at. */
  dirs: { host: string; guest: string }[];
  /** Bytes fed to the guest's stdin (which is then closed). Empty if absent. */
  stdin?: Uint8Array;
  /** Kill the child after this many ms (the result then has timedOut: true). */
  timeoutMs?: number;
}

export interface ReferenceResult {
  /** The guest's exit code; 128+N if the child died of signal N; -1 on timeout. */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the child was killed because opts.timeoutMs passed. */
  timedOut?: boolean;
  /** Set when the child died of a signal (a crash, or proc_raise under uvwasi). */
  signal?: string;
  /** The child Node process's own stderr (not the guest's): crash reports etc. */
  hostStderr?: string;
}

interface ChildConfig {
  wasm: string;
  args: string[];
  env: Record<string, string>;
  preopens: Record<string, string>;
  stdout: string;
  stderr: string;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
};

/** Exit code reported for a trap (like wasmtime's 128+SIGABRT). */
export const TRAP_EXIT_CODE = 134;

const thisFile = fileURLToPath(import.meta.url);

export async function runReference(wasmPath: string, opts: ReferenceOptions): Promise<ReferenceResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'wasmvisor-ref-'));
  const stdoutPath = join(tmp, 'stdout');
  const stderrPath = join(tmp, 'stderr');
  const preopens: Record<string, string> = {};
  for (const d of opts.dirs) preopens[d.guest] = d.host;
  const cfg: ChildConfig = {
    wasm: wasmPath,
    args: [basename(wasmPath), ...opts.args],
    env: opts.env,
    preopens,
    stdout: stdoutPath,
    stderr: stderrPath,
  };
  try {
    const child = spawn(process.execPath, ['--no-warnings', thisFile, JSON.stringify(cfg)], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let hostStderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { hostStderr += s; });
    child.stdin.on('error', () => { /* the guest may exit without reading its stdin */ });
    child.stdin.end(opts.stdin ?? new Uint8Array(0));
    let timedOut = false;
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s]));
    });
    if (timer !== undefined) clearTimeout(timer);
    const read = (p: string): string => {
      try { return readFileSync(p, 'utf8'); } catch { return ''; }
    };
    const result: ReferenceResult = {
      exitCode: timedOut ? -1 : code ?? 128 + (signal !== null ? SIGNALS[signal] ?? 0 : 0),
      stdout: read(stdoutPath),
      stderr: read(stderrPath),
    };
    if (timedOut) result.timedOut = true;
    if (signal !== null && !timedOut) result.signal = signal;
    if (hostStderr !== '') result.hostStderr = hostStderr;
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Child side: run one program under node:wasi and exit with its exit code. */
async function childMain(cfg: ChildConfig): Promise<never> {
  const out = openSync(cfg.stdout, 'w');
  const err = openSync(cfg.stderr, 'w');
  const module = await WebAssembly.compile(readFileSync(cfg.wasm));
  // A module importing the pre-snapshot `wasi_unstable` needs version 'unstable'.
  const version = WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_unstable')
    ? 'unstable' : 'preview1';
  // Imported here, not at the top, so that the test process itself does not
  // print node:wasi's ExperimentalWarning.
  const { WASI } = await import('node:wasi');
  const wasi = new WASI({
    version,
    args: cfg.args,
    env: cfg.env,
    preopens: cfg.preopens,
    stdin: 0,
    stdout: out,
    stderr: err,
    returnOnExit: true,
  });
  let code: number;
  try {
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
    code = wasi.start(instance);
  } catch (e) {
    writeSync(err, `trap: ${e instanceof Error ? e.message : String(e)}\n`);
    code = TRAP_EXIT_CODE;
  }
  closeSync(out);
  closeSync(err);
  process.exit(code);
}

if (process.argv[1] === thisFile && process.argv[2] !== undefined) {
  void childMain(JSON.parse(process.argv[2]) as ChildConfig);
}
