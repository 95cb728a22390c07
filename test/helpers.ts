// Shared test helpers: paths inside the repo, WAT assembly, a Node kernel, running the CLI.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { KernelService } from '../worker/api/api.js';
import { bootMachine } from '../worker/machine/machine.js';
import { sandboxOf } from '../worker/machine/sandbox.js';
import { WasmPlatform } from '../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../worker/platform/wasm/host.node.js';
import type { Kernel } from '../worker/kernel/kernel.js';
import { SysError } from '../worker/errors/errno.js';

/** The repository root (tests run from dist/test/...). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = ROOT + 'bin/wasmvisor.js';
export const PROGRAMS = ROOT + 'test/programs/build/';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

/** Assembles WAT text into a module binary. */
export async function wat(src: string): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const m = wabt.parseWat('test.wat', src, { threads: true });
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

/** A kernel on the WASM platform with the standard machine layout. */
export function nodeKernel(): { kernel: Kernel; api: KernelService } {
  const kernel = bootMachine({ platform: new WasmPlatform(new NodeWorkerHost()) });
  return { kernel, api: new KernelService(sandboxOf(kernel)) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/wasmvisor.js ...args` with optional stdin. */
export function cli(args: string[], stdin?: string | Uint8Array, timeoutMs = 30000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    p.stdin.end(stdin ?? '');
  });
}

/** WAT of a program that writes `text` to fd 1 and exits with `code`. */
export function printWat(text: string, code = 0): string {
  const bytes = Array.from(new TextEncoder().encode(text)).map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
  return `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "${bytes}")
    (func (export "_start")
      (i32.store (i32.const 0) (i32.const 64))
      (i32.store (i32.const 4) (i32.const ${text.length}))
      (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
      (call $exit (i32.const ${code}))))`;
}

/** WAT of `cat`: copies stdin to stdout until end of file. */
export const CAT_WAT = `(module
  (import "wasi_snapshot_preview1" "fd_read" (func $r (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (block $done (loop $l
      (i32.store (i32.const 0) (i32.const 1024)) (i32.store (i32.const 4) (i32.const 32768))
      (br_if $done (i32.ne (call $r (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 0)))
      (br_if $done (i32.eqz (i32.load (i32.const 8))))
      (i32.store (i32.const 4) (i32.load (i32.const 8)))
      (br_if $done (i32.ne (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)) (i32.const 0)))
      (br $l)))))`;

/** Drives the console of a kernel: type keys, wait for the screen (ANSI stripped) to match. */
export class ConsoleDriver {
  text = '';
  constructor(private readonly api: import('../worker/api/api.js').KernelService) {}

  async attach(cols = 80, rows = 24): Promise<void> {
    await this.api.console.attach(cols, rows, (chunk) => {
      this.text += new TextDecoder().decode(chunk).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
      void this.api.console.ack(chunk.length);
    });
  }

  async type(s: string): Promise<void> {
    await this.api.console.input(s);
  }

  /** Waits until the output written after `from` matches re; returns the match. */
  async waitFor(re: RegExp, from = 0, timeoutMs = 10000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = this.text.slice(from).match(re);
      if (m) return m;
      if (Date.now() > until) throw new Error(`timed out waiting for ${re}; screen:\n${this.text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Types a command line and waits for the next prompt; returns what it printed. */
  async run(line: string, timeoutMs = 10000): Promise<string> {
    const from = this.text.length;
    await this.type(line + '\r');
    const m = await this.waitFor(/\n([^\n]*)root@wasmvisor:[^\n]*\$ $/, from, timeoutMs);
    const out = this.text.slice(from, from + m.index! + 1 + m[1]!.length);
    // Drop the echoed command line.
    return out.slice(out.indexOf('\n') + 1);
  }
}

/** The errno an operation fails with (a SysError), or 0 when it succeeds. */
export function errno(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof SysError) return e.errno;
    throw e;
  }
  return 0;
}
