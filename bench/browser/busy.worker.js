// Occupies one core until terminated.
self.onmessage = () => {
  self.postMessage('spinning');
  setTimeout(() => {
    for (;;) {}
  }, 0);
};
