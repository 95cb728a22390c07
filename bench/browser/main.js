// The benchmark page: window.bench.run({ scale }) runs the raw ping-pongs and the suite for
// wasmvisor and browser_wasi_shim, each in a fresh Web Worker, one after the other, and
// resolves with the same result shape the Node part produces. window.bench.pipe({ scale }) runs
// the pipe rows (wasmvisor only; the driver calls it on a fresh page, see drive.mjs).
import { median } from '../lib/suite.mjs';
import { PINGPONG_BYTES, pingpongSchedule } from '../lib/pingpong.mjs';
import { busyLoad } from './busy.mjs';

const PROGRAMS = ['calls', 'io', 'hello', 'cpu'];
const logEl = document.getElementById('log');
const log = (m) => {
  console.log(`[bench] ${m}`);
  logEl.textContent += `\n${m}`;
};

function player(sab, role, mode, n) {
  const w = new Worker(new URL('./pingpong.worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => {
      w.terminate();
      resolve(e.data);
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ sab, role, mode, n });
  });
}

async function pingpongs(scale) {
  const measure = async (mode, n) => {
    const sab = new SharedArrayBuffer(PINGPONG_BYTES);
    const [ns] = await Promise.all([player(sab, 'ping', mode, n), player(sab, 'pong', mode, n)]);
    return ns;
  };
  return pingpongSchedule(measure, busyLoad(), scale, median);
}

/** A worker that posts { type: 'log' | 'done' | 'error' }: resolves with its results. */
function collect(w, what, message) {
  return new Promise((resolve, reject) => {
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'log') log(`Chromium ${m.message}`);
      else {
        w.terminate();
        if (m.type === 'done') resolve(m.results);
        else reject(new Error(`${what}: ${m.message}`));
      }
    };
    w.onerror = (e) => reject(new Error(`${what} worker: ${e.message}`));
    w.postMessage(message);
  });
}

function suite(runtime, programs, scale, only = null) {
  const w = new Worker(new URL('./suite.worker.js', import.meta.url), { type: 'module' });
  return collect(w, runtime, { runtime, programs, scale, only });
}

/** Some cases of the suite for one runtime (bench/browser/trace.mjs traces one this way). */
async function some({ runtime = 'wasmvisor', only = ['seek'], scale = 1 } = {}) {
  const programs = {};
  for (const p of PROGRAMS) programs[p] = new Uint8Array(await (await fetch(`/programs/${p}.wasm`)).arrayBuffer());
  return suite(runtime, programs, scale, only);
}

/** `cat FILE | wc -c` through a kernel pipe and its single-process context rows (wasmvisor only). */
function pipe(scale) {
  const w = new Worker(new URL('./pipe.worker.js', import.meta.url), { type: 'module' });
  return collect(w, 'pipe', { scale });
}

async function run({ scale = 1 } = {}) {
  if (!crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated');
  const programs = {};
  for (const p of PROGRAMS) programs[p] = new Uint8Array(await (await fetch(`/programs/${p}.wasm`)).arrayBuffer());
  const results = { cores: navigator.hardwareConcurrency };
  log('Chromium: raw round trips');
  results.pingpong = await pingpongs(scale);
  results.wasmvisor = await suite('wasmvisor', programs, scale);
  results.shim = await suite('shim', programs, scale);
  return results;
}

window.bench = { run, some, pipe: ({ scale = 1 } = {}) => pipe(scale) };
