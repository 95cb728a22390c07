// Tests for procfs against a fake ProcSource: /proc/self, per-task files, system files,
// directory listings, vanished tasks and refused writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Procfs, type ProcSource, type ProcTaskInfo } from '../worker/fsimpl/procfs/procfs.js';
import { Errno, SysError } from '../worker/errors/errno.js';
import { FileType } from '../worker/vfs/file_type.js';
import type { Inode } from '../worker/vfs/inode.js';

function throwsErrno(fn: () => unknown, errno: Errno): void {
  assert.throws(fn, (e: unknown) => e instanceof SysError && e.errno === errno);
}

class FakeSource implements ProcSource {
  current = 1;
  uptime = 1234.567;
  taskList: ProcTaskInfo[] = [
    {
      pid: 1, ppid: 0, argv: ['/bin/sh', '-c', 'echo hi'], state: 'sleeping',
      memoryBytes: 2 * 1024 * 1024, peakMemoryBytes: 3 * 1024 * 1024, memoryLimitBytes: 256 * 1024 * 1024,
      fds: [0, 1, 2, 5], cwd: '/home/user',
    },
    {
      pid: 7, ppid: 1, argv: ['/usr/bin/a-very-long-program-name.wasm', 'x y'], state: 'running',
      memoryBytes: 65536, peakMemoryBytes: 131072, memoryLimitBytes: Infinity,
      fds: [2, 0, 1], cwd: '/',
    },
  ];
  currentPid(): number {
    return this.current;
  }
  tasks(): ProcTaskInfo[] {
    return this.taskList;
  }
  task(pid: number): ProcTaskInfo | undefined {
    return this.taskList.find((t) => t.pid === pid);
  }
  mounts() {
    return [
      { source: 'tmpfs', target: '/', type: 'tmpfs', options: 'rw' },
      { source: '/home/me/my dir', target: '/mnt/host', type: 'hostfs', options: 'ro' },
      { source: 'proc', target: '/proc', type: 'proc', options: 'rw' },
    ];
  }
  meminfo() {
    return { totalBytes: 1024 * 1024 * 1024, freeBytes: 512 * 1024 * 1024, availableBytes: 500 * 1024 * 1024 + 100 };
  }
  uptimeSeconds(): number {
    return this.uptime;
  }
}

function setup(): { src: FakeSource; proc: Procfs } {
  const src = new FakeSource();
  return { src, proc: new Procfs(src) };
}

/** Walks a relative path without following symlinks (the VFS does that). */
function walk(proc: Procfs, p: string): Inode {
  let inode: Inode = proc.root;
  for (const part of p.split('/').filter(Boolean)) inode = inode.lookup(part);
  return inode;
}

function readBytes(proc: Procfs, p: string): Uint8Array {
  const d = walk(proc, p).open({ read: true, write: false });
  const chunks: number[] = [];
  const buf = new Uint8Array(7); // small, to exercise several reads
  for (;;) {
    const n = d.read([buf]) as number;
    if (n === 0) break;
    chunks.push(...buf.subarray(0, n));
  }
  d.release();
  return new Uint8Array(chunks);
}

function readText(proc: Procfs, p: string): string {
  return new TextDecoder().decode(readBytes(proc, p));
}

test('/proc/self points at the current pid at readlink time', () => {
  const { src, proc } = setup();
  const self = proc.root.lookup('self');
  assert.equal(proc.type, 'proc');
  assert.equal(self.type, FileType.SYMBOLIC_LINK);
  assert.equal(self.readlink(), '1');
  src.current = 7;
  assert.equal(self.readlink(), '7');
});

test('cmdline is NUL-separated with a trailing NUL', () => {
  const { proc } = setup();
  assert.deepEqual(readText(proc, '1/cmdline'), '/bin/sh\0-c\0echo hi\0');
  assert.deepEqual(readText(proc, '7/cmdline'), '/usr/bin/a-very-long-program-name.wasm\0x y\0');
  assert.equal(walk(proc, '1/cmdline').type, FileType.REGULAR_FILE);
  assert.equal(walk(proc, '1/cmdline').stat().size, 0n);
});

test('status has Linux-style fields', () => {
  const { proc } = setup();
  const status = readText(proc, '1/status');
  const fields = new Map(status.trimEnd().split('\n').map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1)] as const;
  }));
  assert.equal(fields.get('Name'), '\tsh');
  assert.equal(fields.get('State'), '\tS (sleeping)');
  assert.equal(fields.get('Pid'), '\t1');
  assert.equal(fields.get('PPid'), '\t0');
  assert.match(status, /^VmPeak:\t +3072 kB$/m);
  assert.match(status, /^VmSize:\t +2048 kB$/m);
  assert.match(status, /^VmHWM:\t +3072 kB$/m);
  assert.match(status, /^VmRSS:\t +2048 kB$/m);
  assert.ok(status.endsWith('\n'));

  const s7 = readText(proc, '7/status');
  assert.match(s7, /^Name:\ta-very-long-pro$/m); // 15 characters, like Linux's comm
  assert.match(s7, /^State:\tR \(running\)$/m);
  assert.match(s7, /^PPid:\t1$/m);
  assert.match(s7, /^VmRSS:\t +64 kB$/m);
  assert.equal(readText(proc, '7/comm'), 'a-very-long-pro\n');
  assert.match(readText(proc, '1/limits'), /^Max address space +268435456 +268435456 +bytes/m);
  assert.match(readText(proc, '7/limits'), /^Max address space +unlimited +unlimited +bytes/m);
});

test('zombie state', () => {
  const { src, proc } = setup();
  src.taskList[1]!.state = 'zombie';
  assert.match(readText(proc, '7/status'), /^State:\tZ \(zombie\)$/m);
});

test('files are snapshots taken at open', () => {
  const { src, proc } = setup();
  const d = walk(proc, 'uptime').open({ read: true, write: false });
  src.uptime = 99999;
  const buf = new Uint8Array(64);
  const n = d.read([buf]) as number;
  assert.equal(new TextDecoder().decode(buf.subarray(0, n)), '1234.56 0.00\n');
  assert.equal(readText(proc, 'uptime'), '99999.00 0.00\n');
});

test('mounts, meminfo, uptime formats', () => {
  const { proc } = setup();
  assert.equal(
    readText(proc, 'mounts'),
    'tmpfs / tmpfs rw 0 0\n/home/me/my\\040dir /mnt/host hostfs ro 0 0\nproc /proc proc rw 0 0\n',
  );
  const mem = readText(proc, 'meminfo');
  const lines = mem.trimEnd().split('\n');
  assert.equal(lines[0], 'MemTotal:        1048576 kB');
  assert.equal(lines[1], 'MemFree:          524288 kB');
  assert.equal(lines[2], 'MemAvailable:     512000 kB');
  for (const l of lines) assert.match(l, /^[A-Za-z]+: +\d+ kB$/);
  assert.ok(lines.every((l) => l.length === lines[0]!.length));
  assert.equal(readText(proc, 'uptime'), '1234.56 0.00\n');
});

test('readdir lists the fixed entries and the current tasks', () => {
  const { src, proc } = setup();
  const list = proc.root.readdir();
  const byName = new Map(list.map((e) => [e.name, e]));
  assert.deepEqual([...byName.keys()].sort(), ['1', '7', 'meminfo', 'mounts', 'self', 'uptime']);
  assert.equal(byName.get('1')!.type, FileType.DIRECTORY);
  assert.equal(byName.get('self')!.type, FileType.SYMBOLIC_LINK);
  assert.equal(byName.get('mounts')!.type, FileType.REGULAR_FILE);
  assert.equal(new Set(list.map((e) => e.ino)).size, list.length);
  for (const e of list) assert.equal(proc.root.lookup(e.name).stat().ino, e.ino);
  assert.equal(proc.root.open({ read: true, write: false }).readdir().length, list.length);

  const pidList = walk(proc, '1').readdir().map((e) => e.name).sort();
  assert.deepEqual(pidList, ['cmdline', 'comm', 'cwd', 'fd', 'limits', 'status']);
  assert.equal(walk(proc, '1/cwd').readlink(), '/home/user');
  assert.equal(walk(proc, '1').stat().dev, proc.dev);

  const fds = walk(proc, '7/fd').readdir();
  assert.deepEqual(fds.map((e) => e.name), ['0', '1', '2']);
  assert.ok(fds.every((e) => e.type === FileType.SYMBOLIC_LINK));
  assert.equal(walk(proc, '1/fd/5').readlink(), 'fd:[5]');
  throwsErrno(() => walk(proc, '1/fd/3'), Errno.NOENT);
  throwsErrno(() => walk(proc, '1/fd/x'), Errno.NOENT);

  src.taskList.pop();
  assert.deepEqual(proc.root.readdir().map((e) => e.name).filter((n) => /^\d+$/.test(n)), ['1']);
});

test('unknown pids and names give ENOENT; vanished tasks too', () => {
  const { src, proc } = setup();
  throwsErrno(() => proc.root.lookup('42'), Errno.NOENT);
  throwsErrno(() => proc.root.lookup('01'), Errno.NOENT);
  throwsErrno(() => proc.root.lookup('nope'), Errno.NOENT);
  throwsErrno(() => walk(proc, '1/nope'), Errno.NOENT);
  const dir7 = walk(proc, '7');
  const status7 = dir7.lookup('status');
  src.taskList.pop();
  throwsErrno(() => dir7.lookup('status'), Errno.NOENT);
  throwsErrno(() => dir7.readdir(), Errno.NOENT);
  throwsErrno(() => status7.open({ read: true, write: false }), Errno.NOENT);
  throwsErrno(() => proc.root.lookup('7'), Errno.NOENT);
});

test('writes and changes are refused', () => {
  const { proc } = setup();
  const meminfo = proc.root.lookup('meminfo');
  throwsErrno(() => meminfo.open({ read: true, write: true }), Errno.ACCES);
  throwsErrno(() => meminfo.open({ read: false, write: true }), Errno.ACCES);
  throwsErrno(() => meminfo.truncate(0n), Errno.ACCES);
  const d = meminfo.open({ read: true, write: false });
  throwsErrno(() => d.write([new Uint8Array(1)]) as number, Errno.BADF);
  throwsErrno(() => d.setSize(0n), Errno.BADF);
  for (const dir of [proc.root, walk(proc, '1'), walk(proc, '1/fd')]) {
    throwsErrno(() => dir.createFile('x'), Errno.ACCES);
    throwsErrno(() => dir.createDirectory('x'), Errno.ACCES);
    throwsErrno(() => dir.createSymlink('x', 'y'), Errno.ACCES);
    throwsErrno(() => dir.link('x', meminfo), Errno.ACCES);
  }
  throwsErrno(() => proc.root.unlink('meminfo'), Errno.ACCES);
  throwsErrno(() => proc.root.rmdir('1'), Errno.ACCES);
  throwsErrno(() => proc.root.rename('meminfo', proc.root, 'x'), Errno.ACCES);
  throwsErrno(() => meminfo.setTimes(0n, 0n), Errno.PERM);
});
