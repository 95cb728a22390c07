// The page's entry point: boots the kernel, publishes window.wasmvisor, serves the embed API,
// shows the kernel's state on the status line, opens the console (src/console/) and the "Load
// image" control, asks for persistent storage and has the kernel store the machine when the page
// is hidden or left.
import { ISOLATION_HINT, isIsolated, serveEmbedApi, startKernel } from './client.js';
import { mountConsole } from './console/console.js';
import { findImageImportElements, mountImageImport } from './image_import.js';

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

const imageControls = findImageImportElements();
if (imageControls) {
  mountImageImport(client, imageControls, { afterLoad: () => window.wasmvisorConsole?.term.focus() });
}

// Ask once that the browser keep this site's storage (the stored machine) rather than evict it when
// space runs low. The browser may say no, or ask the user; either way the page works the same.
try {
  void navigator.storage?.persist?.().catch(() => {});
} catch {
  /* no StorageManager here */
}

// The kernel writes the machine back to IndexedDB in the background; when the page is hidden or
// left, have it store everything now (it may not get another chance). Fire and forget.
const flush = (): void => {
  client.flush().catch(() => {});
};
window.addEventListener('pagehide', flush);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') flush();
});
