import { parentPort } from 'node:worker_threads';

/**
 * The thread that makes a control call for the server's main thread while it waits: the
 * answer goes into the shared buffer (length, then UTF-8 text) and the waiting flag flips.
 */
parentPort?.on('message', async ({ url, body, shared }) => {
  const state = new Int32Array(shared, 0, 2);
  let text: string;
  try {
    text = await (await fetch(url, { method: 'POST', body })).text();
  } catch (error) {
    text = JSON.stringify({
      wire: JSON.stringify({ error: { $error: { message: String(error) } } }),
    });
  }
  const bytes = new TextEncoder().encode(text);
  const room = new Uint8Array(shared, 8);
  if (bytes.length > room.length) {
    text = JSON.stringify({
      wire: JSON.stringify({ error: { $error: { message: 'answer too large' } } }),
    });
  }
  const fitted = bytes.length > room.length ? new TextEncoder().encode(text) : bytes;
  room.set(fitted);
  state[1] = fitted.length;
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
});
