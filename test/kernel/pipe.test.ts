// Kernel pipes on their own: bounded buffer, blocking both ways, EOF, EPIPE, readiness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipe, PIPE_CAPACITY } from '../../worker/kernel/pipe.js';
import { Errno, SysError } from '../../worker/errors/errno.js';
import { StatusFlags } from '../../worker/vfs/file_type.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('data written is read back in order, across the ring boundary', async () => {
  const p = new Pipe(8);
  const buf = new Uint8Array(5);
  assert.equal(p.writeEnd.write([bytes('abcdef')]), 6);
  assert.equal(p.readEnd.read([buf]), 5);
  assert.equal(text(buf), 'abcde');
  assert.equal(await p.writeEnd.write([bytes('ghijk')]), 5); // wraps
  const out = new Uint8Array(8);
  assert.equal(p.readEnd.read([out.subarray(0, 3), out.subarray(3)]), 6);
  assert.equal(text(out.subarray(0, 6)), 'fghijk');
});

test('a reader blocks while empty and gets end of file when the last writer closes', async () => {
  const p = new Pipe();
  const buf = new Uint8Array(10);
  const r = p.readEnd.read([buf]);
  assert.ok(r instanceof Promise);
  p.writeEnd.write([bytes('hi')]);
  assert.equal(await r, 2);
  const r2 = p.readEnd.read([buf]);
  p.writeEnd.release();
  assert.equal(await r2, 0);
});

test('a writer blocks while full and finishes as the reader drains; EPIPE without readers', async () => {
  const p = new Pipe();
  const big = new Uint8Array(PIPE_CAPACITY + 100).fill(7);
  const w = p.writeEnd.write([big]);
  assert.ok(w instanceof Promise);
  assert.equal(p.writeEnd.writeReadiness().ready, false);
  const sink = new Uint8Array(PIPE_CAPACITY);
  let got = p.readEnd.read([sink]) as number;
  assert.equal(await w, big.length);
  got += p.readEnd.read([sink]) as number;
  assert.equal(got, big.length);
  p.readEnd.release();
  assert.throws(() => p.writeEnd.write([bytes('x')]), (e: unknown) => e instanceof SysError && e.errno === Errno.PIPE);
});

test('non-blocking ends answer EAGAIN instead of waiting', () => {
  const p = new Pipe(4);
  p.readEnd.statusFlags = StatusFlags.NONBLOCK;
  p.writeEnd.statusFlags = StatusFlags.NONBLOCK;
  assert.throws(() => p.readEnd.read([new Uint8Array(1)]), (e: unknown) => e instanceof SysError && e.errno === Errno.AGAIN);
  assert.equal(p.writeEnd.write([bytes('abcdef')]), 4);
  assert.throws(() => p.writeEnd.write([bytes('x')]), (e: unknown) => e instanceof SysError && e.errno === Errno.AGAIN);
});

test('readiness reports bytes available and hangup', () => {
  const p = new Pipe();
  assert.equal(p.readEnd.readReadiness().ready, false);
  p.writeEnd.write([bytes('abc')]);
  assert.deepEqual(p.readEnd.readReadiness(), { ready: true, nbytes: 3n, hangup: false });
  let woke = false;
  p.readEnd.watch(() => (woke = true));
  p.writeEnd.release();
  assert.ok(woke);
  assert.equal(p.readEnd.readReadiness().hangup, true);
});
