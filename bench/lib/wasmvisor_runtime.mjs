// wasmvisor as a benchmark runtime, for Node and the browser alike: the caller passes the kernel
// modules (compiled dist/ under Node, the TypeScript sources bundled by Vite in the page) and a
// WorkerHost. Each run is kernel.spawn → task.exited of a program loaded once with
// kernel.loadProgram; stdout is the kernel's own /dev/null, stderr a BufferSink, the one preopen
// is /tmp on the root tmpfs.

/**
 * k: { bootMachine, WasmPlatform, BufferSink, BufferSource }, host: a WorkerHost,
 * programs: { name: Uint8Array }.
 */
export async function wasmvisorRuntime(k, host, programs) {
  const kernel = k.bootMachine({ platform: new k.WasmPlatform(host) });
  const compiled = {};
  for (const [name, bytes] of Object.entries(programs)) compiled[name] = await kernel.loadProgram(bytes);
  const devNull = () => {
    const chain = kernel.vfs.resolve([kernel.vfs.root], '/dev/null', kernel.vfs.rootScope);
    return chain[chain.length - 1].open({ read: false, write: true });
  };
  const dec = new TextDecoder();
  return {
    name: 'wasmvisor',
    kernel,
    async run(prog, args, { stdout = 'null' } = {}) {
      const program = compiled[prog];
      if (!program) throw new Error(`no program ${prog}`);
      const err = new k.BufferSink();
      const out = stdout === 'null' ? devNull() : new k.BufferSink();
      const t0 = performance.now();
      const task = kernel.spawn({
        program, argv: [`/${prog}.wasm`, ...args], env: [],
        stdio: [new k.BufferSource(new Uint8Array(0)), out, err],
        preopens: [{ path: '/tmp', name: '/tmp' }],
      });
      const status = await task.exited;
      const ms = performance.now() - t0;
      return { code: status.code, stderr: dec.decode(err.contents()) + (status.reason ? `\n${status.reason}` : ''), ms };
    },
    close() {
      kernel.shutdown();
    },
  };
}
