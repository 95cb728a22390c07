// Node side of the ping-pong (see pingpong.mjs): as a worker_thread it plays one role; from the
// main thread, measure() starts both players as workers and returns the round trip in ns.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { pingpong, pongAsync, PINGPONG_BYTES } from './pingpong.mjs';

if (!isMainThread && workerData?.pingpong) {
  const { sab, role, mode, n } = workerData;
  if (mode === 'async' && role === 'pong') {
    const keepAlive = setInterval(() => {}, 1000);
    pongAsync(sab, n).then((r) => {
      clearInterval(keepAlive);
      parentPort.postMessage(r);
    });
  } else {
    parentPort.postMessage(pingpong(sab, role, mode === 'async' ? 'block' : mode, n));
  }
}

function player(sab, role, mode, n) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { pingpong: true, sab, role, mode, n } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

/** One measurement: mean round trip (ns) of n ping-pongs in `mode` ('block' | 'spin' | 'async'). */
export async function measure(mode, n) {
  const sab = new SharedArrayBuffer(PINGPONG_BYTES);
  const [ns] = await Promise.all([player(sab, 'ping', mode, n), player(sab, 'pong', mode, n)]);
  return ns;
}
