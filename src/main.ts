// The page's entry point: boots the kernel, publishes window.wasmvisor, serves the embed API,
// shows the kernel's state on the status line and opens the console (src/console/).
import { ISOLATION_HINT, isIsolated, serveEmbedApi, startKernel } from './client.js';
import { mountConsole } from './console/console.js';

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

const terminal = document.getElementById('terminal');
if (terminal) mountConsole(terminal, client, document.getElementById('stats'));
