// The "Share" and "Embed" controls of the playground: a small dialog that turns an image and a
// command into a link that reopens the playground with them (typed at the prompt, run with Enter)
// and into the iframe snippet that embeds a playground running them (on a machine of its own).
import type { PageOptions } from './embed/options.js';

/** The playground link for an image/command (empty fields are left out). */
export function shareUrl(base: string, image: string, cmd: string): string {
  const u = new URL(base);
  u.search = '';
  u.hash = '';
  if (image) u.searchParams.set('image', image);
  if (cmd) u.searchParams.set('cmd', cmd);
  return u.href;
}

/** The iframe snippet embedding a playground that runs image/cmd, serving `embedder`'s requests. */
export function embedSnippet(base: string, image: string, cmd: string, embedder: string): string {
  const q = new URLSearchParams();
  if (image) q.set('image', image);
  if (cmd) q.set('cmd', cmd);
  if (embedder) q.set('origin', embedder);
  const u = new URL(base);
  const src = `${u.origin}${u.pathname}?embed${q.size ? `&${q}` : ''}`;
  return `<iframe src="${src.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" allow="cross-origin-isolated" ` +
    `width="800" height="360" style="border:0"></iframe>`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
}

/** Puts the Share and Embed buttons (and their dialog) into `container`. */
export function mountShare(container: HTMLElement | null, options: PageOptions): void {
  if (!container) return;
  const base = location.origin + location.pathname;
  const image = el('input', { type: 'text', id: 'share-image', value: options.image ?? 'younglook/wasi-hello', spellcheck: false });
  const cmd = el('input', { type: 'text', id: 'share-cmd', value: options.cmd ?? '', spellcheck: false, placeholder: 'e.g. ls -l /bin' });
  const embedder = el('input', { type: 'text', id: 'share-origin', value: '', spellcheck: false, placeholder: 'https://your-site.example' });
  const link = el('textarea', { id: 'share-link', readOnly: true, rows: 2 });
  const snippet = el('textarea', { id: 'share-snippet', readOnly: true, rows: 4 });
  const update = (): void => {
    link.value = shareUrl(base, image.value.trim(), cmd.value.trim());
    snippet.value = embedSnippet(base, image.value.trim(), cmd.value.trim(), embedder.value.trim());
  };
  for (const input of [image, cmd, embedder]) input.addEventListener('input', update);
  update();
  const copy = (from: HTMLTextAreaElement, label: string): HTMLButtonElement => {
    const b = el('button', { type: 'button', textContent: label });
    b.addEventListener('click', () => {
      from.select();
      navigator.clipboard?.writeText(from.value).then(() => (b.textContent = 'Copied'), () => document.execCommand('copy'));
      setTimeout(() => (b.textContent = label), 1500);
    });
    return b;
  };
  const close = el('button', { type: 'button', textContent: 'Close' });
  const dialog = el('dialog', { id: 'share-dialog' },
    el('form', { method: 'dialog' },
      el('h2', { textContent: 'Share this playground' }),
      el('label', {}, 'Image ', image),
      el('label', {}, 'Command ', cmd),
      el('p', { className: 'share-section', textContent: 'Link (opens the playground with the command typed at the prompt; Enter runs it):' }),
      link, copy(link, 'Copy link'),
      el('p', { className: 'share-section', textContent: 'Embed (an iframe running it on a machine of its own; the page that embeds it must be served with COOP/COEP):' }),
      el('label', {}, 'Your site\'s origin (to drive it with postMessage) ', embedder),
      snippet, copy(snippet, 'Copy snippet'),
      el('div', {}, close)));
  close.addEventListener('click', () => dialog.close());
  const open = (focus: HTMLTextAreaElement): void => {
    update();
    dialog.showModal();
    focus.select();
  };
  const shareButton = el('button', { type: 'button', id: 'share-button', textContent: 'Share' });
  const embedButton = el('button', { type: 'button', id: 'embed-button', textContent: 'Embed' });
  shareButton.addEventListener('click', () => open(link));
  embedButton.addEventListener('click', () => open(snippet));
  container.append(shareButton, embedButton, dialog);
}
