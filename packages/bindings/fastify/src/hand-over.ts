import {
  type CapturedResponse,
  type HttpDecision,
  type HttpHeaders,
  type HttpIdempotency,
  type HttpResponse,
  toBuffer,
} from '@oncely/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { capturePayload } from './payload.js';

/** A request that owns its key, between preHandler and onSend. */
export interface Pending {
  decision: Promise<HttpDecision>;
  resolve: (response: CapturedResponse) => void;
  reject: (error: Error) => void;
  captured: boolean;
  reply: FastifyReply;
  settings: HttpIdempotency<FastifyRequest>['settings'];
}

export function sendNow(reply: FastifyReply, response: HttpResponse): void {
  // No body is sent as none, as the handler's own `reply.send()` was: a Buffer would add
  // `Content-Type: application/octet-stream` that the live response did not have.
  const body = response.body.byteLength === 0 ? undefined : toBuffer(response.body);
  reply.code(response.status).headers(response.headers).send(body);
}

/** Give the handler's response to the waiting `handle`, then answer what it decided to send. */
export async function handOver(
  pending: Pending,
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  const captured = capturePayload(payload, pending.settings.maxBodyBytes);
  const read = captured instanceof Promise ? await captured : captured;
  pending.resolve({
    status: reply.statusCode,
    headers: reply.getHeaders() as HttpHeaders,
    body: read.body,
    complete: read.complete,
    // Fastify's not-found handler answered: no route matched.
    unmatchedRoute: request.is404,
  });
  const outcome = await pending.decision;
  if (outcome.action !== 'send') return read.complete ? toBuffer(read.body) : read.payload;
  // The live response's headers are on the reply already (re-adding would double Set-Cookie);
  // a string or Buffer payload goes out as the handler made it (a stream was read: send bytes).
  if (outcome.source === 'live' && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
    return payload;
  }
  if (outcome.source !== 'live') {
    reply.code(outcome.response.status).headers(outcome.response.headers);
  }
  return toBuffer(outcome.response.body);
}
