// A small client for the wasmvisor embed protocol (version 1), for pages that frame the playground.
// No dependencies; copy it next to your page. Usage:
//
//   const vm = new WasmvisorFrame(iframeElement);       // the iframe's src has ?embed&origin=<this page's origin>
//   await vm.ready;                                      // { version, machine } (rejects with the frame's error)
//   await vm.call('writeFile', { path: '/root/a.txt', data: 'hi\n' });
//   const { exitCode, stdout } = await vm.call('run', { argv: ['cat', '/root/a.txt'] });
//   const { pid } = await vm.call('spawn', { argv: ['sh', '-c', 'yes | head -n 3'] });
//   vm.on('stdout', (e) => console.log(e.pid, new TextDecoder().decode(e.data)));
//   vm.on('exit', (e) => console.log(e.pid, 'exited', e.exitCode));
export class WasmvisorFrame {
  constructor(iframe) {
    this.iframe = iframe;
    this.origin = new URL(iframe.src, location.href).origin;
    this.pending = new Map();
    this.listeners = new Map();
    this.nextId = 1;
    this.resetReady();
    addEventListener('message', (event) => {
      if (event.source !== iframe.contentWindow || event.origin !== this.origin) return;
      const msg = event.data;
      if (!msg || msg.wasmvisor !== 1) return;
      if (msg.type === 'result') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new Error(msg.error));
        return;
      }
      if (msg.type === 'ready') {
        if (msg.ok) this.onReady.resolve(msg);
        else this.onReady.reject(new Error(msg.error));
      }
      for (const cb of this.listeners.get(msg.type) ?? []) cb(msg);
    });
  }

  resetReady() {
    this.ready = new Promise((resolve, reject) => (this.onReady = { resolve, reject }));
    this.ready.catch(() => {});
  }

  /** Sends one request; resolves with its answer's value, rejects with its error. */
  async call(method, params = {}, transfer = []) {
    await this.ready;
    return this.send({ wasmvisor: 1, id: this.nextId++, method, params }, transfer);
  }

  /** Posts a raw message and waits for the answer with its id (for testing malformed messages). */
  send(message, transfer = []) {
    return new Promise((resolve, reject) => {
      this.pending.set(message.id ?? null, { resolve, reject });
      this.iframe.contentWindow.postMessage(message, { targetOrigin: this.origin, transfer });
    });
  }

  /** Listens to 'ready', 'stdout', 'stderr', 'exit' or 'error' events. */
  on(type, cb) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(cb);
  }

  /** Starts the frame afresh on an empty machine; resolves at its next ready. */
  async reset() {
    await this.call('reset');
    this.resetReady();
    return this.ready;
  }
}
