// ContainerRuntime: runsc's container lifecycle over this kernel — create, start, state, kill,
// delete, list, exec, logs — with docker's habits (run = create + start, --rm, -d, names).
// A container is an image (or an OCI bundle) and a record kept in the machine's file system
// (<stateDir>/<id>/state.json, its log, and the writable upper layer of its root), so containers
// outlive a reload of the page: the ones that were running come back stopped. Each container
// has its own root (built by the machine's RootfsFactory: the image's layers, read-only, under
// that upper), its own pid numbering (its first process is pid 1 inside it) and a memory limit
// on the sum of its processes (a process may grow only into what the others leave, and the
// largest is killed if together they pass the limit).
import { Errno, SysError } from '../errors/errno.js';
import type { Kernel, Program } from '../kernel/kernel.js';
import type { Task } from '../kernel/task.js';
import { Signal, signalName, signalNumber } from '../kernel/signals.js';
import type { FileDescription } from '../vfs/file_description.js';
import { FileType } from '../vfs/file_type.js';
import type { Inode } from '../vfs/inode.js';
import { readWholeFile } from '../vfs/read_all.js';
import { openFile, writeWholeFile } from '../vfs/open_file.js';
import { mkdirAll } from '../vfs/mkdir_all.js';
import type { WalkScope } from '../vfs/vfs.js';
import { parseBundleConfig, type BundleMount } from './bundle.js';
import type { ImageStore } from './image_store.js';
import type { RootfsTree } from './layer.js';
import { LogSink, TeeSink } from './log.js';

export const OCI_VERSION = '1.0.2';
/** Default memory limit of a container (all its processes together). */
export const DEFAULT_CONTAINER_MEMORY = 1024 * 1024 * 1024;
const DEFAULT_PATH = 'PATH=/usr/local/bin:/usr/bin:/bin';

export type ContainerStatus = 'created' | 'running' | 'stopped';

/** What is stored of a container (state.json). */
export interface ContainerRecord {
  id: string;
  name: string;
  /** The image ref as given, or the bundle's path. */
  image: string;
  /** The image's id (manifest digest); absent for a bundle. */
  imageId?: string;
  /** The user's bundle directory, for `run --bundle` (its rootfs is the root). */
  bundleDir?: string;
  args: string[];
  env: string[];
  cwd: string;
  terminal: boolean;
  memoryLimit: number;
  created: string;
  status: ContainerStatus;
  /** Machine pid of the first process while running. */
  pid: number;
  exitCode?: number;
  finished?: string;
  autoRemove: boolean;
  mounts: BundleMount[];
  rootReadonly: boolean;
  /** A bundle's root directory, relative to bundleDir (or absolute). */
  rootPath?: string;
}

/** How a container's root is put together: supplied by the machine, which owns the file systems. */
export interface RootfsFactory {
  build(spec: {
    id: string;
    /** The image's layers, applied (null for a bundle). */
    tree: RootfsTree | null;
    /** The writable upper layer (null for a bundle). */
    upper: Inode | null;
    /** A bundle's root directory (null for an image). */
    bundleRoot: Inode | null;
    readonly: boolean;
    mounts: { destination: string; type: 'tmpfs' | 'bind'; source: Inode | null; readonly: boolean }[];
  }): { root: Inode; release(): void };
}

/** The terminal or streams a container's process is attached to; absent: detached (its log). */
export interface Attach {
  stdin: FileDescription;
  stdout: FileDescription;
  stderr: FileDescription;
  /** Process group to join (the shell's job), and the parent pid. */
  pgid?: number;
  ppid?: number;
  /** Output also goes to the container's log (default true). */
  log?: boolean;
}

export interface CreateOptions {
  image?: string;
  /** `run --bundle DIR`: a machine path holding config.json and the root file system. */
  bundle?: string;
  name?: string;
  /** Replaces the image's Cmd (the Entrypoint stays). */
  cmd?: string[];
  /** Appended to the image's Env (a later KEY replaces an earlier one). */
  env?: string[];
  cwd?: string;
  memoryLimit?: number;
  autoRemove?: boolean;
}

/** The error runsc would give: an unknown id, a start of a running container, ... */
export class ContainerError extends Error {}

interface Live {
  root: { root: Inode; release(): void };
  tasks: Set<Task>;
  nsPids: Map<Task, number>;
  nextNsPid: number;
  log: LogSink;
}

function hex(n: number): string {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const ADJ = ['brave', 'calm', 'eager', 'fond', 'keen', 'lucid', 'quiet', 'swift', 'witty', 'zen'];
const NOUN = ['gopher', 'falcon', 'otter', 'lynx', 'heron', 'badger', 'wren', 'koala', 'ibis', 'newt'];

/** Parses "SIGTERM", "TERM", "15" (default SIGTERM). */
export function parseSignal(s: string | number | undefined): number {
  if (s === undefined) return Signal.TERM;
  const n = signalNumber(s);
  if (n === undefined) throw new ContainerError(typeof s === 'number' ? `invalid signal ${s}` : `invalid signal "${s}"`);
  return n;
}

export class ContainerRuntime {
  private readonly records = new Map<string, ContainerRecord>();
  private readonly live = new Map<string, Live>();
  private oomTimer: ReturnType<typeof setInterval> | null = null;
  private readonly scope: WalkScope;

  constructor(
    private readonly kernel: Kernel,
    private readonly images: ImageStore,
    private readonly roots: RootfsFactory,
    /** Where records, logs and upper layers live in the machine's file system. */
    readonly stateDir = '/var/lib/wasmvisor/containers',
  ) {
    this.scope = kernel.vfs.rootScope;
  }

  // ------------------------------------------------------------ the machine's file system

  private resolve(path: string): Inode {
    return this.kernel.vfs.lookupPath(path);
  }

  private mkdirp(path: string): Inode {
    return mkdirAll(this.kernel.vfs, this.kernel.vfs.root, path);
  }

  private removeTree(dir: Inode, name: string): void {
    const child = dir.lookup(name);
    if (child.type === FileType.DIRECTORY) {
      for (const d of child.readdir()) this.removeTree(child, d.name);
      dir.rmdir(name);
    } else {
      dir.unlink(name);
    }
  }

  private save(r: ContainerRecord): void {
    const vfs = this.kernel.vfs;
    this.mkdirp(`${this.stateDir}/${r.id}`);
    writeWholeFile(vfs, [vfs.root], `${this.stateDir}/${r.id}/state.json`, this.scope, new TextEncoder().encode(JSON.stringify(r, null, 1)));
  }

  /** Loads the records stored by an earlier boot; those that were running are now stopped. */
  init(): void {
    let dir: Inode;
    try {
      dir = this.resolve(this.stateDir);
    } catch {
      return;
    }
    for (const d of dir.readdir()) {
      try {
        const text = new TextDecoder().decode(readWholeFile(this.resolve(`${this.stateDir}/${d.name}/state.json`)));
        const r = JSON.parse(text) as ContainerRecord;
        if (r.id !== d.name) continue;
        if (r.status === 'running') {
          r.status = 'stopped';
          r.pid = 0;
          r.exitCode ??= 137;
          r.finished ??= new Date().toISOString();
          this.save(r);
        }
        this.records.set(r.id, r);
      } catch (e) {
        console.warn(`wasmvisor: container state ${d.name} is unreadable, skipped: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  // ------------------------------------------------------------ lookup

  /** A container by id, unique id prefix, or name. */
  get(idOrName: string): ContainerRecord {
    if (typeof idOrName !== 'string' || idOrName === '') throw new ContainerError('a container id or name is required');
    const exact = this.records.get(idOrName);
    if (exact) return exact;
    for (const r of this.records.values()) if (r.name === idOrName) return r;
    const byPrefix = [...this.records.values()].filter((r) => r.id.startsWith(idOrName));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new ContainerError(`container id prefix "${idOrName}" is ambiguous`);
    throw new ContainerError(`container "${idOrName}" does not exist`);
  }

  list(all = false): ContainerRecord[] {
    return [...this.records.values()].filter((r) => all || r.status === 'running').sort((a, b) => b.created.localeCompare(a.created));
  }

  /** A container created from the image with this id, if any (an image in use is not removed). */
  imageUser(imageId: string): ContainerRecord | undefined {
    for (const r of this.records.values()) if (r.imageId === imageId) return r;
    return undefined;
  }

  /**
   * rmi: refuses to take away the last tag of an image a container was created from (its root
   * needs the layers), as docker does; otherwise untags, and deletes what no image uses.
   */
  async removeImage(ref: string): Promise<{ untagged: string[]; deleted: string[] }> {
    const id = await this.images.resolve(ref);
    const info = (await this.images.list()).find((i) => i.id === id);
    const tag = ref.includes(':') && !ref.startsWith('sha256:') ? ref : `${ref}:latest`;
    const lastName = !info || info.refs.length <= 1 || !info.refs.includes(tag);
    const user = this.imageUser(id);
    if (user && lastName) {
      throw new ContainerError(`image ${ref} is used by container ${user.id.slice(0, 12)} (${user.name}): delete the container first`);
    }
    const r = await this.images.remove(ref);
    return { untagged: r.untagged, deleted: r.deleted };
  }

  /** The OCI runtime state (runtime-spec state.json). */
  state(idOrName: string): { ociVersion: string; id: string; status: ContainerStatus; pid: number; bundle: string; annotations: Record<string, string> } {
    const r = this.get(idOrName);
    return {
      ociVersion: OCI_VERSION, id: r.id, status: r.status, pid: r.status === 'running' ? r.pid : 0,
      bundle: r.bundleDir ?? `${this.stateDir}/${r.id}`,
      annotations: { 'org.opencontainers.image.ref.name': r.image, 'wasmvisor.name': r.name },
    };
  }

  /** The tasks of a running container with their pids inside it. */
  processes(idOrName: string): { task: Task; nsPid: number }[] {
    const live = this.live.get(this.get(idOrName).id);
    if (!live) return [];
    return [...live.tasks].filter((t) => t.alive).map((task) => ({ task, nsPid: live.nsPids.get(task) ?? 0 }));
  }

  /** The container's output so far (stdout and stderr, as written). */
  logs(idOrName: string): Uint8Array {
    const r = this.get(idOrName);
    const live = this.live.get(r.id);
    if (live) return live.log.contents();
    try {
      return readWholeFile(this.resolve(`${this.stateDir}/${r.id}/log`));
    } catch {
      return new Uint8Array(0);
    }
  }

  // ------------------------------------------------------------ lifecycle

  async create(opts: CreateOptions): Promise<ContainerRecord> {
    if (!opts.image === !opts.bundle) throw new ContainerError('give an image or a bundle (not both)');
    if (opts.name !== undefined) {
      if (!NAME_RE.test(opts.name)) throw new ContainerError(`invalid container name "${opts.name}": use letters, digits, "_", "." and "-"`);
      for (const r of this.records.values()) {
        if (r.name === opts.name || r.id === opts.name) throw new ContainerError(`the container name "${opts.name}" is already in use by ${r.id.slice(0, 12)}`);
      }
    }
    const memoryLimit = opts.memoryLimit ?? DEFAULT_CONTAINER_MEMORY;
    if (!Number.isFinite(memoryLimit) || memoryLimit < 65536) throw new ContainerError(`invalid memory limit ${memoryLimit}: at least 64 KiB`);
    let id = hex(32);
    while (this.records.has(id)) id = hex(32);
    let name = opts.name;
    while (name === undefined || [...this.records.values()].some((r) => r.name === name)) {
      name = `${ADJ[Math.floor(Math.random() * ADJ.length)]}_${NOUN[Math.floor(Math.random() * NOUN.length)]}${name === undefined ? '' : hex(1)}`;
    }
    let r: ContainerRecord;
    if (opts.image) {
      const imageId = await this.images.resolve(opts.image);
      const { config } = await this.images.rootfs(imageId);
      const entry = config.Entrypoint ?? [];
      const cmd = opts.cmd && opts.cmd.length > 0 ? opts.cmd : config.Cmd ?? [];
      const args = [...entry, ...cmd];
      if (args.length === 0) throw new ContainerError(`image ${opts.image} has no Entrypoint or Cmd: give a command`);
      r = {
        id, name, image: opts.image, imageId, args, env: mergeEnv(config.Env, opts.env ?? []),
        cwd: opts.cwd ?? (config.WorkingDir || '/'), terminal: false, memoryLimit, created: new Date().toISOString(),
        status: 'created', pid: 0, autoRemove: opts.autoRemove ?? false, mounts: [], rootReadonly: false,
      };
    } else {
      const dir = opts.bundle!.replace(/\/+$/, '') || '/';
      let text: string;
      try {
        text = new TextDecoder().decode(readWholeFile(this.resolve(`${dir}/config.json`)));
      } catch (e) {
        throw new ContainerError(`bundle ${dir}: cannot read config.json: ${e instanceof Error ? e.message : String(e)}`);
      }
      const cfg = parseBundleConfig(text);
      const args = opts.cmd && opts.cmd.length > 0 ? opts.cmd : cfg.args;
      r = {
        id, name, image: dir, bundleDir: dir, args, env: mergeEnv(cfg.env, opts.env ?? []), cwd: opts.cwd ?? cfg.cwd,
        terminal: cfg.terminal, memoryLimit, created: new Date().toISOString(), status: 'created', pid: 0,
        autoRemove: opts.autoRemove ?? false, mounts: cfg.mounts, rootReadonly: cfg.rootReadonly,
      };
      try {
        const root = this.resolve(cfg.rootPath.startsWith('/') ? cfg.rootPath : `${dir}/${cfg.rootPath}`);
        if (root.type !== FileType.DIRECTORY) throw new SysError(Errno.NOTDIR);
      } catch (e) {
        throw new ContainerError(`bundle ${dir}: root ${cfg.rootPath} is not a directory (${e instanceof Error ? e.message : String(e)})`);
      }
      r.rootPath = cfg.rootPath;
    }
    this.mkdirp(`${this.stateDir}/${id}/upper`);
    this.records.set(id, r);
    this.save(r);
    return r;
  }

  /** Builds the root, once per start. */
  private async mountRoot(r: ContainerRecord): Promise<Live['root']> {
    let tree: RootfsTree | null = null;
    let upper: Inode | null = null;
    let bundleRoot: Inode | null = null;
    if (r.imageId) {
      tree = (await this.images.rootfs(r.imageId)).tree;
      upper = this.mkdirp(`${this.stateDir}/${r.id}/upper`);
    } else {
      const rootPath = r.rootPath ?? 'rootfs';
      bundleRoot = this.resolve(rootPath.startsWith('/') ? rootPath : `${r.bundleDir}/${rootPath}`);
    }
    const mounts = r.mounts.map((m) => {
      let source: Inode | null = null;
      if (m.type === 'bind') {
        const src = m.source!.startsWith('/') ? m.source! : `${r.bundleDir}/${m.source}`;
        try {
          source = this.resolve(src);
        } catch (e) {
          throw new ContainerError(`mount ${m.destination}: bind source ${src}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return { destination: m.destination, type: m.type, source, readonly: m.readonly };
    });
    return this.roots.build({ id: r.id, tree, upper, bundleRoot, readonly: r.rootReadonly, mounts });
  }

  /** Finds argv[0] in the container's root: a path, or a name along its PATH. */
  private async findProgram(root: Inode, r: ContainerRecord, name: string): Promise<Program> {
    const vfs = this.kernel.vfs;
    const scope = vfs.rootScope;
    const candidates: string[] = [];
    if (name.includes('/')) candidates.push(name.startsWith('/') ? name : `${r.cwd}/${name}`);
    else {
      const path = (r.env.find((e) => e.startsWith('PATH=')) ?? DEFAULT_PATH).slice(5);
      for (const d of path.split(':')) if (d) candidates.push(`${d}/${name}`, `${d}/${name}.wasm`);
    }
    for (const c of candidates) {
      let inode: Inode;
      try {
        const chain = vfs.resolve([root], c, scope);
        inode = chain[chain.length - 1]!;
      } catch {
        continue;
      }
      if (inode.type !== FileType.REGULAR_FILE) continue;
      return this.kernel.loadProgram(readWholeFile(inode));
    }
    throw new ContainerError(`${name}: executable file not found in the container${name.includes('/') ? '' : ' ($PATH)'}`);
  }

  private spawnIn(r: ContainerRecord, live: Live, program: Program, argv: string[], env: string[], cwd: string, io: Attach | undefined, first: boolean): Task {
    const sink = live.log;
    const logged = io?.log ?? true;
    const stdout = io ? (logged ? new TeeSink(io.stdout, sink) : io.stdout) : sink;
    const stderr = io ? (logged ? new TeeSink(io.stderr, sink) : io.stderr) : sink;
    const stdin = io ? io.stdin : this.devNull(live.root.root);
    // A process may grow only into what the container's others leave free.
    let used = 0;
    for (const t of live.tasks) if (t.alive) used += t.memoryBytes();
    const limit = Math.max(65536, r.memoryLimit - used);
    const task = this.kernel.spawn({
      program, argv, env, cwd, root: live.root.root, container: r.id, stdio: [stdin, stdout, stderr],
      preopens: [{ path: '/', name: '/' }], memoryLimitBytes: limit, ppid: io?.ppid, pgid: io?.pgid,
    });
    live.tasks.add(task);
    live.nsPids.set(task, first ? 1 : live.nextNsPid++);
    task.whenExited(() => live.tasks.delete(task));
    this.watchMemory();
    return task;
  }

  private devNull(root: Inode): FileDescription {
    const vfs = this.kernel.vfs;
    return openFile(vfs, [root], '/dev/null', vfs.rootScope, 'read');
  }

  /** Starts a created (or stopped) container's first process; resolves to its task. */
  async start(idOrName: string, io?: Attach): Promise<Task> {
    const r = this.get(idOrName);
    if (r.status === 'running') throw new ContainerError(`cannot start container ${r.id.slice(0, 12)} in state running`);
    const root = await this.mountRoot(r);
    const logFile = (() => {
      const vfs = this.kernel.vfs;
      return openFile(vfs, [vfs.root], `${this.stateDir}/${r.id}/log`, this.scope, 'append');
    })();
    const live: Live = { root, tasks: new Set(), nsPids: new Map(), nextNsPid: 2, log: LogSink.open(logFile) };
    let task: Task;
    try {
      const program = await this.findProgram(root.root, r, r.args[0]!);
      task = this.spawnIn(r, live, program, r.args, r.env, r.cwd, io, true);
    } catch (e) {
      live.log.close();
      root.release();
      throw e instanceof SysError ? new ContainerError(`starting ${r.name}: ${e.message}`) : e;
    }
    this.live.set(r.id, live);
    r.status = 'running';
    r.pid = task.pid;
    delete r.exitCode;
    delete r.finished;
    this.save(r);
    task.whenExited((t) => {
      // The container stops with its first process; the others go with it.
      for (const other of live.tasks) if (other !== t) other.exit({ code: 137, signal: Signal.KILL, reason: 'container stopped' });
      live.root.release();
      live.log.close();
      this.live.delete(r.id);
      r.status = 'stopped';
      r.pid = 0;
      r.exitCode = t.status?.code ?? 0;
      r.finished = new Date().toISOString();
      if (!this.records.has(r.id)) return;
      if (r.autoRemove) this.remove(r);
      else this.save(r);
    });
    return task;
  }

  /** Runs another process in a running container (`exec`). */
  async exec(idOrName: string, argv: string[], io?: Attach, env: string[] = []): Promise<Task> {
    const r = this.get(idOrName);
    const live = this.live.get(r.id);
    if (!live || r.status !== 'running') throw new ContainerError(`container ${r.id.slice(0, 12)} is not running`);
    if (argv.length === 0) throw new ContainerError('exec needs a command');
    const program = await this.findProgram(live.root.root, r, argv[0]!);
    return this.spawnIn(r, live, program, argv, mergeEnv(r.env, env), r.cwd, io, false);
  }

  /** Sends a signal to every process of a running container. */
  kill(idOrName: string, signal?: string | number): void {
    const r = this.get(idOrName);
    const sig = parseSignal(signal);
    const live = this.live.get(r.id);
    if (!live || r.status !== 'running') throw new ContainerError(`cannot signal container ${r.id.slice(0, 12)}: it is not running`);
    for (const t of [...live.tasks]) t.handleSignal(sig, `killed by ${signalName(sig)} (container kill)`);
  }

  /** Deletes a stopped container; `force` kills a running one first. */
  delete(idOrName: string, force = false): void {
    const r = this.get(idOrName);
    if (r.status === 'running') {
      if (!force) throw new ContainerError(`cannot delete container ${r.id.slice(0, 12)}: it is running (stop it first, or force)`);
      const live = this.live.get(r.id)!;
      this.records.delete(r.id);
      for (const t of [...live.tasks]) t.exit({ code: 137, signal: Signal.KILL, reason: 'container deleted' });
    }
    this.remove(r);
  }

  private remove(r: ContainerRecord): void {
    this.records.delete(r.id);
    try {
      this.removeTree(this.resolve(this.stateDir), r.id);
    } catch (e) {
      if (!(e instanceof SysError) || e.errno !== Errno.NOENT) throw e;
    }
  }

  /**
   * The memory limit is on the sum of a container's processes: a process can only start with
   * what the others leave, and since memory grows without a system call, a watcher looks every
   * 100 ms and kills the largest process of a container over its limit (the OOM killer).
   */
  private watchMemory(): void {
    if (this.oomTimer) return;
    this.oomTimer = setInterval(() => {
      if (this.live.size === 0) {
        clearInterval(this.oomTimer!);
        this.oomTimer = null;
        return;
      }
      for (const [id, live] of this.live) {
        const r = this.records.get(id);
        if (!r) continue;
        let sum = 0;
        let largest: Task | null = null;
        for (const t of live.tasks) {
          if (!t.alive) continue;
          sum += t.memoryBytes();
          if (!largest || t.memoryBytes() > largest.memoryBytes()) largest = t;
        }
        if (sum > r.memoryLimit && largest) {
          largest.exit({ code: 137, signal: Signal.KILL, reason: `killed by SIGKILL: container memory limit of ${r.memoryLimit} bytes exceeded (${sum} in use)` });
        }
      }
    }, 100);
    (this.oomTimer as { unref?: () => void }).unref?.();
  }
}

/** Env with later KEY=value entries replacing earlier ones; PATH defaulted. */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const m = new Map<string, string>();
  for (const e of [...base, ...extra]) {
    const i = e.indexOf('=');
    if (i <= 0) throw new ContainerError(`environment entry "${e}" is not KEY=value`);
    m.set(e.slice(0, i), e);
  }
  if (!m.has('PATH')) m.set('PATH', DEFAULT_PATH);
  return [...m.values()];
}
