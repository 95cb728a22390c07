// The "Load image" control beside the status line: imports an image archive (`docker save` or OCI
// image layout, optionally gzipped) into the kernel's image store with wasmvisor.images.load, from
// a file picked (#image-file), a file dropped anywhere on the page, or a URL (#image-url and
// #image-url-load). While a load runs a progress bar (#image-progress: data-phase, aria-valuenow)
// follows the kernel's onProgress; the result, or the kernel's error in red, goes in #image-message.
//
// Nothing here blocks the main thread: the file is read with Blob.arrayBuffer() and handed over
// (transferred) to the kernel worker, which does the work; progress reports only record the latest
// figures, and the bar is redrawn from an animation frame at most every ~50 ms.
import type { ImageInfo, WasmvisorClient } from './client.js';

/** The elements of the control (ids in index.html). */
export interface ImageImportElements {
  file: HTMLInputElement;
  url: HTMLInputElement;
  urlLoad: HTMLButtonElement;
  progress: HTMLElement;
  message: HTMLElement;
}

/** Where the page's drop target shows that a file may be dropped (`data-drop="over"`). */
const DROP_ATTR = 'drop';
/** Least time between two redraws of the progress bar. */
const REDRAW_MS = 50;

/** Finds the control's elements by id; undefined when the page does not have them all. */
export function findImageImportElements(doc: Document = document): ImageImportElements | undefined {
  const file = doc.getElementById('image-file');
  const url = doc.getElementById('image-url');
  const urlLoad = doc.getElementById('image-url-load');
  const progress = doc.getElementById('image-progress');
  const message = doc.getElementById('image-message');
  if (!(file instanceof HTMLInputElement) || !(url instanceof HTMLInputElement) || !(urlLoad instanceof HTMLButtonElement)) {
    return undefined;
  }
  if (!progress || !message) return undefined;
  return { file, url, urlLoad, progress, message };
}

/** "Loaded younglook/wasi-hello:latest — try: run younglook/wasi-hello". */
export function loadedMessage(images: ImageInfo[]): string {
  if (images.length === 0) return 'The archive held no image';
  const names = images.map((i) => (i.refs.length ? i.refs.join(', ') : i.id.slice(0, 19)));
  const first = images[0]!;
  const ref = first.refs[0];
  const runRef = ref ? ref.replace(/:latest$/, '') : first.id.slice(0, 19);
  return `Loaded ${names.join(', ')} — try: run ${runRef}`;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (err && typeof err === 'object' && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}

/**
 * Wires the control to `client`. `dropTarget` (default: the document's body) takes dropped files;
 * `afterLoad` runs after a successful load of a picked or dropped file (e.g. to give the terminal
 * the focus back). Returns a function that unwires it.
 */
export function mountImageImport(
  client: WasmvisorClient,
  el: ImageImportElements,
  options: { dropTarget?: HTMLElement; afterLoad?: () => void } = {},
): () => void {
  const dropTarget = options.dropTarget ?? document.body;
  const bar = el.progress.querySelector<HTMLElement>('.bar');
  const label = el.progress.querySelector<HTMLElement>('.label');
  let busy = false;

  // Progress: the kernel's reports only record the latest figures; a frame redraws the bar.
  let latest = { done: 0, total: 0, phase: '' };
  let frame = 0;
  let lastDraw = 0;
  const draw = (now: number): void => {
    frame = 0;
    if (!busy) return;
    if (now - lastDraw < REDRAW_MS) {
      frame = requestAnimationFrame(draw);
      return;
    }
    lastDraw = now;
    const { done, total, phase } = latest;
    const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
    el.progress.dataset.phase = phase;
    el.progress.setAttribute('aria-valuenow', String(percent));
    el.progress.setAttribute('aria-valuetext', `${phase} ${percent}%`);
    el.progress.dataset.indeterminate = total > 0 ? 'false' : 'true';
    if (bar) bar.style.width = `${total > 0 ? percent : 100}%`;
    if (label) label.textContent = total > 0 ? `${phase} ${percent}%` : `${phase}…`;
  };
  const report = (done: number, total: number, phase: string): void => {
    latest = { done, total, phase };
    if (!frame) frame = requestAnimationFrame(draw);
  };

  const say = (state: 'ok' | 'error' | 'busy' | 'idle', text: string): void => {
    el.message.dataset.state = state;
    el.message.textContent = text;
    el.message.title = text;
  };

  const setBusy = (on: boolean): void => {
    busy = on;
    el.file.disabled = on;
    el.urlLoad.disabled = on;
    el.progress.hidden = !on;
    if (!on && frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
  };

  /** Runs one load (one at a time); `what` names the source in the busy message. */
  const load = async (source: Blob | { url: string }, what: string, firstPhase: string): Promise<boolean> => {
    if (busy) {
      say('error', 'An image is already loading; wait for it to finish');
      return false;
    }
    setBusy(true);
    say('busy', `Loading ${what}`);
    lastDraw = 0;
    el.progress.dataset.phase = firstPhase;
    el.progress.dataset.indeterminate = 'true';
    el.progress.setAttribute('aria-valuenow', '0');
    if (label) label.textContent = `${firstPhase}…`;
    report(0, 0, firstPhase);
    try {
      const images = await client.images.load(source, report);
      say('ok', loadedMessage(images));
      return true;
    } catch (err) {
      say('error', errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const loadFile = (file: File): void => {
    void load(file, file.name, 'read').then((ok) => {
      if (ok) options.afterLoad?.();
    });
  };

  const onFileChange = (): void => {
    const file = el.file.files?.[0];
    if (!file) return;
    loadFile(file);
    el.file.value = ''; // so that picking the same file again fires `change` again
  };

  const onUrlLoad = (event: Event): void => {
    event.preventDefault();
    const url = el.url.value.trim();
    if (!url) {
      say('error', 'Give the URL of an image archive (.tar, .tar.gz, .tgz, .oci) on this site');
      el.url.focus();
      return;
    }
    void load({ url }, url, 'fetch');
  };

  // Drag and drop: a file dragged over the page marks it as a drop target; dropping loads it.
  let depth = 0;
  const hasFiles = (event: DragEvent): boolean => !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
  const onDragEnter = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth++;
    dropTarget.dataset[DROP_ATTR] = 'over';
  };
  const onDragOver = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (event: DragEvent): void => {
    if (!hasFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) delete dropTarget.dataset[DROP_ATTR];
  };
  const onDrop = (event: DragEvent): void => {
    depth = 0;
    delete dropTarget.dataset[DROP_ATTR];
    if (!hasFiles(event)) return;
    event.preventDefault(); // never let the browser navigate to the dropped file
    const files = event.dataTransfer?.files;
    if (!files || files.length === 0) return;
    if (files.length > 1) say('error', 'Drop one image archive at a time');
    else loadFile(files[0]!);
  };

  const form = el.url.form;
  el.file.addEventListener('change', onFileChange);
  if (form) form.addEventListener('submit', onUrlLoad);
  else el.urlLoad.addEventListener('click', onUrlLoad);
  window.addEventListener('dragenter', onDragEnter);
  window.addEventListener('dragover', onDragOver);
  window.addEventListener('dragleave', onDragLeave);
  window.addEventListener('drop', onDrop);
  setBusy(false);
  say('idle', '');

  return () => {
    el.file.removeEventListener('change', onFileChange);
    if (form) form.removeEventListener('submit', onUrlLoad);
    else el.urlLoad.removeEventListener('click', onUrlLoad);
    window.removeEventListener('dragenter', onDragEnter);
    window.removeEventListener('dragover', onDragOver);
    window.removeEventListener('dragleave', onDragLeave);
    window.removeEventListener('drop', onDrop);
  };
}
