import type { ClientOptions } from '../../src/index.js';

/**
 * Waits scaled down 50 times: the client still computes and reports the waits it would make
 * (Retry-After included), but a test does not sit through them.
 */
export const scaledSleep: NonNullable<ClientOptions['sleep']> = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms / 50);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Settings for clients under test: many attempts, scaled waits, a deadline far off. */
export const fast: ClientOptions = {
  maxAttempts: 50,
  deadlineMs: 60_000,
  sleep: scaledSleep,
};
