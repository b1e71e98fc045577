// Loaded into a server process started as `node --expose-gc --import tsx --import <this file> server/main.ts`
// (the soak test does): when the parent sends 'memory' over the IPC channel, it collects garbage fully
// and answers with process.memoryUsage(), so memory is compared after GC, not at a random moment.

process.on('message', (message) => {
  if (message !== 'memory') return;
  const collect = globalThis.gc;
  // Twice: the first pass runs finalisers whose garbage the second one frees.
  collect?.();
  collect?.();
  process.send?.({ collected: collect !== undefined, ...process.memoryUsage() });
});
