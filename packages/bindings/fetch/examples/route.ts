import { idempotencyAttempt, withIdempotency } from '@oncely/fetch';
import { MemoryStore } from '@oncely/memory';

export const charges: { id: string; amount: number; customer: string; fence: number }[] = [];

// Your auth: who is calling (a session lookup, a verified JWT). Here: `Bearer <customer>`.
const customerOf = (request: Request) =>
  request.headers.get('authorization')?.replace(/^Bearer /, '') || undefined;

// A Next.js route handler (app/charges/route.ts) is exactly this: `export const POST = ...`.
// Bun.serve({ fetch: POST }), Deno.serve(POST) and a Worker's fetch take it as it is.
export const POST = withIdempotency(
  async (request) => {
    const customer = customerOf(request);
    if (!customer) return new Response('Unauthorized', { status: 401 });
    const { amount } = (await request.json()) as { amount: number };
    // `fence` grows with every attempt that owns the key: hand it to systems you write to.
    const fence = idempotencyAttempt(request)?.fence ?? 0;
    const charge = { id: `ch_${charges.length + 1}`, amount, customer, fence };
    charges.push(charge);
    return Response.json(charge, { status: 201 });
  },
  {
    store: new MemoryStore(),
    required: true,
    // Each customer's keys are their own: two customers may both send "order-42".
    scope: (_request, request) => customerOf(request),
  },
);
