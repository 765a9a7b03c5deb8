import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module, Param, Post } from '@nestjs/common';
import type { OncelyEvent } from '@oncely/core';
import { send } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import { describe, expect, it } from 'vitest';
import { Idempotent, OncelyModule } from '../src/index.js';
import { listenOn } from './server.js';

const events: OncelyEvent[] = [];

@Controller('orders')
class Orders {
  @Post(':id/pay')
  @Idempotent()
  pay(@Param('id') id: string) {
    return { paid: id };
  }
}

@Module({
  imports: [
    OncelyModule.forRoot({ store: new MemoryStore(), onEvent: (event) => events.push(event) }),
  ],
  controllers: [Orders],
})
class App {}

describe.each(['express', 'fastify'] as const)('events on nest %s', (platform) => {
  it('carry the route pattern (never the path with its ids), and Fastify’s request id', async () => {
    events.length = 0;
    const server = await listenOn(platform, App);
    try {
      const key = randomUUID();
      expect((await send(`${server.url}/orders/ord_42/pay`, { key })).status).toBe(201);
      expect((await send(`${server.url}/orders/ord_42/pay`, { key })).status).toBe(201);
    } finally {
      await server.close();
    }
    const settled = events.filter((event) => event.type === 'settled');
    expect(settled.map((event) => event.type === 'settled' && event.outcome)).toEqual([
      'executed',
      'replayed',
    ]);
    for (const event of settled) {
      expect(event.context).toMatchObject({ method: 'POST', route: '/orders/:id/pay' });
      if (platform === 'fastify') expect(event.context?.requestId).toMatch(/^req-/);
      else expect(event.context?.requestId).toBeUndefined();
    }
  });
});
