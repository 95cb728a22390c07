// The page's entry point: boots the kernel, publishes window.wasmvisor, serves the embed API and
// shows the kernel's state on the status line. (The xterm console comes later.)
import { ISOLATION_HINT, isIsolated, serveEmbedApi, startKernel } from './client.js';

const status = document.getElementById('status');

function show(state: 'booting' | 'ready' | 'error', text: string): void {
  if (!status) return;
  status.dataset.state = state;
  status.textContent = text;
}

show('booting', 'booting kernel…');
const client = startKernel();
window.wasmvisor = client;
serveEmbedApi(client);

client.ready.then(
  (version) => {
    const warning = isIsolated() ? '' : ` (warning: crossOriginIsolated is false; ${ISOLATION_HINT})`;
    show('ready', `kernel booted, version ${version}${warning}`);
  },
  (err: unknown) => {
    show('error', `kernel failed to boot: ${err instanceof Error ? err.message : String(err)}`);
    console.error('wasmvisor: kernel failed to boot', err);
  },
);
