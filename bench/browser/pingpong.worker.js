// One player of the raw ping-pong (bench/lib/pingpong.mjs) in a Web Worker.
import { pingpong, pongAsync } from '../lib/pingpong.mjs';

self.onmessage = async (e) => {
  const { sab, role, mode, n } = e.data;
  if (mode === 'async' && role === 'pong') self.postMessage(await pongAsync(sab, n));
  else self.postMessage(pingpong(sab, role, mode === 'async' ? 'block' : mode, n));
};
