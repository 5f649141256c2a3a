// Preloaded (node --import) into a `baton serve` child by test/unhandled-rejection.test.ts:
// SIGUSR2 makes a promise reject with nobody listening, as the rota page once did.
process.on('SIGUSR2', () => {
  Promise.reject(new Error('planted rejection'));
});
