// procfs: the /proc file system. Owns the layout and text formats of the process and system
// information files; the data comes from the kernel through the ProcSource interface. Files are
// read-only and generated when opened (a snapshot, like Linux's seq_file), so their stat size is
// 0 like on Linux. Layout:
//   /proc/self               symlink to the serving task's pid (resolved at readlink time)
//   /proc/<pid>/cmdline      argv, each followed by a NUL byte
//   /proc/<pid>/comm         the task name and a newline
//   /proc/<pid>/status       Name, State, Tgid, Pid, PPid, Vm* lines (Linux format)
//   /proc/<pid>/limits       the memory limit as "Max address space"
//   /proc/<pid>/cwd          symlink to the task's working directory
//   /proc/<pid>/fd/<n>       one symlink per open fd; the target is the placeholder "fd:[<n>]"
//                            (the kernel does not tell procfs what an fd refers to)
//   /proc/mounts             "source target type options 0 0" lines
//   /proc/meminfo            MemTotal/MemFree/MemAvailable (+ zero Buffers/Cached/Swap*) in kB
//   /proc/uptime             "<uptime> <idle>" seconds; idle is reported as 0.00
// Nothing can be created, removed or written (EACCES).
import { Errno, fail } from '../../errors/errno.js';
import { FileType } from '../../vfs/file_type.js';
import { allocateDev, type Filesystem } from '../../vfs/filesystem.js';
import { Inode, nowNs, type Dirent, type OpenOptions, type Stat } from '../../vfs/inode.js';
import type { FileDescription } from '../../vfs/file_description.js';
import { DirectoryDescription, RegularFileDescription, type FileData } from '../../vfs/regular_file.js';

/** What procfs shows about one task. */
export interface ProcTaskInfo {
  pid: number;
  ppid: number;
  argv: string[];
  state: 'running' | 'sleeping' | 'zombie';
  memoryBytes: number;
  peakMemoryBytes: number;
  memoryLimitBytes: number;
  fds: number[];
  cwd: string;
}

/** One line of /proc/mounts. */
export interface ProcMountInfo {
  source: string;
  target: string;
  type: string;
  options: string;
}

/** The kernel state procfs reports; implemented by the kernel. */
export interface ProcSource {
  /** The task whose syscall is being served now. */
  currentPid(): number;
  tasks(): ProcTaskInfo[];
  task(pid: number): ProcTaskInfo | undefined;
  mounts(): ProcMountInfo[];
  meminfo(): { totalBytes: number; freeBytes: number; availableBytes: number };
  uptimeSeconds(): number;
}

// Inode numbers: small fixed ones for the top level; per task, a block of 2^32 numbers starting
// at (pid + 1) << 32 (the pid directory itself, then its files, then its fd entries).
const INO_ROOT = 1n;
const INO_SELF = 2n;
const INO_MOUNTS = 3n;
const INO_MEMINFO = 4n;
const INO_UPTIME = 5n;
const PID_FILES = ['cmdline', 'comm', 'status', 'limits', 'cwd', 'fd'] as const;
type PidFile = (typeof PID_FILES)[number];
const FD_INO_BASE = 0x1000n;

function pidIno(pid: number, sub: bigint): bigint {
  return ((BigInt(pid) + 1n) << 32n) + sub;
}

/** Parses a canonical non-negative decimal number ("0", "42"; not "042", "+4", "4x"). */
function parseDecimal(name: string): number | null {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(name)) return null;
  const n = Number(name);
  return Number.isSafeInteger(n) ? n : null;
}

/** Task name as Linux shows it: basename of argv[0], at most 15 characters (TASK_COMM_LEN). */
export function taskName(task: ProcTaskInfo): string {
  const arg0 = task.argv[0] ?? '';
  return (arg0.slice(arg0.lastIndexOf('/') + 1) || arg0).slice(0, 15);
}

const STATE_TEXT: Record<ProcTaskInfo['state'], string> = {
  running: 'R (running)',
  sleeping: 'S (sleeping)',
  zombie: 'Z (zombie)',
};

function kB(bytes: number): number {
  return Math.floor(Math.max(0, bytes) / 1024);
}

/** "/proc/<pid>/cmdline": every argument followed by a NUL byte. */
export function formatCmdline(task: ProcTaskInfo): string {
  return task.argv.map((a) => a + '\0').join('');
}

/** "/proc/<pid>/status" in Linux's layout (a subset of the fields). */
export function formatStatus(task: ProcTaskInfo): string {
  const vm = (label: string, bytes: number) => `${label}:\t${String(kB(bytes)).padStart(8)} kB\n`;
  return (
    `Name:\t${taskName(task)}\n` +
    `State:\t${STATE_TEXT[task.state]}\n` +
    `Tgid:\t${task.pid}\n` +
    `Pid:\t${task.pid}\n` +
    `PPid:\t${task.ppid}\n` +
    vm('VmPeak', task.peakMemoryBytes) +
    vm('VmSize', task.memoryBytes) +
    vm('VmHWM', task.peakMemoryBytes) +
    vm('VmRSS', task.memoryBytes) +
    `Threads:\t1\n`
  );
}

/** "/proc/<pid>/limits": Linux's table, with the memory limit as the address-space limit. */
export function formatLimits(task: ProcTaskInfo): string {
  const lim = task.memoryLimitBytes;
  const value = Number.isFinite(lim) && lim > 0 ? String(Math.floor(lim)) : 'unlimited';
  const row = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(25)} ${b.padEnd(20)} ${c.padEnd(20)} ${d.padEnd(10)}\n`;
  return row('Limit', 'Soft Limit', 'Hard Limit', 'Units') + row('Max address space', value, value, 'bytes');
}

/** Escapes a /proc/mounts field the way Linux does (space, tab, newline, backslash → octal). */
function escapeMountField(s: string): string {
  return s.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

/** "/proc/mounts". */
export function formatMounts(mounts: ProcMountInfo[]): string {
  return mounts
    .map((m) => `${escapeMountField(m.source)} ${escapeMountField(m.target)} ${escapeMountField(m.type)} ${escapeMountField(m.options)} 0 0\n`)
    .join('');
}

/** "/proc/meminfo": 16-column labels, 8-column right-aligned kB values, like Linux. */
export function formatMeminfo(info: { totalBytes: number; freeBytes: number; availableBytes: number }): string {
  const line = (label: string, bytes: number) => `${(label + ':').padEnd(16)}${String(kB(bytes)).padStart(8)} kB\n`;
  return (
    line('MemTotal', info.totalBytes) +
    line('MemFree', info.freeBytes) +
    line('MemAvailable', info.availableBytes) +
    line('Buffers', 0) +
    line('Cached', 0) +
    line('SwapTotal', 0) +
    line('SwapFree', 0)
  );
}

/** "/proc/uptime": seconds with two decimals (truncated, like Linux), idle time 0.00. */
export function formatUptime(seconds: number): string {
  const centis = Math.floor(Math.max(0, seconds) * 100);
  return `${Math.floor(centis / 100)}.${String(centis % 100).padStart(2, '0')} 0.00\n`;
}

/** The /proc file system. */
export class Procfs implements Filesystem {
  readonly type: string = 'proc';
  readonly dev = allocateDev();
  /** False like Linux's proc mount: the inodes themselves refuse changes (EACCES). */
  readonly readonly = false;
  readonly root: ProcRoot;
  /** Stamped as atim/mtim/ctim of every proc inode. */
  readonly mountTime = nowNs();

  constructor(readonly source: ProcSource) {
    this.root = new ProcRoot(this);
  }
}

/** Shared stat and "everything is read-only" behaviour. */
abstract class ProcInode extends Inode {
  constructor(readonly fs: Procfs, readonly ino: bigint) {
    super();
  }

  protected nlink(): bigint {
    return 1n;
  }

  stat(): Stat {
    const t = this.fs.mountTime;
    return {
      dev: this.fs.dev, ino: this.ino, filetype: this.type, nlink: this.nlink(), size: 0n,
      atim: t, mtim: t, ctim: t,
    };
  }
}

/** A directory of generated entries. */
abstract class ProcDir extends ProcInode {
  readonly type = FileType.DIRECTORY;

  /** The current entries (name → inode), in listing order. */
  protected abstract entries(): Array<[string, Inode]>;

  protected override nlink(): bigint {
    return 2n;
  }

  override open(_opts: OpenOptions): FileDescription {
    return new DirectoryDescription(this);
  }

  override lookup(name: string): Inode {
    for (const [n, inode] of this.entries()) if (n === name) return inode;
    fail(Errno.NOENT);
  }

  override readdir(): Dirent[] {
    return this.entries().map(([name, inode]) => ({ name, ino: inode.ino, type: inode.type }));
  }

  override createFile(_name: string): Inode {
    fail(Errno.ACCES);
  }
  override createDirectory(_name: string): Inode {
    fail(Errno.ACCES);
  }
  override createSymlink(_name: string, _target: string): Inode {
    fail(Errno.ACCES);
  }
  override link(_name: string, _target: Inode): void {
    fail(Errno.ACCES);
  }
  override unlink(_name: string): void {
    fail(Errno.ACCES);
  }
  override rmdir(_name: string): void {
    fail(Errno.ACCES);
  }
  override rename(_name: string, _newDir: Inode, _newName: string): void {
    fail(Errno.ACCES);
  }
}

/** Immutable bytes produced at open time. Writes cannot reach it (opened read-only). */
class SnapshotData implements FileData {
  constructor(private readonly bytes: Uint8Array) {}
  dataSize(): number {
    return this.bytes.length;
  }
  readAt(dst: Uint8Array, offset: number): number {
    if (offset >= this.bytes.length) return 0;
    const n = Math.min(dst.length, this.bytes.length - offset);
    dst.set(this.bytes.subarray(offset, offset + n));
    return n;
  }
  writeAt(_src: Uint8Array, _offset: number): number {
    fail(Errno.ACCES);
  }
  setDataSize(_size: number): void {
    fail(Errno.ACCES);
  }
  allocate(_offset: number, _len: number): void {
    fail(Errno.ACCES);
  }
}

const encoder = new TextEncoder();

/** A read-only file whose text is generated at each open. */
class ProcFile extends ProcInode {
  readonly type = FileType.REGULAR_FILE;

  constructor(fs: Procfs, ino: bigint, private readonly generate: () => string) {
    super(fs, ino);
  }

  override open(opts: OpenOptions): FileDescription {
    if (opts.write) fail(Errno.ACCES);
    const data = new SnapshotData(encoder.encode(this.generate()));
    return new RegularFileDescription(this, data, opts);
  }

  override truncate(_size: bigint): void {
    fail(Errno.ACCES);
  }
}

/** A symlink whose target is computed when read. */
class ProcSymlink extends ProcInode {
  readonly type = FileType.SYMBOLIC_LINK;

  constructor(fs: Procfs, ino: bigint, private readonly target: () => string) {
    super(fs, ino);
  }

  override readlink(): string {
    return this.target();
  }
}

/** /proc. */
export class ProcRoot extends ProcDir {
  private readonly fixed: Array<[string, Inode]>;

  constructor(fs: Procfs) {
    super(fs, INO_ROOT);
    const src = fs.source;
    this.fixed = [
      ['self', new ProcSymlink(fs, INO_SELF, () => String(src.currentPid()))],
      ['mounts', new ProcFile(fs, INO_MOUNTS, () => formatMounts(src.mounts()))],
      ['meminfo', new ProcFile(fs, INO_MEMINFO, () => formatMeminfo(src.meminfo()))],
      ['uptime', new ProcFile(fs, INO_UPTIME, () => formatUptime(src.uptimeSeconds()))],
    ];
  }

  protected entries(): Array<[string, Inode]> {
    const out = [...this.fixed];
    for (const t of this.fs.source.tasks()) out.push([String(t.pid), new ProcPidDir(this.fs, t.pid)]);
    return out;
  }

  override lookup(name: string): Inode {
    const pid = parseDecimal(name);
    if (pid !== null) {
      if (!this.fs.source.task(pid)) fail(Errno.NOENT);
      return new ProcPidDir(this.fs, pid);
    }
    for (const [n, inode] of this.fixed) if (n === name) return inode;
    fail(Errno.NOENT);
  }

  protected override nlink(): bigint {
    return 2n + BigInt(this.fs.source.tasks().length);
  }
}

/** /proc/<pid>. Operations on it fail with ENOENT once the task is gone. */
export class ProcPidDir extends ProcDir {
  constructor(fs: Procfs, readonly pid: number) {
    super(fs, pidIno(pid, 0n));
  }

  /** The task now, or ENOENT. */
  private task(): ProcTaskInfo {
    return this.fs.source.task(this.pid) ?? fail(Errno.NOENT);
  }

  private entry(name: PidFile): Inode {
    const fs = this.fs;
    const ino = pidIno(this.pid, BigInt(PID_FILES.indexOf(name) + 1));
    const task = () => this.task();
    switch (name) {
      case 'cmdline': return new ProcFile(fs, ino, () => formatCmdline(task()));
      case 'comm': return new ProcFile(fs, ino, () => taskName(task()) + '\n');
      case 'status': return new ProcFile(fs, ino, () => formatStatus(task()));
      case 'limits': return new ProcFile(fs, ino, () => formatLimits(task()));
      case 'cwd': return new ProcSymlink(fs, ino, () => task().cwd);
      case 'fd': return new ProcFdDir(fs, ino, this.pid);
    }
  }

  protected entries(): Array<[string, Inode]> {
    this.task();
    return PID_FILES.map((name) => [name, this.entry(name)]);
  }

  protected override nlink(): bigint {
    return 3n;
  }
}

/** /proc/<pid>/fd: one symlink per open fd, target "fd:[<n>]" (a placeholder). */
export class ProcFdDir extends ProcDir {
  constructor(fs: Procfs, ino: bigint, readonly pid: number) {
    super(fs, ino);
  }

  protected entries(): Array<[string, Inode]> {
    const task = this.fs.source.task(this.pid) ?? fail(Errno.NOENT);
    return [...task.fds].sort((a, b) => a - b).map((fd) => [
      String(fd),
      new ProcSymlink(this.fs, pidIno(this.pid, FD_INO_BASE + BigInt(fd)), () => `fd:[${fd}]`),
    ]);
  }

  override lookup(name: string): Inode {
    const fd = parseDecimal(name);
    if (fd === null) fail(Errno.NOENT);
    return super.lookup(name);
  }
}
