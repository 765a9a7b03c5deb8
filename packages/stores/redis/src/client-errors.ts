import type { ClientSurface } from './client.js';

/**
 * ioredis emits `error` for every failed connection attempt, and with no listener it prints
 * each one ("[ioredis] Unhandled error event"): during an outage that is one line per
 * reconnect. When the application has attached no `error` listener, the store attaches one
 * that reports an outage once through `onWarning` (again only after the client was ready in
 * between). It stays attached but keeps quiet while the application has a listener of its
 * own, which then sees every error (removing it would leave the client unheard again when a
 * temporary listener, such as `events.once`'s, goes). Errors of the store's own calls still reach the engine as
 * `StoreUnavailableError`; this listener only keeps the log readable.
 */
export function reportClientErrors(
  client: ClientSurface,
  onWarning: (message: string) => void,
): void {
  // Every ioredis client is an EventEmitter; the check keeps a look-alike from failing here.
  if (typeof client.listenerCount !== 'function' || client.listenerCount('error') > 0) return;
  let reported = false;
  const onError = (error: unknown) => {
    if (reported || client.listenerCount('error') > 1) return; // the application's has it
    reported = true;
    const reason = error instanceof Error ? error.message : String(error);
    onWarning(
      `oncely: the Redis client failed (${reason}); store calls fail with StoreUnavailableError until ioredis reconnects. ` +
        'Reported once per outage because the client has no error listener of its own.',
    );
  };
  const onReady = () => {
    reported = false;
  };
  client.on('error', onError);
  client.on('ready', onReady);
}
