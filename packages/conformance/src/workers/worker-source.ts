/**
 * The program each race worker runs, as source text so the suite needs no file of its own at a
 * known path (it is evaluated with `new Worker(source, { eval: true })`, a CommonJS script).
 * It imports the user's store module, makes one store, then answers the main thread:
 *
 * - `race`: arm (reply `armed`), block on the shared gate until the main thread opens it for
 *   every worker at once, fire every call before awaiting any, reply `replies`;
 * - `close`: destroy the store (the module's `destroyStore`, else `store.close()`), reply `closed`.
 *
 * Blocking on `Atomics.wait` is what lines the workers up: they leave the gate within
 * microseconds of each other, so even a store whose calls never yield (a synchronous driver)
 * runs its calls at the same time as the other workers' calls.
 */
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const describeError = (error) => (error && error.stack) || String(error);
(async () => {
  const loaded = await import(workerData.module);
  const createStore = loaded.createStore;
  if (typeof createStore !== 'function') {
    throw new Error('the workers module ' + workerData.module + ' must export createStore(data)');
  }
  const destroyStore = typeof loaded.destroyStore === 'function' ? loaded.destroyStore : (store) => store.close();
  const store = await createStore(workerData.data);
  parentPort.on('message', async (message) => {
    try {
      if (message.type === 'race') {
        const gate = new Int32Array(message.gate);
        parentPort.postMessage({ type: 'armed' });
        Atomics.wait(gate, 0, 0);
        const settled = await Promise.allSettled(
          message.calls.map((call) => store[call.op](call.input)),
        );
        parentPort.postMessage({
          type: 'replies',
          replies: settled.map((outcome) =>
            outcome.status === 'fulfilled'
              ? { ok: true, value: outcome.value }
              : { ok: false, error: describeError(outcome.reason) },
          ),
        });
      } else if (message.type === 'close') {
        await destroyStore(store);
        parentPort.postMessage({ type: 'closed' });
      }
    } catch (error) {
      parentPort.postMessage({ type: 'failed', error: describeError(error) });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})().catch((error) => parentPort.postMessage({ type: 'failed', error: describeError(error) }));
`;
