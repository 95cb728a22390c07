// `wasmvisor`, the headless command: runs a WASI program on the same kernel as the page, with
// host directories mounted through hostfs (the only path to the host file system). Flags
// follow wasmtime's so conformance tools written for it can drive ours.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bootMachine, mkdirp } from '../machine/machine.js';
import { KERNEL_VERSION, type Kernel, type Preopen } from '../kernel/kernel.js';
import { ExecError, ExitStatusFor } from '../kernel/exec_error.js';
import { SysError } from '../errors/errno.js';
import { Hostfs } from '../fsimpl/hostfs/hostfs.js';
import { Tmpfs } from '../fsimpl/tmpfs/tmpfs.js';
import { WasmPlatform } from '../platform/wasm/wasm_platform.js';
import { NodeWorkerHost } from '../platform/wasm/host.node.js';
import { HostInput, HostOutput } from './host_stdio.js';
import { SYSCALL_TABLE } from '../syscalls/wasi/table.js';
import { SIGNATURES } from '../syscalls/wasi/signatures.js';

const USAGE = `usage: wasmvisor run [--dir HOST[::GUEST]]... [--env K=V]... [--memory SIZE] [--timeout SECONDS] [--strace] [--] PROG.wasm [ARGS...]
       wasmvisor run --image ARCHIVE[:REF] [--env K=V]... [--memory SIZE] [--timeout SECONDS] [--] [ARGS...]
       wasmvisor syscalls
       wasmvisor --version`;

/**
 * A command runs one program (or one container) and exits: no warm pool of process workers to
 * keep filled (bin/wasmvisor.js starts the one worker it needs before the kernel is loaded).
 */
const ONE_SHOT = { warmWorkers: 0 } as const;

/** Exit status for a command-line usage error. */
const USAGE_ERROR = 2;

class UsageError extends Error {}

export interface RunFlags {
  dirs: { host: string; guest: string }[];
  env: string[];
  memoryBytes?: number;
  timeoutSeconds?: number;
  strace: boolean;
  /** --image ARCHIVE[:REF]: run an image from an archive instead of a program. */
  image?: string;
  program: string;
  args: string[];
}

/** Parses "64M", "1G", "65536", "512KiB" into bytes. */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--memory: cannot parse size ${JSON.stringify(s)} (use e.g. 64M, 1G)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * mult);
  if (bytes < 65536) throw new UsageError(`--memory: ${s} is less than one 64 KiB page`);
  if (bytes > 4 * 1024 ** 3) throw new UsageError(`--memory: ${s} is more than the 4 GiB a wasm32 memory can have`);
  return bytes;
}

export function parseRunFlags(argv: string[]): RunFlags {
  const flags: RunFlags = { dirs: [], env: [], strace: false, program: '', args: [] };
  let i = 0;
  const value = (name: string): string => {
    const eq = argv[i]!.indexOf('=');
    if (argv[i]!.startsWith(name + '=') && eq > 0) return argv[i]!.slice(eq + 1);
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (name) {
      case '--dir': {
        const v = value('--dir');
        const sep = v.indexOf('::');
        const host = sep >= 0 ? v.slice(0, sep) : v;
        const guest = sep >= 0 ? v.slice(sep + 2) : v;
        if (!host || !guest) throw new UsageError(`--dir ${v}: expected HOST or HOST::GUEST`);
        flags.dirs.push({ host, guest });
        break;
      }
      case '--env': {
        const v = value('--env');
        if (!v.includes('=') || v.startsWith('=')) throw new UsageError(`--env ${v}: expected KEY=VALUE`);
        flags.env.push(v);
        break;
      }
      case '--memory':
        flags.memoryBytes = parseSize(value('--memory'));
        break;
      case '--timeout': {
        const v = value('--timeout');
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout ${v}: expected a positive number of seconds`);
        flags.timeoutSeconds = n;
        break;
      }
      case '--strace':
        flags.strace = true;
        break;
      case '--image':
        flags.image = value('--image');
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  if (flags.image !== undefined) {
    if (flags.dirs.length > 0) throw new UsageError('--dir cannot be used with --image: a container sees only its image');
    if (flags.strace) throw new UsageError('--strace cannot be used with --image yet');
    flags.args = argv.slice(i);
    return flags;
  }
  if (i >= argv.length) throw new UsageError('no program given');
  flags.program = argv[i]!;
  flags.args = argv.slice(i + 1);
  return flags;
}

function normalizeGuest(guest: string): string {
  return path.posix.normalize(guest.startsWith('/') ? guest : '/' + guest).replace(/\/+$/, '') || '/';
}

/** Builds the kernel for a run: hostfs mounts for the --dirs, devfs and procfs. */
function buildMachine(flags: RunFlags, strace: (l: string) => void): { kernel: Kernel; preopens: Preopen[] } {
  const hostRoots = flags.dirs.map((d, i) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(d.host);
    } catch {
      throw new UsageError(`--dir ${d.host}: no such directory`);
    }
    if (!st.isDirectory()) throw new UsageError(`--dir ${d.host}: not a directory`);
    // A relative guest name ("." or "data") is a preopen with that name, not a place in the
    // namespace: mount it out of the way so it cannot collide with an absolute one.
    const mountAt = d.guest.startsWith('/') ? normalizeGuest(d.guest) : `/.wasmvisor-preopen-${i}`;
    return { ...d, mountAt };
  });
  const seen = new Set<string>();
  for (const d of hostRoots) {
    if (seen.has(d.mountAt)) throw new UsageError(`--dir: two directories at guest path ${d.guest}`);
    seen.add(d.mountAt);
  }
  const rootDir = hostRoots.find((d) => d.mountAt === '/');
  const root = rootDir ? new Hostfs(rootDir.host) : new Tmpfs();
  const platform = new WasmPlatform(new NodeWorkerHost(), ONE_SHOT);
  const kernel = bootMachine({ platform, root, tmp: rootDir ? 'none' : 'dir', straceSink: strace });
  // Mount shallow guest paths first so nested ones find their parents.
  for (const d of [...hostRoots].sort((a, b) => a.mountAt.split('/').length - b.mountAt.split('/').length)) {
    if (d === rootDir) continue;
    const parent = path.posix.dirname(d.mountAt);
    const underHostDir = rootDir || hostRoots.some((o) => o !== d && (parent === o.mountAt || parent.startsWith(o.mountAt + '/')));
    if (!underHostDir) {
      // Missing parents are created on the kernel's own tmpfs root, never in a host directory.
      mkdirp(kernel, parent);
    } else {
      try {
        kernel.vfs.resolve([kernel.vfs.root], parent, kernel.vfs.rootScope);
      } catch {
        throw new UsageError(`--dir ${d.host}::${d.guest}: ${parent} does not exist inside the directory mounted above it`);
      }
    }
    try {
      kernel.vfs.mount(d.mountAt, new Hostfs(d.host), d.host, undefined, !d.guest.startsWith('/'));
    } catch (e) {
      throw new UsageError(`--dir ${d.host}::${d.guest}: cannot mount (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const preopens = hostRoots.map((d) => ({ path: d.mountAt, name: d.guest }));
  return { kernel, preopens };
}

/** Splits ARCHIVE[:REF]: the longest prefix before a ':' that is an existing file is the archive. */
function splitImageArg(v: string): { archive: string; ref?: string } {
  if (fs.existsSync(v)) return { archive: v };
  for (let i = v.indexOf(':'); i > 0; i = v.indexOf(':', i + 1)) {
    if (fs.existsSync(v.slice(0, i)) && fs.statSync(v.slice(0, i)).isFile()) return { archive: v.slice(0, i), ref: v.slice(i + 1) };
  }
  return { archive: v };
}

/** `run --image`: loads the archive into an in-memory image store and runs the image. */
async function runImage(flags: RunFlags): Promise<number> {
  const { archive, ref } = splitImageArg(flags.image!);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(archive);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`wasmvisor: ${archive}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return ExitStatusFor.notFound;
  }
  const platform = new WasmPlatform(new NodeWorkerHost(), ONE_SHOT);
  const kernel = bootMachine({ platform, straceSink: (l) => process.stderr.write(l + '\n') });
  // The image store and container runtime (oci/) are loaded only for --image: a plain run
  // does not pay for parsing them.
  const { sandboxOf } = await import('../machine/sandbox.js');
  const { images, containers } = sandboxOf(kernel);
  try {
    const loaded = await images.load(bytes);
    let image = ref;
    if (image === undefined) {
      if (loaded.length !== 1) {
        const refs = loaded.flatMap((l) => l.refs.length ? l.refs : [l.id]);
        process.stderr.write(`wasmvisor: ${archive} holds ${loaded.length} images; name one as ${archive}:REF (${refs.join(', ')})\n`);
        return USAGE_ERROR;
      }
      image = loaded[0]!.id;
    }
    const r = await containers.create({ image, cmd: flags.args, env: flags.env, memoryLimit: flags.memoryBytes, autoRemove: true });
    const task = await containers.start(r.id, { stdin: new HostInput(0), stdout: new HostOutput(1), stderr: new HostOutput(2), log: false });
    if (flags.timeoutSeconds !== undefined) {
      const t = setTimeout(() => kernel.kill(task.pid, 9, `killed by SIGKILL: --timeout of ${flags.timeoutSeconds} s reached`),
        flags.timeoutSeconds * 1000);
      t.unref();
    }
    const status = await task.exited;
    if (status.reason) process.stderr.write(`wasmvisor: ${image}: ${status.reason}\n`);
    return status.code & 0xff;
  } catch (e) {
    if (e instanceof ExecError) {
      process.stderr.write(`wasmvisor: ${flags.image}: ${e.message}\n`);
      return e.status;
    }
    process.stderr.write(`wasmvisor: ${flags.image}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 125;
  } finally {
    kernel.shutdown();
  }
}

async function run(argv: string[]): Promise<number> {
  const flags = parseRunFlags(argv);
  if (flags.image !== undefined) return runImage(flags);
  const { kernel, preopens } = buildMachine(flags, (l) => process.stderr.write(l + '\n'));
  try {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(flags.program);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      process.stderr.write(`wasmvisor: ${flags.program}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return ExitStatusFor.notFound;
    }
    const program = await kernel.loadProgram(bytes);
    const task = kernel.spawn({
      program, argv: [flags.program, ...flags.args], env: flags.env,
      stdio: [new HostInput(0), new HostOutput(1), new HostOutput(2)], preopens,
      memoryLimitBytes: flags.memoryBytes, strace: flags.strace,
    });
    if (flags.timeoutSeconds !== undefined) {
      const t = setTimeout(() => kernel.kill(task.pid, 9, `killed by SIGKILL: --timeout of ${flags.timeoutSeconds} s reached`),
        flags.timeoutSeconds * 1000);
      t.unref();
    }
    const status = await task.exited;
    if (status.reason) process.stderr.write(`wasmvisor: ${flags.program}: ${status.reason}\n`);
    return status.code & 0xff;
  } catch (e) {
    if (e instanceof ExecError) {
      process.stderr.write(`wasmvisor: ${flags.program}: ${e.message}\n`);
      return e.status;
    }
    if (e instanceof SysError) {
      process.stderr.write(`wasmvisor: ${flags.program}: ${e.message}\n`);
      return 125;
    }
    throw e;
  } finally {
    kernel.shutdown();
  }
}

function printSyscalls(): void {
  const width = Math.max(...SIGNATURES.map((s) => s.name.length));
  for (const e of SYSCALL_TABLE) {
    process.stdout.write(`${e.name.padEnd(width)}  ${e.support.padEnd(11)}  ${e.note ?? ''}`.trimEnd() + '\n');
  }
  process.stdout.write(`\n${SYSCALL_TABLE.length} functions of wasi_snapshot_preview1; wasi_unstable maps onto the same handlers.\n`);
}

export async function main(argv: string[]): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case '--version':
      case 'version':
        process.stdout.write(`wasmvisor ${KERNEL_VERSION}\n`);
        return 0;
      case 'syscalls':
        printSyscalls();
        return 0;
      case 'run':
        return await run(rest);
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return 0;
      case undefined:
        throw new UsageError('no command given');
      default:
        // `wasmvisor prog.wasm` is `wasmvisor run prog.wasm`, as with wasmtime.
        if (cmd.endsWith('.wasm')) return await run(argv);
        throw new UsageError(`unknown command ${cmd}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`wasmvisor: ${e.message}\n${USAGE}\n`);
      return USAGE_ERROR;
    }
    process.stderr.write(`wasmvisor: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 125;
  }
}
