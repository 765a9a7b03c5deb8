import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderCharge {
  id: string;
  amount: number;
  currency: string;
  /** The merchant's reference for the operation (the API passes its idempotency key). */
  reference: string;
  fence: number;
}

export interface ChargeRequest {
  amount: number;
  currency: string;
  reference: string;
  fence: number;
}

/** A charge call the provider holds unanswered, to play a worker stuck mid-charge. */
export interface HeldCall {
  /** Resolves when the held call has arrived. */
  arrived: Promise<void>;
  /** Let the held call go on: it is processed now, as if the worker had woken up. */
  release(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in payment provider, run by the scripted client as its own HTTP server so that it
 * outlives the API processes the client kills. It counts the charges it really made, so the
 * report states what happened rather than what should have. Like a provider that accepts a
 * fencing token, it remembers the highest fence seen per reference and refuses an older one.
 */
export class FakeProvider {
  readonly charges: ProviderCharge[] = [];
  /** Calls refused because a newer fence had been seen for their reference. */
  readonly refusedStale: ChargeRequest[] = [];
  /** Held calls whose connection closed before they were processed (the caller died). */
  readonly dropped: ChargeRequest[] = [];
  /** Make the next `n` charge calls fail with 503, like a provider having a bad minute. */
  failNext = 0;
  private readonly highestFence = new Map<string, number>();
  private holds: { arrived: () => void; released: Promise<void> }[] = [];
  private server: Server | undefined;

  constructor(private readonly latencyMs = 100) {}

  /** Hold the next charge call until `release()`. */
  holdNext(): HeldCall {
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.push({ arrived, released });
    return { arrived: arrival, release };
  }

  chargesFor(reference: string): ProviderCharge[] {
    return this.charges.filter((charge) => charge.reference === reference);
  }

  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    this.server.listen(0, '127.0.0.1');
    await new Promise((resolve) => this.server?.once('listening', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || request.url !== '/v1/charges') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChargeRequest;

    const hold = this.holds.shift();
    if (hold) {
      const closed = new Promise<'closed'>((resolve) => {
        response.once('close', () => resolve('closed'));
      });
      hold.arrived();
      if ((await Promise.race([hold.released, closed])) === 'closed') {
        this.dropped.push(call); // the caller died before we processed it: nothing happened
        return;
      }
    }
    await sleep(this.latencyMs);

    const highest = this.highestFence.get(call.reference) ?? 0;
    if (call.fence < highest) {
      this.refusedStale.push(call);
      send(response, 409, { error: 'stale_fence', fence: call.fence, highest });
      return;
    }
    this.highestFence.set(call.reference, call.fence);
    if (this.failNext > 0) {
      this.failNext--;
      send(response, 503, { error: 'temporarily_unavailable' });
      return;
    }
    const charge = { id: `ch_${randomUUID().slice(0, 8)}`, ...call };
    this.charges.push(charge);
    send(response, 201, charge);
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
