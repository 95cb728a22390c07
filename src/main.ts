// The page's entry point. Reads the URL options (src/embed/options.ts), boots the kernel on the
// right machine — the playground's stored machine for the top-level page; for a frame or ?embed a
// machine in memory, or its own stored one with persist=NAME — publishes window.wasmvisor, serves
// the embed protocol to trusted origins, opens the console (src/console/) and, outside embed mode,
// the status line, "Load image" and Share/Embed controls. Runs `files`/`image`/`cmd` on load: at
// once in an embed, typed at the prompt (run with Enter) on the stored playground machine.
// Asks for persistent storage and has the kernel store the machine when the page is hidden or left.
import { errorMessage, isolationProblem, startKernel } from './client.js';
import { mountConsole, writeNote, type MountedConsole } from './console/console.js';
import { findImageImportElements, mountImageImport } from './image_import.js';
import { isArchiveUrl, parsePageOptions, type PageOptions } from './embed/options.js';
import { serveEmbed } from './embed/server.js';
import { mountShare } from './share.js';
import type { MachineChoice } from '../worker/api/types.js';
import type { Terminal } from '@xterm/xterm';

const options = parsePageOptions();
const status = document.getElementById('status');
if (options.embed) document.body.dataset.embed = 'true';
document.body.dataset.theme = options.theme;

function show(state: 'booting' | 'ready' | 'error', text: string): void {
  if (!status) return;
  status.dataset.state = state;
  status.textContent = text;
}

/** sessionStorage key set by `reset` so that the reload starts the persist=NAME machine empty. */
const wipeKey = (name: string): string => `wasmvisor-wipe:${name}`;

function bootChoice(machine: MachineChoice): MachineChoice {
  if (typeof machine !== 'object') return machine;
  try {
    if (sessionStorage.getItem(wipeKey(machine.persist)) !== null) {
      sessionStorage.removeItem(wipeKey(machine.persist));
      return { ...machine, wipe: true };
    }
  } catch {
    /* no sessionStorage here: nothing was asked to be wiped */
  }
  return machine;
}

/** `reset` from the embedder: the frame starts again on an empty machine (a new ready event follows). */
function reset(): void {
  if (typeof options.machine === 'object') {
    try {
      sessionStorage.setItem(wipeKey(options.machine.persist), '1');
    } catch {
      console.warn('wasmvisor: cannot note the reset (no sessionStorage); the stored embed machine is kept');
    }
  }
  location.reload();
}

show('booting', 'booting kernel…');
const client = startKernel({ machine: bootChoice(options.machine) });
window.wasmvisor = client;
serveEmbed(client, { trusted: options.trusted, reset: options.framed || options.embed ? reset : undefined });

client.ready.then(
  (version) => show('ready', `kernel booted, version ${version}`),
  (err: unknown) => {
    show('error', `kernel failed to boot: ${errorMessage(err)}`);
    console.error('wasmvisor: kernel failed to boot', err);
  },
);

const terminal = document.getElementById('terminal');
let mounted: MountedConsole | undefined;
if (terminal) {
  const problem = isolationProblem();
  if (problem) {
    // Say what is wrong and what to change, in the console itself (no shell can start here).
    terminal.textContent = '';
    const note = document.createElement('pre');
    note.className = 'isolation-problem';
    note.setAttribute('role', 'alert');
    note.textContent = `wasmvisor cannot run here: ${problem}`;
    terminal.append(note);
  } else {
    mounted = mountConsole(terminal, client, options.embed ? null : document.getElementById('stats'), {
      readonly: options.readonly,
      theme: options.theme,
      before: (term) => prepare(term, options),
    });
    void mounted.attached.then(() => startCommand(mounted!, options));
  }
}


/** The image ref to run, once the `image` option's archive (if it is a URL) is loaded. */
let imageRef: string | undefined;

/** Before the shell starts: the URL's problems, then `files` unpacked and an `image` archive loaded. */
async function prepare(term: Terminal, o: PageOptions): Promise<void> {
  for (const p of o.problems) writeNote(term, p);
  await client.ready;
  if (o.files) {
    try {
      const res = await fetch(o.files);
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      const n = await client.fs.extract('/root', new Uint8Array(await res.arrayBuffer()));
      writeNote(term, `unpacked ${n} entries of ${o.files} into /root`);
    } catch (err) {
      writeNote(term, `files=${o.files}: ${errorMessage(err)}`, 'red');
    }
  }
  if (o.image && isArchiveUrl(o.image)) {
    try {
      const images = await client.images.load({ url: o.image });
      imageRef = images[0]?.refs[0] ?? images[0]?.id;
      if (!imageRef) throw new Error('the archive holds no image');
    } catch (err) {
      writeNote(term, `image=${o.image}: ${errorMessage(err)}`, 'red');
    }
  } else imageRef = o.image;
}

/** Single-quotes a word for the shell when it needs it. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The command the URL asks for: typed and run in an embed; typed but left for Enter otherwise. */
async function startCommand(c: MountedConsole, o: PageOptions): Promise<void> {
  const image = o.image && isArchiveUrl(o.image) ? imageRef : o.image;
  if (o.image && !image) return; // the archive could not be loaded (said above)
  const line = image ? `run ${shellWord(image)}${o.cmd ? ` ${o.cmd}` : ''}` : o.cmd;
  if (!line) return;
  if (o.framed || o.embed) await c.type(`${line}\r`);
  else {
    // On the playground's own stored machine a link never runs anything by itself.
    await c.type(line);
  }
}

if (!options.embed) {
  const imageControls = findImageImportElements();
  if (imageControls) {
    mountImageImport(client, imageControls, { afterLoad: () => window.wasmvisorConsole?.term.focus() });
  }
  mountShare(document.getElementById('share'), options);
}

if (client.machine === 'stored') {
  // Ask once that the browser keep this site's storage (the stored machine) rather than evict it
  // when space runs low. The browser may say no, or ask the user; either way the page works the same.
  try {
    void navigator.storage?.persist?.().catch(() => {});
  } catch {
    /* no StorageManager here */
  }
}

// The kernel writes a stored machine back to IndexedDB in the background; when the page is hidden
// or left, have it store everything now (it may not get another chance). Fire and forget.
const flush = (): void => {
  client.flush().catch(() => {});
};
window.addEventListener('pagehide', flush);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') flush();
});
