// Helpers for the e2e tests: WAT test programs assembled in Node (the `wabt` package), and thin
// wrappers that drive `window.wasmvisor` in the page through page.evaluate. Bytes cross the
// Playwright boundary as base64 (evaluate arguments are JSON-like).
import type { Page } from '@playwright/test';
import wabtInit from 'wabt';

/** What `wasmvisor.run` resolves with (see worker/api/types.ts). */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  reason?: string;
}

export interface RunOptions {
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  memoryLimit?: number;
  timeoutSeconds?: number;
}

/** A run either resolves (`ok: true`, the result) or rejects (`ok: false`, the error message). */
export type RunOutcome = { ok: true; result: RunResult } | { ok: false; error: string };

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

/** Assembles WebAssembly text into a binary module. */
export async function wat(source: string, name = 'test.wat'): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const mod = wabt.parseWat(name, source);
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({ log: false }).buffer);
  } finally {
    mod.destroy();
  }
}

const FD_WRITE = `(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))`;
const PROC_EXIT = `(import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))`;

/** WAT sources of the test programs. */
export const programs = {
  /** Writes "hello world\n" to stdout and returns from _start (exit 0). */
  hello: `(module
    ${FD_WRITE}
    (memory (export "memory") 1)
    (data (i32.const 16) "hello world\\n")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const 12))
      (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`,

  /** proc_exit(3). */
  exit3: `(module
    ${PROC_EXIT}
    (memory (export "memory") 1)
    (func (export "_start") (call $proc_exit (i32.const 3)) unreachable))`,

  /** Copies stdin to stdout until fd_read returns 0 bytes; exits 1 if a call fails. */
  echo: `(module
    (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
    ${FD_WRITE}
    ${PROC_EXIT}
    (memory (export "memory") 1)
    ;; iovec at 0 {buf=1024, len=4096}; nread at 8; out iovec at 16 {buf=1024, len=n}; nwritten at 24
    (func (export "_start")
      (local $n i32)
      (loop $again
        (i32.store (i32.const 0) (i32.const 1024))
        (i32.store (i32.const 4) (i32.const 4096))
        (if (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8))
          (then (call $proc_exit (i32.const 1))))
        (local.set $n (i32.load (i32.const 8)))
        (if (i32.eqz (local.get $n)) (then (return)))
        (i32.store (i32.const 16) (i32.const 1024))
        (i32.store (i32.const 20) (local.get $n))
        (if (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))
          (then (call $proc_exit (i32.const 1))))
        (br $again))))`,

  /** Prints each environment variable on its own line. */
  env: listStrings('environ_sizes_get', 'environ_get'),

  /** Prints each argument (argv[0] first) on its own line. */
  args: listStrings('args_sizes_get', 'args_get'),
};

/**
 * A program that fetches a NUL-separated string list (args or environ) with `sizes`/`get` and
 * writes it to stdout with each NUL turned into "\n".
 */
function listStrings(sizes: string, get: string): string {
  return `(module
    (import "wasi_snapshot_preview1" "${sizes}" (func $sizes (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "${get}" (func $get (param i32 i32) (result i32)))
    ${FD_WRITE}
    ${PROC_EXIT}
    (memory (export "memory") 1)
    ;; count at 0, size at 4, out iovec at 8, nwritten at 16, pointers at 1024, strings at 8192
    (func (export "_start")
      (local $i i32) (local $size i32)
      (if (call $sizes (i32.const 0) (i32.const 4)) (then (call $proc_exit (i32.const 1))))
      (local.set $size (i32.load (i32.const 4)))
      (if (i32.gt_u (local.get $size) (i32.const 57344)) (then (call $proc_exit (i32.const 2))))
      (if (i32.gt_u (i32.load (i32.const 0)) (i32.const 1792)) (then (call $proc_exit (i32.const 2))))
      (if (call $get (i32.const 1024) (i32.const 8192)) (then (call $proc_exit (i32.const 1))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $size)))
          (if (i32.eqz (i32.load8_u (i32.add (i32.const 8192) (local.get $i))))
            (then (i32.store8 (i32.add (i32.const 8192) (local.get $i)) (i32.const 10))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 8) (i32.const 8192))
      (i32.store (i32.const 12) (local.get $size))
      (if (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16))
        (then (call $proc_exit (i32.const 1))))))`;
}

/** An infinite loop: never exits by itself. */
export const spin = `(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))`;

/** Opens the playground and waits for the kernel; returns the kernel version. */
export async function openKernel(page: Page, url = '/'): Promise<string> {
  page.on('pageerror', (err) => console.log(`[pageerror] ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') console.log(`[console.${msg.type()}] ${msg.text()}`);
  });
  await page.goto(url);
  return page.evaluate(() => window.wasmvisor.ready);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** `wasmvisor.fs.writeFile(path, bytes)` in the page. */
export async function writeFile(page: Page, path: string, data: Uint8Array | string): Promise<void> {
  if (typeof data === 'string') {
    await page.evaluate(([p, text]) => window.wasmvisor.fs.writeFile(p, text), [path, data] as const);
    return;
  }
  await page.evaluate(
    ([p, b64]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      return window.wasmvisor.fs.writeFile(p, bytes);
    },
    [path, toBase64(data)] as const,
  );
}

/** `wasmvisor.fs.readFile(path)` in the page. */
export async function readFile(page: Page, path: string): Promise<Uint8Array> {
  const b64 = await page.evaluate(async (p) => {
    const bytes = await window.wasmvisor.fs.readFile(p);
    if (!(bytes instanceof Uint8Array)) throw new Error(`readFile returned ${Object.prototype.toString.call(bytes)}`);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, path);
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** Assembles `source` and writes it to `path` in the sandbox. */
export async function installProgram(page: Page, path: string, source: string): Promise<void> {
  await writeFile(page, path, await wat(source, path));
}

/** `wasmvisor.run(opts)` in the page; a rejection comes back as `{ ok: false, error }`. */
export async function run(page: Page, opts: RunOptions): Promise<RunOutcome> {
  return page.evaluate(async (o) => {
    try {
      const r = await window.wasmvisor.run(o);
      return { ok: true as const, result: { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, reason: r.reason } };
    } catch (err) {
      return { ok: false as const, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }, opts);
}

/** Like `run`, but a rejection fails the test with its message. */
export async function runOk(page: Page, opts: RunOptions): Promise<RunResult> {
  const outcome = await run(page, opts);
  if (!outcome.ok) throw new Error(`wasmvisor.run(${JSON.stringify(opts.argv)}) rejected: ${outcome.error}`);
  return outcome.result;
}

// The page's global, as the tests see it (declared for real in src/client.ts).
declare global {
  interface Window {
    wasmvisor: {
      ready: Promise<string>;
      version(): Promise<string>;
      run(opts: RunOptions): Promise<RunResult>;
      fs: {
        writeFile(path: string, data: Uint8Array | string): Promise<void>;
        readFile(path: string): Promise<Uint8Array>;
        mkdir(path: string): Promise<void>;
        readdir(path: string): Promise<string[]>;
      };
    };
  }
}
