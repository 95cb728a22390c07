// The console's container commands, docker's habits over runsc's lifecycle (oci/runtime.ts):
// run, create, start, state, delete, logs, exec, images, rmi, load, inspect, and the container
// forms of ps (-a) and kill (a container id or name). Every one is also `docker VERB ...`.
// A foreground `run`/`exec` owns the terminal like any job: Ctrl-C goes to the container.
import { ContainerError, type Attach, type ContainerRecord } from '../oci/runtime.js';
import type { Task } from '../kernel/task.js';
import { ImageError } from '../oci/errors.js';
import { BundleError } from '../oci/bundle.js';
import type { ContainerRuntime } from '../oci/runtime.js';
import type { ImageStore } from '../oci/image_store.js';
import { ExecError } from '../kernel/exec_error.js';
import { readWholeFile } from '../vfs/read_all.js';
import type { Shell } from './shell.js';
import type { Builtin, BuiltinIO } from './builtins.js';
import { errorText } from './util.js';

/** What the container commands need from the machine. */
export interface ContainerHost {
  containers: ContainerRuntime;
  images: ImageStore;
}

/** Each verb's usage line and what it does (usage errors print the first, `help` both). */
const VERB_DOCS: Record<string, [usage: string, what: string]> = {
  run: ['run [--rm] [-d] [--name N] [-e K=V]... [--memory SIZE] IMAGE [CMD...] | run --bundle DIR [--rm] [-d] ID', 'run an image (or a bundle) in a new container'],
  create: ['create [--name N] [-e K=V]... [--memory SIZE] IMAGE [CMD...] | create --bundle DIR ID', 'create a container without starting it'],
  start: ['start ID', 'start a created or stopped container (detached)'],
  state: ['state ID', 'the OCI runtime state of a container (JSON)'],
  delete: ['delete [-f] ID', 'delete a stopped container (-f: running too)'],
  logs: ['logs ID', 'what a container has printed'],
  exec: ['exec ID CMD [ARG...]', 'run a command in a running container'],
  images: ['images', 'list the stored images'],
  rmi: ['rmi IMAGE', 'remove an image (and blobs no other image uses)'],
  load: ['load FILE|URL', 'import a docker-save or OCI-layout archive'],
  inspect: ['inspect CONTAINER|IMAGE', "a container's record or an image's config (JSON)"],
};

/** Help lines for `help`: usage, then what the verb does. */
export const CONTAINER_HELP: string[] = Object.values(VERB_DOCS).map(([usage, what]) => `${usage}\n      ${what}`);

class UsageError extends Error {}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)(i?b)?$/i.exec(s.trim());
  if (!m) throw new UsageError(`--memory: cannot read size "${s}" (use e.g. 64M, 1G)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}

interface RunFlags {
  rm: boolean;
  detach: boolean;
  name?: string;
  env: string[];
  memory?: number;
  bundle?: string;
  rest: string[];
}

function parseRunFlags(args: string[], verb: string): RunFlags {
  const f: RunFlags = { rm: false, detach: false, env: [], rest: [] };
  let i = 0;
  const value = (flag: string): string => {
    const a = args[i]!;
    if (a.includes('=') && a.startsWith('--')) return a.slice(a.indexOf('=') + 1);
    const v = args[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    const flag = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    switch (flag) {
      case '--rm': f.rm = true; break;
      case '-d': case '--detach': f.detach = true; break;
      case '-it': case '-ti': case '-i': case '-t': break; // the console is always a terminal
      case '--name': f.name = value('--name'); break;
      case '-e': case '--env': f.env.push(value(flag)); break;
      case '-m': case '--memory': f.memory = parseSize(value(flag)); break;
      case '--bundle': case '-b': f.bundle = value(flag); break;
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  f.rest = args.slice(i);
  if (f.rest.length === 0) throw new UsageError(f.bundle ? `${verb} --bundle needs a container id` : `${verb} needs an image`);
  if (verb !== 'run' && (f.rm || f.detach)) throw new UsageError(`${verb} takes no --rm or -d`);
  return f;
}

async function createFrom(host: ContainerHost, f: RunFlags, verb: string): Promise<ContainerRecord> {
  if (f.bundle) {
    if (f.rest.length > 1) throw new UsageError(`${verb} --bundle DIR takes one container id, no command`);
    return host.containers.create({ bundle: f.bundle, name: f.rest[0], env: f.env, memoryLimit: f.memory, autoRemove: f.rm });
  }
  const [image, ...cmd] = f.rest;
  return host.containers.create({ image, name: f.name, cmd, env: f.env, memoryLimit: f.memory, autoRemove: f.rm });
}

/** Runs a container's process attached to the shell's terminal; resolves to its exit status. */
async function attached(sh: Shell, io: BuiltinIO, start: (attach: Attach) => Promise<Task>): Promise<number> {
  const [stdin, stdout, stderr] = io.fds;
  const task = await start({ stdin: stdin ?? io.devNull(), stdout: stdout!, stderr: stderr!, ppid: sh.task.pid });
  const pty = sh.opts.pty;
  if (pty) pty.foregroundPgid = task.pgid;
  try {
    const status = await task.exited;
    if (status.reason && status.signal !== 2) await io.err(`${status.reason}\n`);
    return status.code;
  } finally {
    if (pty) pty.foregroundPgid = sh.task.pgid;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 2))).join('').trimEnd()).join('\n') + '\n';
}

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} seconds ago`;
  if (s < 3600) return `${Math.round(s / 60)} minutes ago`;
  if (s < 86400) return `${Math.round(s / 3600)} hours ago`;
  return `${Math.round(s / 86400)} days ago`;
}

function size(n: number): string {
  return n < 1024 ? `${n}B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)}kB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)}MB` : `${(n / 1024 ** 3).toFixed(2)}GB`;
}

/** The containers table of `ps -a` (and of `ps` when containers run). */
export function containerTable(host: ContainerHost, all: boolean): string {
  const rows = [['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES']];
  for (const r of host.containers.list(all)) {
    const status = r.status === 'running' ? `Up (pid ${r.pid})` : r.status === 'created' ? 'Created' : `Exited (${r.exitCode ?? 0}) ${r.finished ? ago(r.finished) : ''}`.trim();
    const cmd = JSON.stringify(r.args.join(' '));
    rows.push([r.id.slice(0, 12), r.image, cmd.length > 24 ? cmd.slice(0, 22) + '…"' : cmd, ago(r.created), status, r.name]);
  }
  return table(rows);
}

/** Reports an error the way the command line shows it; anything else is a kernel bug. */
async function failed(io: BuiltinIO, verb: string, e: unknown): Promise<number> {
  if (e instanceof UsageError) {
    await io.err(`${verb}: ${e.message}\nusage: ${VERB_DOCS[verb]?.[0] ?? verb}\n`);
    return 2;
  }
  if (e instanceof ContainerError || e instanceof ImageError || e instanceof BundleError || e instanceof ExecError) {
    await io.err(`${verb}: ${e.message}\n`);
    return e instanceof ExecError ? e.status : 125;
  }
  await io.err(`${verb}: ${errorText(e)}\n`);
  return 125;
}

type Verb = (sh: Shell, host: ContainerHost, args: string[], io: BuiltinIO) => Promise<number>;

const VERBS: Record<string, Verb> = {
  async run(sh, host, args, io) {
    const f = parseRunFlags(args, 'run');
    const r = await createFrom(host, f, 'run');
    if (f.detach) {
      await host.containers.start(r.id);
      await io.out(r.id + '\n');
      return 0;
    }
    return attached(sh, io, (attach) => host.containers.start(r.id, attach));
  },
  async create(_sh, host, args, io) {
    const r = await createFrom(host, parseRunFlags(args, 'create'), 'create');
    await io.out(r.id + '\n');
    return 0;
  },
  async start(_sh, host, args, io) {
    if (args.length !== 1) throw new UsageError('start takes one container id');
    await host.containers.start(args[0]!);
    await io.out(host.containers.get(args[0]!).id + '\n');
    return 0;
  },
  async state(_sh, host, args, io) {
    if (args.length !== 1) throw new UsageError('state takes one container id');
    await io.out(JSON.stringify(host.containers.state(args[0]!), null, 2) + '\n');
    return 0;
  },
  async delete(_sh, host, args, io) {
    const force = args[0] === '-f' || args[0] === '--force';
    const ids = force ? args.slice(1) : args;
    if (ids.length === 0) throw new UsageError('delete needs a container id');
    let status = 0;
    for (const id of ids) {
      try {
        const r = host.containers.get(id);
        host.containers.delete(id, force);
        await io.out(r.id.slice(0, 12) + '\n');
      } catch (e) {
        status = await failed(io, 'delete', e);
      }
    }
    return status;
  },
  async logs(_sh, host, args, io) {
    if (args.length !== 1) throw new UsageError('logs takes one container id');
    await io.out(new TextDecoder().decode(host.containers.logs(args[0]!)));
    return 0;
  },
  async exec(sh, host, args, io) {
    const flags = args.filter((a) => a === '-it' || a === '-ti' || a === '-i' || a === '-t');
    const rest = args.slice(flags.length);
    if (rest.length < 2) throw new UsageError('exec needs a container id and a command');
    const [id, ...argv] = rest;
    return attached(sh, io, (attach) => host.containers.exec(id!, argv, attach));
  },
  async images(_sh, host, args, io) {
    if (args.length > 0) throw new UsageError('images takes no arguments');
    const rows = [['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE']];
    for (const img of await host.images.list()) {
      const refs = img.refs.length > 0 ? img.refs : ['<none>:<none>'];
      for (const ref of refs) {
        const colon = ref.lastIndexOf(':');
        rows.push([ref.slice(0, colon), ref.slice(colon + 1), img.id.replace('sha256:', '').slice(0, 12), img.created ? ago(img.created) : '-', size(img.size)]);
      }
    }
    await io.out(table(rows));
    return 0;
  },
  async rmi(_sh, host, args, io) {
    if (args.length === 0) throw new UsageError('rmi needs an image');
    for (const ref of args) {
      const res = await host.containers.removeImage(ref);
      for (const u of res.untagged) await io.out(`Untagged: ${u}\n`);
      for (const d of res.deleted) await io.out(`Deleted: ${d}\n`);
    }
    return 0;
  },
  async load(sh, host, args, io) {
    if (args.length !== 1) throw new UsageError('load takes one file or URL');
    const src = args[0]!;
    let bytes: Uint8Array;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(src)) {
      const res = await fetch(src);
      if (!res.ok) throw new ContainerError(`${src}: HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } else {
      try {
        bytes = readWholeFile(sh.lookup(src));
      } catch (e) {
        throw new ContainerError(`${src}: ${errorText(e)}`);
      }
    }
    let last = 0;
    const loaded = await host.images.load(bytes, (done, total, phase) => {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      void io.err(`\r\x1b[K${phase} ${size(done)} / ${size(total)}`);
    });
    await io.err('\r\x1b[K');
    for (const img of loaded) await io.out(`Loaded image: ${img.refs.join(', ') || img.id}\n`);
    return 0;
  },
  async inspect(_sh, host, args, io) {
    if (args.length !== 1) throw new UsageError('inspect takes one container or image');
    let out: unknown;
    try {
      out = host.containers.get(args[0]!);
    } catch (e) {
      if (!(e instanceof ContainerError)) throw e;
      const id = await host.images.resolve(args[0]!);
      const { config } = await host.images.rootfs(id);
      out = { Id: id, RepoTags: (await host.images.list()).find((i) => i.id === id)?.refs ?? [], Config: config.raw };
    }
    await io.out(JSON.stringify(out, null, 2) + '\n');
    return 0;
  },
};

/** The container verbs as builtins; each finds the machine's runtime in the shell's options. */
export const CONTAINER_BUILTINS = new Map<string, Builtin>(Object.keys(VERBS).map((verb) => [verb, async (sh, argv, io) => {
  const host = sh.opts.containers;
  if (!host) {
    await io.err(`${verb}: this shell has no container runtime\n`);
    return 125;
  }
  try {
    return await VERBS[verb]!(sh, host, argv.slice(1), io);
  } catch (e) {
    return failed(io, verb, e);
  }
}]));
