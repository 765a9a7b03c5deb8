import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe-style webhook signatures: the header is `t=<unix seconds>,v1=<hex HMAC-SHA256>`, the
 * HMAC is over `<t>.<raw body>` with the endpoint's secret. Signing the timestamp with the
 * body lets the receiver refuse an old delivery replayed by someone who recorded it.
 */
export function signWebhook(secret: string, rawBody: Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

export interface VerifyOptions {
  /** How far the signed timestamp may be from now, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time in milliseconds (a test's clock). Default `Date.now()`. */
  now?: number;
}

/** Whether `header` signs exactly these bytes with `secret`, recently enough. */
export function verifyWebhook(
  secret: string,
  rawBody: Buffer | undefined,
  header: string | string[] | undefined,
  { toleranceSeconds = 300, now = Date.now() }: VerifyOptions = {},
): boolean {
  if (rawBody === undefined || typeof header !== 'string') return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isSafeInteger(timestamp)) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  // Every v1 counts (a provider rolling its secret signs with both); each compare takes the
  // same time whatever the bytes, so the signature cannot be guessed byte by byte.
  return parts.some(([name, value]) => {
    if (name !== 'v1' || value === undefined || !/^[0-9a-f]{64}$/.test(value)) return false;
    return timingSafeEqual(Buffer.from(value, 'hex'), expected);
  });
}

function hmac(secret: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}
