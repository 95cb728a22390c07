// The raw cost of a crossing between two threads, without any kernel: a ping-pong over one
// Int32Array slot of a SharedArrayBuffer. Two modes:
//   block  each side sleeps in Atomics.wait until the other one has moved, and always notifies
//   spin   each side polls up to `spins` times first, then sleeps; it notifies only a sleeper
//   async  like block, but pong sleeps in Atomics.waitAsync (as wasmvisor's kernel loop does):
//          its wake-up is a task on pong's event loop (pongAsync below)
// Runs in Node worker_threads and in Web Workers (the caller does the wiring).
//
// Slots: [0] the counter (odd: ping's turn is over, even: pong's), [1] ready, [2]/[3] sleeping
// flags of ping/pong, [4] stop (ping ran out of time: pong returns).
//
// Ping stops after n round trips or maxMs, whichever comes first (on a loaded machine a round
// trip can take a millisecond), and reports the mean over the round trips it made.

const SEQ = 0;
const READY = 1;
const SLEEP_PING = 2;
const SLEEP_PONG = 3;
const STOP = 4;
export const PINGPONG_BYTES = 32;

function waitFor(i32, want, spins, mySleep, block) {
  if (!block) {
    for (let k = 0; k < spins; k++) if (Atomics.load(i32, SEQ) === want) return;
  }
  for (;;) {
    const v = Atomics.load(i32, SEQ);
    if (v === want || Atomics.load(i32, STOP) !== 0) return;
    if (!block) Atomics.store(i32, mySleep, 1);
    Atomics.wait(i32, SEQ, v, 1000);
    if (!block) Atomics.store(i32, mySleep, 0);
  }
}

function post(i32, v, otherSleep, block) {
  Atomics.store(i32, SEQ, v);
  if (block || Atomics.load(i32, otherSleep) !== 0) Atomics.notify(i32, SEQ);
}

/**
 * Plays one side. role 'ping' returns the mean round trip in ns over up to n round trips (after
 * a warm-up of n/10; fewer if maxMs ran out); 'pong' answers until ping is done and returns 0.
 */
export function pingpong(sab, role, mode, n, spins = 20000, maxMs = 1500) {
  const i32 = new Int32Array(sab);
  const block = mode === 'block';
  const warm = Math.ceil(n / 10);
  const total = n + warm;
  if (role === 'pong') {
    Atomics.store(i32, READY, 1);
    Atomics.notify(i32, READY);
    for (let k = 0; k < total; k++) {
      waitFor(i32, 2 * k + 1, spins, SLEEP_PONG, block);
      if (Atomics.load(i32, STOP) !== 0) break;
      post(i32, 2 * k + 2, SLEEP_PING, block);
    }
    return 0;
  }
  while (Atomics.load(i32, READY) === 0) Atomics.wait(i32, READY, 0, 100);
  const deadline = performance.now() + maxMs;
  let t0 = 0;
  let done = 0;
  for (let k = 0; k < total; k++) {
    if (k === warm) t0 = performance.now();
    post(i32, 2 * k + 1, SLEEP_PONG, block);
    waitFor(i32, 2 * k + 2, spins, SLEEP_PING, block);
    if (k >= warm) done++;
    if ((k & 15) === 15 && performance.now() > deadline && done > 0) break;
  }
  const ns = ((performance.now() - t0) * 1e6) / done;
  Atomics.store(i32, STOP, 1);
  Atomics.add(i32, SEQ, 1); // wakes pong whatever it waits for
  Atomics.notify(i32, SEQ);
  return ns;
}

/**
 * The pong side of 'async' mode: answers n + n/10 pings, sleeping in Atomics.waitAsync. The
 * caller must keep its event loop alive meanwhile (a Node worker whose only pending work is a
 * waitAsync exits with code 13).
 */
export async function pongAsync(sab, n) {
  const i32 = new Int32Array(sab);
  const total = n + Math.ceil(n / 10);
  Atomics.store(i32, READY, 1);
  Atomics.notify(i32, READY);
  for (let k = 0; k < total; k++) {
    const want = 2 * k + 1;
    for (;;) {
      const v = Atomics.load(i32, SEQ);
      if (v === want || Atomics.load(i32, STOP) !== 0) break;
      const w = Atomics.waitAsync(i32, SEQ, v, 1000);
      if (w.async) await w.value;
    }
    if (Atomics.load(i32, STOP) !== 0) break;
    post(i32, 2 * k + 2, SLEEP_PING, true);
  }
  return 0;
}

/**
 * The round-trip schedule both drivers (Node and the Chromium page) run: each mode with a core
 * free, then again with `busy` occupying the other core. `measureOnce(mode, n)` returns one
 * sample in ns per round trip; the result maps each key to its median and samples.
 */
export async function pingpongSchedule(measureOnce, busy, scale, median) {
  const out = {};
  const one = async (mode, n, key) => {
    const xs = [];
    for (let k = 0; k < 5; k++) xs.push(await measureOnce(mode, n));
    out[key] = { median: median(xs), samples: xs };
  };
  await one('block', Math.round(5000 * scale) || 100, 'block');
  await one('async', Math.round(5000 * scale) || 100, 'async');
  await one('spin', Math.round(200000 * scale) || 1000, 'spin');
  await busy.start();
  try {
    await one('block', Math.round(5000 * scale) || 100, 'block_busy');
    await one('async', Math.round(5000 * scale) || 100, 'async_busy');
    await one('spin', Math.round(20000 * scale) || 1000, 'spin_busy');
  } finally {
    await busy.stop();
  }
  return out;
}
