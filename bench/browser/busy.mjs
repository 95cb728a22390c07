// "No free core" in a browser: busy-looping Web Workers on every core but one.
export function busyLoad() {
  let workers = [];
  return {
    count: Math.max(1, (navigator.hardwareConcurrency || 2) - 1),
    async start() {
      for (let k = 0; k < this.count; k++) {
        const w = new Worker(new URL('./busy.worker.js', import.meta.url), { type: 'module' });
        await new Promise((r) => {
          w.onmessage = r;
          w.postMessage('go');
        });
        workers.push(w);
      }
      await new Promise((r) => setTimeout(r, 200));
    },
    async stop() {
      for (const w of workers) w.terminate();
      workers = [];
    },
  };
}
