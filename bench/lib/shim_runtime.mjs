// browser_wasi_shim as a benchmark runtime: the program runs in the calling thread, its files in
// the shim's in-memory File/PreopenDirectory, stdout discarded (ConsoleStdout with a no-op sink),
// stderr collected. Works in Node, a page and a Web Worker.
import { WASI, OpenFile, File, PreopenDirectory, ConsoleStdout } from '@bjorn3/browser_wasi_shim';

/** programs: { name: WebAssembly.Module } (compiled once by the caller). */
export function shimRuntime(programs) {
  const dec = new TextDecoder();
  return {
    name: 'shim',
    async run(prog, args, { stdout = 'null' } = {}) {
      const module = programs[prog];
      if (!module) throw new Error(`no program ${prog}`);
      let err = '';
      const out = [];
      const t0 = performance.now();
      const fds = [
        new OpenFile(new File([])),
        new ConsoleStdout(stdout === 'null' ? () => {} : (b) => out.push(b)),
        new ConsoleStdout((b) => (err += dec.decode(b))),
        new PreopenDirectory('/tmp', new Map()),
      ];
      const wasi = new WASI([`/${prog}.wasm`, ...args], [], fds, { debug: false }); // its default is to log every call
      const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
      const code = wasi.start(instance);
      const ms = performance.now() - t0;
      return { code, stderr: err, ms };
    },
    close() {},
  };
}
