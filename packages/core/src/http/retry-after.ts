/**
 * `Retry-After` in whole seconds (RFC 9110 delay-seconds): rounded up so a client that waits
 * that long does not arrive before the lease ends, and at least 1 so it never means "now".
 */
export function retryAfterSeconds(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) return 1;
  return Math.max(1, Math.ceil(ms / 1000));
}
