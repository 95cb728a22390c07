// Timestamps on host directories (issue 10, point 1): fd_filestat_set_times and
// path_filestat_set_times with explicit nanosecond times on a file, an open file and a symlink
// (the link itself), then a stat: the times read back are exactly the ones the host holds. Node
// (libuv) stores whole microseconds, so what the host holds is the time asked for rounded down
// to a microsecond — exactly that, never a microsecond off (README, "Host directories").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Hostfs, hostTimeSeconds } from '../worker/fsimpl/hostfs/hostfs.js';
import { spawn } from 'node:child_process';
import { CLI, wat } from './helpers.js';

const floorUs = (ns: bigint): bigint => ns - (ns % 1000n);

const TIMES = {
  f: { atim: 1_600_000_000_123_456_789n, mtim: 1_500_000_000_987_654_321n },
  l: { atim: 1_400_000_000_000_000_999n, mtim: 1_700_000_000_000_001_000n },
  g: { atim: 1_234_567_890_123_456_789n, mtim: 2_000_000_000_999_999_999n },
};

test('hostTimeSeconds lands in the microsecond asked for, across the range of dates', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmvisor-times-'));
  const p = path.join(dir, 'f');
  fs.writeFileSync(p, '');
  // Every microsecond fraction edge, at several dates (1970 to 2200).
  for (const sec of [1n, 1_000_000_000n, 1_700_000_000n, 4_000_000_000n, 7_258_118_400n]) {
    for (const frac of [0n, 999n, 1_000n, 123_456_789n, 999_999_000n, 999_999_999n]) {
      const ns = sec * 1_000_000_000n + frac;
      const t = hostTimeSeconds(ns);
      fs.utimesSync(p, t, t);
      assert.equal(fs.statSync(p, { bigint: true }).mtimeNs, floorUs(ns), `${ns}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('Hostfs inodes and open files: set times read back exactly as the host holds them', () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasmvisor-times-')));
  const hfs = new Hostfs(dir);
  const f = hfs.root.createFile('f');
  const l = hfs.root.createSymlink('l', 'f');
  f.setTimes(TIMES.f.atim, TIMES.f.mtim);
  l.setTimes(TIMES.l.atim, TIMES.l.mtim);
  const d = hfs.root.createFile('g').open({ read: true, write: true });
  d.setTimes(TIMES.g.atim, TIMES.g.mtim);
  for (const [name, st] of [['f', f.stat()], ['l', l.stat()], ['g', d.stat()]] as const) {
    const want = TIMES[name];
    const host = fs.lstatSync(path.join(dir, name), { bigint: true });
    assert.deepEqual([st.atim, st.mtim], [floorUs(want.atim), floorUs(want.mtim)], name);
    assert.deepEqual([st.atim, st.mtim], [host.atimeNs, host.mtimeNs], `${name} as the host holds it`);
  }
  // The link's own times were set, not the file's.
  assert.equal(f.stat().mtim, floorUs(TIMES.f.mtim));
  d.release();
  fs.rmSync(dir, { recursive: true, force: true });
});

// A program that sets explicit times on "f" and on the symlink "l" (path_filestat_set_times,
// no follow) and on an fd of "g" (fd_filestat_set_times), then prints the three errnos (u32 each)
// and the three 64-byte filestats of f, l and g (path_filestat_get, no follow) on stdout.
const SET_TIMES_WAT = `(module
  (import "wasi_snapshot_preview1" "path_filestat_set_times"
    (func $pset (param i32 i32 i32 i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_times" (func $fset (param i32 i64 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $pget (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "f")
  (data (i32.const 104) "l")
  (data (i32.const 108) "g")
  (func (export "_start")
    (i32.store (i32.const 200)
      (call $pset (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1)
        (i64.const ${TIMES.f.atim}) (i64.const ${TIMES.f.mtim}) (i32.const 5)))
    (i32.store (i32.const 204)
      (call $pset (i32.const 3) (i32.const 0) (i32.const 104) (i32.const 1)
        (i64.const ${TIMES.l.atim}) (i64.const ${TIMES.l.mtim}) (i32.const 5)))
    ;; rights: fd_read | fd_filestat_get | fd_filestat_set_times
    (drop (call $open (i32.const 3) (i32.const 0) (i32.const 108) (i32.const 1) (i32.const 0)
      (i64.const 0xA00002) (i64.const 0) (i32.const 0) (i32.const 96)))
    (i32.store (i32.const 208)
      (call $fset (i32.load (i32.const 96)) (i64.const ${TIMES.g.atim}) (i64.const ${TIMES.g.mtim}) (i32.const 5)))
    (drop (call $pget (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 256)))
    (drop (call $pget (i32.const 3) (i32.const 0) (i32.const 104) (i32.const 1) (i32.const 320)))
    (drop (call $pget (i32.const 3) (i32.const 0) (i32.const 108) (i32.const 1) (i32.const 384)))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 12))
    (i32.store (i32.const 8) (i32.const 256))
    (i32.store (i32.const 12) (i32.const 192))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 2) (i32.const 16)))))`;

test('wasmvisor run --dir: explicit ns times on a file, a symlink and an fd read back as the host holds them', async () => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wasmvisor-times-')));
  const sandbox = path.join(dir, 'sandbox');
  fs.mkdirSync(sandbox);
  fs.writeFileSync(path.join(sandbox, 'f'), 'file');
  fs.writeFileSync(path.join(sandbox, 'g'), 'other');
  fs.symlinkSync('f', path.join(sandbox, 'l'));
  const prog = path.join(dir, 'times.wasm');
  fs.writeFileSync(prog, await wat(SET_TIMES_WAT));
  const r = await new Promise<{ code: number | null; out: Buffer; stderr: string }>((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, 'run', '--dir', `${sandbox}::/s`, prog]);
    const out: Buffer[] = [];
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out: Buffer.concat(out), stderr }));
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out.length, 12 + 192, r.stderr);
  assert.deepEqual([r.out.readUInt32LE(0), r.out.readUInt32LE(4), r.out.readUInt32LE(8)], [0, 0, 0], 'set_times errnos');
  (['f', 'l', 'g'] as const).forEach((name, k) => {
    const st = 12 + 64 * k;
    const atim = r.out.readBigUInt64LE(st + 40);
    const mtim = r.out.readBigUInt64LE(st + 48);
    const host = fs.lstatSync(path.join(sandbox, name), { bigint: true });
    assert.equal(r.out[st + 16], name === 'l' ? 7 : 4, `${name} filetype`);
    assert.deepEqual([atim, mtim], [host.atimeNs, host.mtimeNs], `${name}: what the host holds`);
    assert.deepEqual([atim, mtim], [floorUs(TIMES[name].atim), floorUs(TIMES[name].mtim)], `${name}: what was set, to the µs`);
  });
  // The symlink's own times were set: the file keeps its own.
  assert.equal(fs.statSync(path.join(sandbox, 'f'), { bigint: true }).mtimeNs, floorUs(TIMES.f.mtim));
  fs.rmSync(dir, { recursive: true, force: true });
});
