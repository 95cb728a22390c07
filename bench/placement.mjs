// Where the kernel's and a process's threads run while a busy loop holds a core (Linux, Node):
// the "no free core" rows' scatter, seen from the scheduler's side. Runs calls.wasm `seek N`
// under wasmvisor (dist/) with one busy-looping process beside it, samples every thread's CPU
// from /proc every 5 ms in a child process, and prints the per-call time and in how many 100 ms
// windows the kernel thread and the process thread were on the same CPU.
//
//   node bench/placement.mjs [--calls N] [--mode spin|told|free]
//     spin  the kernel as it ships: it does not know of the busy loop and spins (default)
//     told  the kernel is told of the busy loop (setBackgroundLoad(1)): nobody spins
//     free  no busy loop (a core free)
// Needs `npm run build:kernel` and the bench programs (bench/programs/build).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const calls = Number(opt('--calls', '400000'));
const mode = opt('--mode', 'spin');
if (!['spin', 'told', 'free'].includes(mode) || !(calls > 0)) {
  console.error('usage: node bench/placement.mjs [--calls N] [--mode spin|told|free]');
  process.exit(2);
}
if (process.platform !== 'linux') {
  console.error('placement: needs Linux (/proc/PID/task/TID/stat)');
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const { wasmvisorRuntime } = await import('./lib/node_runtimes.mjs');
const bytes = { calls: new Uint8Array(readFileSync(join(root, 'bench/programs/build/calls.wasm'))) };
const rt = await wasmvisorRuntime(bytes);
await rt.run('calls', ['seek', '20000']); // warm: the kernel's code compiled, a worker ready

const busy = mode === 'free' ? null : spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
if (mode === 'told') rt.kernel.platform.setBackgroundLoad(1);
await new Promise((r) => setTimeout(r, 300));

// The sampler: one line a sample, "ms tid:cpuTicks:cpu ..." for this process's threads.
const SAMPLER = `
const fs = require('node:fs');
const pid = ${process.pid};
setInterval(() => {
  const out = [Math.round(performance.timeOrigin + performance.now())];
  let tids = [];
  try { tids = fs.readdirSync('/proc/' + pid + '/task'); } catch { process.exit(0); }
  for (const tid of tids) {
    try {
      const s = fs.readFileSync('/proc/' + pid + '/task/' + tid + '/stat', 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.push(tid + ':' + (Number(f[11]) + Number(f[12])) + ':' + f[36]);
    } catch {}
  }
  process.stdout.write(out.join(' ') + '\\n');
}, 5);`;
const sampler = spawn(process.execPath, ['-e', SAMPLER], { stdio: ['ignore', 'pipe', 'inherit'] });
let text = '';
sampler.stdout.on('data', (d) => (text += d));
await new Promise((r) => setTimeout(r, 100));

const res = await rt.run('calls', ['seek', String(calls)]);
sampler.kill();
busy?.kill('SIGKILL');
rt.close();
if (res.code !== 0) throw new Error(`calls.wasm exited ${res.code}: ${res.stderr}`);

const samples = text.trim().split('\n').map((line) => {
  const [t, ...parts] = line.split(' ');
  const threads = new Map(parts.map((p) => p.split(':')).map(([tid, ticks, cpu]) => [tid, { ticks: +ticks, cpu: +cpu }]));
  return { t: +t, threads };
});
// The kernel serves from the main thread (tid = pid); the process is the thread that ran most.
const kernelTid = String(process.pid);
const first = samples[0].threads;
const last = samples[samples.length - 1].threads;
let procTid = null;
for (const [tid, s] of last) {
  if (tid === kernelTid || !first.has(tid)) continue;
  if (procTid === null || s.ticks - first.get(tid).ticks > last.get(procTid).ticks - first.get(procTid).ticks) procTid = tid;
}
const windows = new Map();
for (const s of samples) {
  const k = s.threads.get(kernelTid);
  const p = s.threads.get(procTid);
  if (!k || !p) continue;
  const w = Math.floor(s.t / 100);
  const acc = windows.get(w) ?? { same: 0, n: 0 };
  acc.n++;
  if (k.cpu === p.cpu) acc.same++;
  windows.set(w, acc);
}
let stacked = 0;
let apart = 0;
for (const { same, n } of windows.values()) {
  if (same / n > 0.8) stacked++;
  else if (same / n < 0.2) apart++;
}
console.log(`mode ${mode}: ${calls} fd_seek calls in ${res.ms.toFixed(0)} ms, ${((res.ms * 1000) / calls).toFixed(2)} µs a call`);
console.log(`100 ms windows: kernel and process threads on one CPU in ${stacked}, on two in ${apart}, moving in ${windows.size - stacked - apart}`);
process.exit(0);
