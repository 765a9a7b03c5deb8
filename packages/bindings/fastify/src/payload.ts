import { Readable } from 'node:stream';
import { readBounded, toBuffer } from '@oncely/core';

export type CapturedPayload =
  | { complete: true; body: Uint8Array }
  /** Past the limit: send `payload` (the original, or a stream that replays what was read). */
  | { complete: false; body: Uint8Array; payload: unknown };

/**
 * Read the serialized payload `onSend` sees: a string, a Buffer, a stream, or nothing. A stream
 * is read up to `limit` bytes; past it, it is handed back whole to be streamed on.
 */
export function capturePayload(
  payload: unknown,
  limit: number,
): CapturedPayload | Promise<CapturedPayload> {
  if (payload instanceof Readable) return captureStream(payload, limit);
  // A string or a Buffer, the usual payload, is read at once: no promise to wait for.
  const body = toBuffer(payload);
  if (body.byteLength > limit) return { complete: false, body, payload };
  return { complete: true, body };
}

async function captureStream(payload: Readable, limit: number): Promise<CapturedPayload> {
  const read = await readBounded(payload, limit);
  return read.complete ? read : { complete: false, body: read.body, payload: read.stream };
}
