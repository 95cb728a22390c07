// Pipe throughput: `cat /tmp/big | wc -c` with the base image's real cat and wc, a 64 MiB file on
// the kernel's tmpfs, the two processes joined by a kernel Pipe exactly as the shell's
// runPipeline joins them (new Pipe(); cat gets its write end as stdout, wc its read end as stdin;
// the tasks' fd tables hold the only references, so wc sees end of file when cat exits).
// Timed from the first spawn to wc's exit; wc's output must be the file's size.
//
// For context, two single-process runs over the same file: `cat /tmp/big > /dev/null` (the same
// 64 KiB reads, writes to the kernel's /dev/null instead of a pipe) and `wc -c /tmp/big` (wc's
// own reading and counting, no pipe) — the pipeline cannot beat the slower of the two.
//
// Also row 13: `sh FILE` over a script of 200 lines, each one small program of the base image
// (true, echo, cat, wc, head, ls over small files) — how fast the machine starts programs one after
// another, as a build or a test script does; reported in programs per second.
//
// Shared by Node (dist/) and the bench page's worker (the TypeScript sources): the caller passes
// the kernel modules. Runs unchanged in Node and in a Web Worker.

import { median } from './suite.mjs';

const MiB = 1024 * 1024;

/** 64 MiB of text: 64-byte lines (wc has words and lines to count, as in a real file). */
export function bigFile(bytes = 64 * MiB) {
  const line = new TextEncoder().encode('the quick brown fox jumps over the lazy dog 0123456789 abcdefgh\n');
  const out = new Uint8Array(bytes);
  for (let off = 0; off < bytes; off += line.length) out.set(line.subarray(0, Math.min(line.length, bytes - off)), off);
  return out;
}

/**
 * k: { bootKernel, loadBaseImage, WasmPlatform, Pipe, BufferSink }, host: a
 * WorkerHost. Returns { pipe, pipe_cat_null, pipe_wc_file }: each { median, samples } in MiB/s.
 */
export async function runPipeBench(k, host, { scale = 1, repeats = 5, log = () => {} } = {}) {
  const size = Math.max(MiB, Math.round((64 * MiB * scale) / MiB) * MiB);
  const svc = await k.bootKernel({ platform: new k.WasmPlatform(host), baseImage: k.loadBaseImage });
  const kernel = svc.kernel;
  try {
    await svc.fs.writeFile('/tmp/big', bigFile(size));
    const cat = await kernel.loadProgram(await svc.fs.readFile('/bin/cat'));
    const wc = await kernel.loadProgram(await svc.fs.readFile('/bin/wc'));
    const dec = new TextDecoder();
    const devNull = (rw) => {
      const chain = kernel.vfs.resolve([kernel.vfs.root], '/dev/null', kernel.vfs.rootScope);
      return chain[chain.length - 1].open(rw);
    };
    const spawn = (program, argv, stdio) => kernel.spawn({ program, argv, env: [], stdio, preopens: [{ path: '/', name: '/' }] });
    const check = (what, status, err, out) => {
      if (status.code !== 0) throw new Error(`${what}: exit ${status.code} ${status.reason ?? ''}: ${dec.decode(err.contents())}`);
      if (out !== undefined && out.trim().split(/\s+/)[0] !== String(size)) throw new Error(`${what}: printed ${JSON.stringify(out)}, want ${size}`);
    };
    const runs = {
      async pipe() {
        const p = new k.Pipe();
        const out = new k.BufferSink();
        const err = new k.BufferSink();
        const t0 = performance.now();
        const a = spawn(cat, ['cat', '/tmp/big'], [devNull({ read: true, write: false }), p.writeEnd, err]);
        const b = spawn(wc, ['wc', '-c'], [p.readEnd, out, err]);
        const [sa, sb] = await Promise.all([a.exited, b.exited]);
        const ms = performance.now() - t0;
        check('cat (pipeline)', sa, err);
        check('wc -c (pipeline)', sb, err, dec.decode(out.contents()));
        return ms;
      },
      async pipe_cat_null() {
        const err = new k.BufferSink();
        const t0 = performance.now();
        const s = await spawn(cat, ['cat', '/tmp/big'], [devNull({ read: true, write: false }), devNull({ read: false, write: true }), err]).exited;
        const ms = performance.now() - t0;
        check('cat > /dev/null', s, err);
        return ms;
      },
      async pipe_wc_file() {
        const out = new k.BufferSink();
        const err = new k.BufferSink();
        const t0 = performance.now();
        const s = await spawn(wc, ['wc', '-c', '/tmp/big'], [devNull({ read: true, write: false }), out, err]).exited;
        const ms = performance.now() - t0;
        check('wc -c FILE', s, err, dec.decode(out.contents()));
        return ms;
      },
    };
    const results = {};
    for (const [row, run] of Object.entries(runs)) {
      log(`wasmvisor: ${row}`);
      await run(); // untimed warm-up: the loops tiered up, the workers warm
      const xs = [];
      for (let r = 0; r < repeats; r++) xs.push(size / MiB / ((await run()) / 1000));
      results[row] = { median: median(xs), samples: xs };
    }
    log('wasmvisor: sh FILE, 200 small programs');
    const programs = Math.max(20, Math.round(200 * Math.min(1, scale * 4)));
    await svc.fs.writeFile('/tmp/script.sh', script200(programs));
    await svc.fs.mkdir('/tmp/s');
    await svc.fs.writeFile('/tmp/s/a', 'alpha\nbeta\ngamma\n');
    const runScript = async () => {
      const t0 = performance.now();
      const r = await svc.run({ argv: ['sh', '/tmp/script.sh'], cwd: '/tmp/s' });
      const ms = performance.now() - t0;
      if (r.exitCode !== 0) throw new Error(`sh /tmp/script.sh: exit ${r.exitCode}: ${r.stderr.slice(0, 500)}`);
      return ms;
    };
    await runScript();
    const ys = [];
    for (let r = 0; r < Math.max(3, Math.round(repeats * Math.min(1, scale * 4))); r++) ys.push(programs / ((await runScript()) / 1000));
    results.script200 = { median: median(ys), samples: ys, programs };
    return results;
  } finally {
    kernel.shutdown();
  }
}

/** A script of `n` lines, each one program of the base image (no builtins, no loops). */
export function script200(n = 200) {
  const lines = ['# row 12: one small program a line'];
  const kinds = ['/bin/true', '/bin/echo line', '/bin/cat a', '/bin/wc -l a', '/bin/head -n 1 a', '/bin/ls', '/bin/cat a a', '/bin/tail -n 1 a'];
  for (let i = 0; i < n; i++) lines.push(kinds[i % kinds.length]);
  return lines.join('\n') + '\n';
}
