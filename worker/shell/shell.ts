// Shell: /bin/sh of the machine, kernel-side code running as a kernel Task on the terminal. It
// reads command lines with its LineEditor, parses them (parser.ts), expands words (expand.ts),
// and runs pipelines of programs as tasks connected by kernel pipes, with redirections, `&&`/`||`,
// background jobs and the builtins in builtins.ts. Exit statuses follow POSIX sh: 127 not
// found, 126 not executable, 128+n for a command ended by signal n.
import { Errno, SysError } from '../errors/errno.js';
import { FileType, StatusFlags } from '../vfs/file_type.js';
import { ExecError } from '../kernel/exec_error.js';
import type { Kernel, Program } from '../kernel/kernel.js';
import type { Task } from '../kernel/task.js';
import { Pipe } from '../kernel/pipe.js';
import type { FileDescription } from '../vfs/file_description.js';
import type { Inode } from '../vfs/inode.js';
import { readWholeFile } from '../vfs/read_all.js';
import { openFile, type OpenMode } from '../vfs/open_file.js';
import type { Pty } from '../tty/pty.js';
import { parse, ShellSyntaxError, type AndOr, type ListItem, type Pipeline, type SimpleCommand } from './parser.js';
import { expandWord, type ExpandContext } from './expand.js';
import { INTERRUPTED, LineEditor, type Completion } from './line_editor.js';
import { BUILTINS, type BuiltinIO } from './builtins.js';
import type { ContainerHost } from './container_builtins.js';
import { CommandError, errorText, normalizePath, writeAll } from './util.js';
export { normalizePath };

const encoder = new TextEncoder();
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** A running or finished pipeline started with `&` (or stopped waiting for). */
export interface Job {
  id: number;
  pgid: number;
  text: string;
  tasks: Task[];
  done: Promise<number>;
  status: number | null;
  notified: boolean;
  /** Called once the job's first pipeline has started. */
  onStarted?: () => void;
}

export interface ShellOptions {
  /** The terminal, for job control and raw mode while editing (absent for `sh -c`). */
  pty?: Pty;
  /** The machine's containers and images, for the container commands. */
  containers?: ContainerHost;
}

export class Shell {
  readonly vars = new Map<string, string>();
  readonly exported = new Set<string>();
  readonly history: string[] = [];
  readonly jobs: Job[] = [];
  lastStatus = 0;
  exitRequested: number | null = null;
  private nextJobId = 1;
  private readonly programCache = new Map<string, Program>();

  constructor(
    readonly kernel: Kernel,
    readonly task: Task,
    readonly opts: ShellOptions,
  ) {
    for (const kv of task.env) {
      const eq = kv.indexOf('=');
      if (eq > 0) {
        this.vars.set(kv.slice(0, eq), kv.slice(eq + 1));
        this.exported.add(kv.slice(0, eq));
      }
    }
    if (!this.vars.has('PATH')) this.setVar('PATH', '/bin', true);
    if (!this.vars.has('HOME')) this.setVar('HOME', '/root', true);
    this.setVar('PWD', task.cwd.path, true);
    task.signalHandler = () => {}; // the shell survives Ctrl-C; its jobs get the signal
  }

  get cwd(): string {
    return this.task.cwd.path;
  }

  setVar(name: string, value: string, exported = false): void {
    this.vars.set(name, value);
    if (exported) this.exported.add(name);
  }

  /** Environment for a child: the exported variables, plus the terminal size. */
  childEnv(extra: Map<string, string>): string[] {
    const env = new Map<string, string>();
    for (const name of this.exported) {
      const v = this.vars.get(name);
      if (v !== undefined) env.set(name, v);
    }
    if (this.opts.pty) {
      env.set('COLUMNS', String(this.opts.pty.cols));
      env.set('LINES', String(this.opts.pty.rows));
    }
    env.set('PWD', this.cwd);
    for (const [k, v] of extra) env.set(k, v);
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  // ---------------------------------------------------------------- file system helpers

  /** An absolute, normalized path for p relative to the cwd. */
  absolute(p: string): string {
    return normalizePath(p.startsWith('/') ? p : this.cwd + '/' + p);
  }

  lookup(p: string, follow = true): Inode {
    return this.kernel.vfs.lookupPath(this.absolute(p), follow);
  }

  /** Names in a directory (with mount points), or null. */
  list(dir: string): string[] | null {
    try {
      const inode = this.lookup(dir);
      const names = inode.readdir().map((d) => d.name);
      for (const m of this.kernel.vfs.mountNamesIn(inode)) if (!names.includes(m)) names.push(m);
      return names;
    } catch {
      return null;
    }
  }

  /** Opens a file for a redirection (vfs/open_file.ts: a final symlink is followed). */
  openFile(p: string, mode: OpenMode): FileDescription {
    const vfs = this.kernel.vfs;
    return openFile(vfs, [vfs.root], this.absolute(p), vfs.rootScope, mode);
  }

  // ---------------------------------------------------------------- I/O

  private stdio(fd: number): FileDescription {
    return this.task.fds.get(fd).desc;
  }

  async print(text: string, fd = 1): Promise<void> {
    await writeAll(this.stdio(fd), encoder.encode(text));
  }

  // ---------------------------------------------------------------- the main loop

  /** Runs interactively until `exit` or end of input; returns the exit status. */
  async interactive(): Promise<number> {
    const pty = this.opts.pty!;
    const tty = this.stdio(0);
    const buf = new Uint8Array(4096);
    const editor = new LineEditor(
      {
        read: async () => {
          const n = await tty.read([buf]);
          return buf.slice(0, n);
        },
        write: (text) => this.print(text),
      },
      this.history,
      (line, cursor) => this.complete(line, cursor),
    );
    await this.print('wasmvisor shell — type `help` for the builtins; programs live in /bin' +
      (this.opts.containers ? '; try `run younglook/wasi-hello`' : '') + '.\n');
    while (this.task.alive && this.exitRequested === null) {
      await this.reportJobs();
      pty.foregroundPgid = this.task.pgid;
      const saved = { ...pty.ld.termios };
      pty.ld.setTermios({ ...saved, icanon: false, echo: false, isig: false });
      let line: string | typeof INTERRUPTED | null;
      try {
        line = await editor.readLine(this.prompt());
      } finally {
        // Typed-ahead input goes back to the terminal, to be read under the restored mode.
        pty.ld.unread(encoder.encode(editor.takePending()));
        pty.ld.setTermios(saved);
      }
      if (line === null) {
        await this.print('exit\n');
        break;
      }
      if (line === INTERRUPTED) {
        this.lastStatus = 130;
        continue;
      }
      if (line.trim() === '') continue;
      if (this.history[this.history.length - 1] !== line) this.history.push(line);
      await this.runLine(line);
    }
    return this.exitRequested ?? this.lastStatus;
  }

  prompt(): string {
    const home = this.vars.get('HOME') ?? '/root';
    const cwd = this.cwd === home ? '~' : this.cwd.startsWith(home + '/') ? '~' + this.cwd.slice(home.length) : this.cwd;
    return `\x1b[1;32mroot@wasmvisor\x1b[0m:\x1b[1;34m${cwd}\x1b[0m$ `;
  }

  /**
   * `sh -c LINE` or `sh FILE` (the shell run as a program, not interactively): runs the line, or
   * the file's lines one by one (blank lines and `#` comments skipped, a trailing backslash joins
   * the next line), until the end or `exit`. Returns the last status, or 127/126/2 when the file
   * cannot be read or the arguments are wrong.
   */
  async main(argv: string[]): Promise<number> {
    if (argv[1] === '-c') {
      if (argv[2] === undefined) {
        await this.print('sh: -c: option requires an argument\n', 2);
        return 2;
      }
      await this.runLine(argv[2]);
      return this.exitRequested ?? this.lastStatus;
    }
    const file = argv[1];
    if (file === undefined || file.startsWith('-')) {
      await this.print('sh: usage: sh -c LINE | sh FILE (no interactive shell without a terminal)\n', 2);
      return 2;
    }
    let text: string;
    try {
      const inode = this.kernel.vfs.lookupPath(this.absolute(file));
      if (inode.type === FileType.DIRECTORY) throw new SysError(Errno.ISDIR, 'is a directory');
      text = new TextDecoder().decode(readWholeFile(inode));
    } catch (e) {
      await this.print(`sh: ${file}: ${errorText(e)}\n`, 2);
      return e instanceof SysError && e.errno === Errno.NOENT ? 127 : 126;
    }
    let pending = '';
    for (const raw of text.split('\n')) {
      if (this.exitRequested !== null || !this.task.alive) break;
      if (raw.endsWith('\\')) {
        pending += raw.slice(0, -1);
        continue;
      }
      const line = pending + raw;
      pending = '';
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      await this.runLine(line);
    }
    return this.exitRequested ?? this.lastStatus;
  }

  /** Parses and runs one command line; returns its status. */
  async runLine(line: string): Promise<number> {
    let items: ListItem[];
    try {
      items = parse(line);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        await this.print(`sh: ${e.message}\n`, 2);
        this.lastStatus = 2;
        return 2;
      }
      throw e;
    }
    for (const item of items) {
      if (this.exitRequested !== null || !this.task.alive) break;
      if (item.background) {
        await this.startBackground(item);
        this.lastStatus = 0;
      } else {
        this.lastStatus = await this.runAndOr(item.andOr, false, item.text);
      }
    }
    return this.lastStatus;
  }

  private async runAndOr(ao: AndOr, background: boolean, text: string): Promise<number> {
    let status = await this.runPipeline(ao.first, background, text);
    for (const { op, pipeline } of ao.rest) {
      if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
      this.lastStatus = status;
      status = await this.runPipeline(pipeline, background, text);
    }
    return status;
  }

  private async startBackground(item: ListItem): Promise<void> {
    const id = this.nextJobId++;
    const job: Job = { id, pgid: 0, text: item.text, tasks: [], done: Promise.resolve(0), status: null, notified: false };
    this.jobs.push(job);
    let started!: () => void;
    const startedOrDone = new Promise<void>((r) => (started = r));
    job.onStarted = started;
    job.done = this.runAndOr(item.andOr, true, item.text).then((s) => {
      job.status = s;
      started();
      return s;
    });
    await startedOrDone;
    if (job.pgid) await this.print(`[${id}] ${job.pgid}\n`);
  }

  /** Prints "[n]+ Done ..." for background jobs that finished since the last prompt. */
  async reportJobs(): Promise<void> {
    for (const job of [...this.jobs]) {
      if (job.status === null || job.notified) continue;
      job.notified = true;
      const what = job.status === 0 ? 'Done' : job.status > 128 ? `Killed (${job.status})` : `Exit ${job.status}`;
      await this.print(`[${job.id}]+  ${what.padEnd(22)}${job.text}\n`);
      this.jobs.splice(this.jobs.indexOf(job), 1);
    }
  }

  /** Runs a pipeline; in the foreground it owns the terminal until it ends. */
  async runPipeline(pl: Pipeline, background: boolean, text: string): Promise<number> {
    const n = pl.commands.length;
    const held: FileDescription[] = [];
    const hold = (d: FileDescription) => {
      d.refs++;
      held.push(d);
      return d;
    };
    const pipes: Pipe[] = [];
    for (let i = 0; i < n - 1; i++) {
      const p = new Pipe();
      hold(p.readEnd);
      hold(p.writeEnd);
      pipes.push(p);
    }
    const started: Task[] = [];
    const waits: Promise<number>[] = [];
    let pgid = 0;
    const job = background ? this.jobs[this.jobs.length - 1] : undefined;
    const pty = this.opts.pty;
    try {
      for (let i = 0; i < n; i++) {
        const cmd = pl.commands[i]!;
        const stdin = i > 0 ? pipes[i - 1]!.readEnd : background ? null : this.stdio(0);
        const stdout = i < n - 1 ? pipes[i]!.writeEnd : this.stdio(1);
        const result = await this.startCommand(cmd, stdin, stdout, this.stdio(2), pgid, hold);
        if (result.task) {
          if (pgid === 0) pgid = result.task.pgid;
          started.push(result.task);
          if (job) {
            job.tasks.push(result.task);
            job.pgid = pgid;
          }
        }
        waits.push(result.status);
        if (i === 0 && pty && !background && pgid) pty.foregroundPgid = pgid;
      }
    } finally {
      job?.onStarted?.();
      // Our references to pipe ends and files: the tasks now hold their own.
      for (const d of held) if (--d.refs === 0) d.release();
    }
    if (pty && !background && pgid) pty.foregroundPgid = pgid;
    const statuses = await Promise.all(waits);
    if (pty && !background) pty.foregroundPgid = this.task.pgid;
    let status = statuses[statuses.length - 1] ?? 0;
    if (pl.negate) status = status === 0 ? 1 : 0;
    return status;
  }

  /** Sets up and starts one command; resolves its status through `status`. */
  private async startCommand(
    cmd: SimpleCommand,
    stdin: FileDescription | null,
    stdout: FileDescription,
    stderr: FileDescription,
    pgid: number,
    hold: (d: FileDescription) => FileDescription,
  ): Promise<{ task?: Task; status: Promise<number> }> {
    const ctx = this.expandContext();
    const argv: string[] = [];
    const assigns = new Map<string, string>();
    let fds: (FileDescription | null)[] = [stdin, stdout, stderr];
    try {
      for (const w of cmd.words) argv.push(...expandWord(w, ctx));
      for (const a of cmd.assigns) assigns.set(a.name, expandWord(a.value, ctx).join(' '));
      fds = this.applyRedirects(cmd, fds, hold);
    } catch (e) {
      await this.print(`sh: ${errorText(e)}\n`, 2);
      return { status: Promise.resolve(1) };
    }
    if (argv.length === 0) {
      for (const [k, v] of assigns) this.setVar(k, v, this.exported.has(k));
      return { status: Promise.resolve(0) };
    }
    const name = argv[0]!;
    const io: BuiltinIO = {
      stdin: fds[0] ?? null,
      out: (text) => writeAll(fds[1]!, encoder.encode(text)),
      err: (text) => writeAll(fds[2]!, encoder.encode(text)),
      fds: [fds[0] ?? null, fds[1]!, fds[2]!],
      devNull: () => this.lookup('/dev/null').open({ read: true, write: true }),
    };
    const builtin = BUILTINS.get(name);
    if (builtin) {
      for (const d of fds) if (d) hold(d);
      return { status: builtin(this, argv, io).catch(async (e) => {
        await io.err(`${name}: ${errorText(e)}\n`);
        return 1;
      }) };
    }
    let program: Program;
    try {
      ({ program } = await this.findProgram(name));
    } catch (e) {
      if (e instanceof CommandError) {
        await io.err(`sh: ${e.message}\n`);
        return { status: Promise.resolve(e.status) };
      }
      if (e instanceof ExecError) {
        await io.err(`sh: ${name}: ${e.message}\n`);
        return { status: Promise.resolve(e.status) };
      }
      throw e;
    }
    const stdinDesc = fds[0] ?? (await this.devNull());
    try {
      const task = this.kernel.spawn({
        program, argv, env: this.childEnv(assigns), cwd: this.cwd,
        stdio: [stdinDesc, fds[1]!, fds[2]!],
        // wasi-libc treats the preopen names "/" and "." alike (both are its empty prefix), so a
        // second "." preopen for the cwd would capture absolute paths too. Programs get the
        // root only and find the cwd in $PWD (the base image's utilities chdir there at start).
        preopens: [{ path: '/', name: '/' }],
        ppid: this.task.pid, pgid: pgid || undefined,
      });
      return { task, status: task.exited.then((s) => s.code) };
    } catch (e) {
      await io.err(`sh: ${name}: ${errorText(e)}\n`);
      return { status: Promise.resolve(e instanceof ExecError ? e.status : 126) };
    }
  }

  private async devNull(): Promise<FileDescription> {
    return this.lookup('/dev/null').open({ read: true, write: true });
  }

  /** Applies <, >, >>, N>&M to the three standard fds; returns the new set. */
  private applyRedirects(cmd: SimpleCommand, fds: (FileDescription | null)[], hold: (d: FileDescription) => FileDescription): (FileDescription | null)[] {
    const out = [...fds];
    const ctx = this.expandContext();
    for (const r of cmd.redirects) {
      const words = expandWord(r.target, ctx);
      if (words.length !== 1) throw new Error(`ambiguous redirect`);
      const target = words[0]!;
      if (r.fd > 2) throw new Error(`${r.fd}: only file descriptors 0, 1 and 2 can be redirected`);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') {
          out[r.fd] = null;
          continue;
        }
        const src = Number(target);
        if (!/^\d$/.test(target) || src > 2) throw new Error(`${target}: bad file descriptor`);
        out[r.fd] = out[src] ?? null;
        continue;
      }
      const mode = r.op === '<' ? 'read' : r.op === '>>' ? 'append' : 'write';
      try {
        out[r.fd] = hold(this.openFile(target, mode));
      } catch (e) {
        throw new Error(`${target}: ${errorText(e)}`);
      }
    }
    return out;
  }

  expandContext(): ExpandContext {
    return {
      lookup: (name) => {
        switch (name) {
          case '?': return String(this.lastStatus);
          case '$': return String(this.task.pid);
          case '#': return '0';
          case '0': return 'sh';
          case '!': return String(this.jobs[this.jobs.length - 1]?.pgid ?? '');
          default: return this.vars.get(name);
        }
      },
      list: (dir) => this.list(dir),
      cwd: this.cwd,
    };
  }

  /** Finds a command: a path with "/", else along $PATH. Loads and compiles it (cached). */
  async findProgram(name: string): Promise<{ program: Program; path: string }> {
    let path: string | null = null;
    if (name.includes('/')) {
      path = this.absolute(name);
    } else {
      for (const dir of (this.vars.get('PATH') ?? '').split(':')) {
        if (!dir) continue;
        const candidate = normalizePath(this.absolute(dir) + '/' + name);
        try {
          const inode = this.lookup(candidate);
          if (inode.type === FileType.REGULAR_FILE) {
            path = candidate;
            break;
          }
        } catch {
          // not in this directory
        }
      }
      if (!path) throw new CommandError(127, `${name}: command not found`);
    }
    let inode: Inode;
    try {
      inode = this.lookup(path);
    } catch (e) {
      throw new CommandError(127, `${name}: ${e instanceof SysError && e.errno === Errno.NOENT ? 'No such file or directory' : errorText(e)}`);
    }
    if (inode.type === FileType.DIRECTORY) throw new CommandError(126, `${name}: Is a directory`);
    const st = inode.stat();
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtim}`;
    const cached = this.programCache.get(key);
    if (cached) return { program: cached, path };
    const bytes = readWholeFile(inode);
    if (bytes.length < 4 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
      throw new CommandError(126, `${name}: cannot execute: not a WebAssembly module`);
    }
    const program = await this.kernel.loadProgram(bytes);
    if (this.programCache.size > 64) this.programCache.clear();
    this.programCache.set(key, program);
    return { program, path };
  }

  /** Tab completion: commands for the first word, paths otherwise. */
  complete(line: string, cursor: number): Completion {
    const before = line.slice(0, cursor);
    const start = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t')) + 1;
    const word = before.slice(start);
    const head = before.slice(0, start).trim();
    const firstWord = head === '' || /(\||&&|\|\||;|&)$/.test(head);
    const candidates = new Set<string>();
    if (firstWord && !word.includes('/')) {
      for (const b of BUILTINS.keys()) if (b.startsWith(word)) candidates.add(b);
      for (const dir of (this.vars.get('PATH') ?? '').split(':')) {
        for (const n of this.list(dir || '.') ?? []) if (n.startsWith(word)) candidates.add(n);
      }
    } else {
      const slash = word.lastIndexOf('/');
      const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
      const prefix = word.slice(slash + 1);
      const dir = dirPart === '' ? '.' : dirPart.startsWith('~/') ? (this.vars.get('HOME') ?? '/') + dirPart.slice(1) : dirPart;
      for (const n of this.list(dir) ?? []) {
        if (!n.startsWith(prefix) || (n.startsWith('.') && !prefix.startsWith('.'))) continue;
        let isDir = false;
        try {
          isDir = this.lookup((dir.endsWith('/') ? dir : dir + '/') + n).type === FileType.DIRECTORY;
        } catch {
          // dangling symlink and the like
        }
        candidates.add(dirPart + n + (isDir ? '/' : ''));
      }
    }
    return { start, candidates: [...candidates].sort() };
  }
}

