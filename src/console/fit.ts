// Keeps the terminal's size (in character cells) following its element: whenever the element
// changes size (window resize, layout change, font load) the fit addon recomputes cols × rows and
// resizes the terminal, whose onResize the session forwards to the kernel's winsize.
import { FitAddon } from '@xterm/addon-fit';
import type { IDisposable, Terminal } from '@xterm/xterm';

/** Loads the fit addon into `term` (after term.open) and refits on every size change of `element`. */
export function followElementSize(term: Terminal, element: HTMLElement): IDisposable & { fit(): void } {
  const addon = new FitAddon();
  term.loadAddon(addon);
  let frame = 0;
  const fit = (): void => {
    frame = 0;
    // A hidden or zero-sized element proposes nothing; keep the last size then.
    if (!addon.proposeDimensions()) return;
    addon.fit();
  };
  const schedule = (): void => {
    if (!frame) frame = requestAnimationFrame(fit);
  };
  const observer = new ResizeObserver(schedule);
  observer.observe(element);
  window.addEventListener('resize', schedule);
  // Metrics change when the web font arrives.
  document.fonts?.ready.then(schedule, () => {});
  fit();
  return {
    fit,
    dispose: () => {
      observer.disconnect();
      window.removeEventListener('resize', schedule);
      if (frame) cancelAnimationFrame(frame);
      addon.dispose();
    },
  };
}
