// Shared test helpers: paths inside the repo, WAT assembly, a Node kernel, running the CLI.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { KernelService } from '../worker/api/api.js';
import { bootMachine } from '../worker/kernel/machine.js';
import { WasmPlatform } from '../worker/platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../worker/platform/wasm/host.node.js';
import type { Kernel } from '../worker/kernel/kernel.js';

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
  return { kernel, api: new KernelService(kernel) };
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
