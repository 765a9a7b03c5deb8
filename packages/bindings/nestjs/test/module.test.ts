import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  Body,
  type CallHandler,
  Controller,
  type ExecutionContext,
  Inject,
  Injectable,
  Module,
  type NestInterceptor,
  Post,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { RunContext } from '@oncely/core';
import { createAttemptProbe, PROBE_LEASE_MS, send } from '@oncely/http-scenarios';
import { MemoryStore } from '@oncely/memory';
import { map, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  IdempotencyAttempt,
  IdempotencyInterceptor,
  Idempotent,
  type NestIdempotencyOptions,
  OncelyModule,
} from '../src/index.js';
import { listenOn } from './server.js';

/** Counts runs per route, so a test tells a replay from a second execution. */
const runs = new Map<string, number>();
const run = (name: string) => {
  const n = (runs.get(name) ?? 0) + 1;
  runs.set(name, n);
  return { name, run: n };
};

@Controller()
class Routes {
  @Post('plain')
  plain() {
    return run('plain');
  }

  @Post('marked')
  @Idempotent()
  marked() {
    return run('marked');
  }

  @Post('off')
  @Idempotent(false)
  off() {
    return run('off');
  }

  @Post('twice')
  @Idempotent()
  @UseInterceptors(IdempotencyInterceptor)
  twice() {
    return run('twice');
  }

  /** Writes the response itself (`@Res()`): Nest writes nothing for it. */
  @Post('own')
  @Idempotent()
  own(@Res() res: NestResponse) {
    const body = run('own');
    if (res.raw) res.code(201).send(body);
    else res.status(201).json(body);
  }
}

type NestResponse = {
  raw?: unknown;
  code(status: number): { send(body: unknown): void };
  status(status: number): { json(body: unknown): void };
};

/** A store made by the app's own provider, as a Redis or Postgres client would be. */
@Injectable()
class StoreHolder {
  readonly store = new MemoryStore();
}

@Module({ providers: [StoreHolder], exports: [StoreHolder] })
class StoreModule {}

function appWith(routes: NestIdempotencyOptions['routes'], problems?: 'throw') {
  @Module({
    imports: [
      OncelyModule.forRootAsync({
        imports: [StoreModule],
        inject: [StoreHolder],
        useFactory: (holder: StoreHolder) => ({ store: holder.store, routes, problems }),
      }),
    ],
    controllers: [Routes],
  })
  class App {}
  return App;
}

async function twice(url: string, body: unknown = { a: 1 }) {
  const key = randomUUID();
  const first = await send(url, { key, body });
  const again = await send(url, { key, body });
  return { first, again, replayed: again.headers.get('idempotent-replayed') === 'true' };
}

for (const platform of ['express', 'fastify'] as const) {
  describe(`nest on ${platform}`, () => {
    it('opt-in (default): only @Idempotent() handlers use keys; the store comes from DI', async () => {
      const server = await listenOn(platform, appWith(undefined));
      try {
        const marked = await twice(`${server.url}/marked`);
        expect(marked.replayed).toBe(true);
        expect(marked.again.body.equals(marked.first.body)).toBe(true);
        const plain = await twice(`${server.url}/plain`);
        expect(plain.replayed).toBe(false);
        expect(plain.again.json()).toMatchObject({
          run: (plain.first.json() as { run: number }).run + 1,
        });
      } finally {
        await server.close();
      }
    });

    it('routes "all": every handler but @Idempotent(false); one run when the interceptor is bound twice', async () => {
      const server = await listenOn(platform, appWith('all'));
      try {
        expect((await twice(`${server.url}/plain`)).replayed).toBe(true);
        expect((await twice(`${server.url}/off`)).replayed).toBe(false);
        const before = runs.get('twice') ?? 0;
        const bound = await twice(`${server.url}/twice`);
        expect(bound.first.status).toBe(201);
        expect(bound.replayed).toBe(true);
        expect(runs.get('twice')).toBe(before + 1);
      } finally {
        await server.close();
      }
    });

    it('a handler that writes the response itself (@Res()): its replay and its problems are sent', async () => {
      const server = await listenOn(platform, appWith(undefined));
      try {
        const { first, again, replayed } = await twice(`${server.url}/own`);
        expect(first.status).toBe(201);
        expect(replayed).toBe(true);
        expect(again.body.equals(first.body)).toBe(true);
        const key = randomUUID();
        await send(`${server.url}/own`, { key, body: { a: 1 } });
        const reused = await send(`${server.url}/own`, { key, body: { a: 2 } });
        expect(reused.status).toBe(422);
      } finally {
        await server.close();
      }
    });

    it('problems: "throw" without a filter of the app: Nest renders the IdempotencyException', async () => {
      const server = await listenOn(platform, appWith(undefined, 'throw'));
      try {
        const key = randomUUID();
        await send(`${server.url}/marked`, { key, body: { a: 1 } });
        const reused = await send(`${server.url}/marked`, { key, body: { a: 2 } });
        expect(reused.status).toBe(422);
        expect(reused.json()).toMatchObject({
          type: 'https://oncely.dev/problems/fingerprint-mismatch',
          status: 422,
        });
      } finally {
        await server.close();
      }
    });

    it('@IdempotencyAttempt() gives the handler its fence and signal; a takeover a larger fence', async () => {
      const probe = createAttemptProbe();
      @Controller()
      class Work {
        @Post('work')
        @Idempotent()
        work(@IdempotencyAttempt() attempt: RunContext | undefined, @Body() _body: unknown) {
          return probe.respond(attempt);
        }
      }
      @Module({
        imports: [
          OncelyModule.forRoot({
            store: new MemoryStore(),
            lease: PROBE_LEASE_MS,
            heartbeat: false,
          }),
        ],
        controllers: [Work],
      })
      class App {}
      const server = await listenOn(platform, App);
      try {
        await probe.check(`${server.url}/work`);
      } finally {
        await server.close();
      }
    });
  });
}

/** An app's response envelope, as in Nest's docs: `{ data }` around every result. */
@Injectable()
class Envelope implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data) => ({ data })));
  }
}

describe.each(['express', 'fastify'] as const)(
  'nest on %s, an interceptor outside oncely',
  (platform) => {
    it('wraps the live response; the replay is its exact bytes and headers, not a wrapped placeholder', async () => {
      @Module({
        imports: [OncelyModule.forRoot({ store: new MemoryStore() })],
        controllers: [Routes],
        // The root module's global interceptor runs outside the one OncelyModule installs.
        providers: [{ provide: APP_INTERCEPTOR, useClass: Envelope }],
      })
      class App {}
      const server = await listenOn(platform, App);
      try {
        const { first, again, replayed } = await twice(`${server.url}/marked`);
        expect(first.json()).toMatchObject({ data: { name: 'marked' } });
        expect(replayed).toBe(true);
        expect(again.status).toBe(201);
        expect(again.body.equals(first.body)).toBe(true);
        for (const name of ['content-type', 'content-length', 'etag']) {
          expect(again.headers.get(name), name).toBe(first.headers.get(name));
        }
      } finally {
        await server.close();
      }
    });
  },
);

describe('forRootAsync with useClass', () => {
  it("takes the options from the class's create(), with the class's own injections", async () => {
    @Injectable()
    class OncelyOptions {
      constructor(@Inject(StoreHolder) private readonly holder: StoreHolder) {}
      create(): NestIdempotencyOptions {
        return { store: this.holder.store, routes: 'all' };
      }
    }
    @Module({
      imports: [OncelyModule.forRootAsync({ imports: [StoreModule], useClass: OncelyOptions })],
      controllers: [Routes],
    })
    class App {}
    const server = await listenOn('express', App);
    try {
      expect((await twice(`${server.url}/plain`)).replayed).toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('a handler inherited by two controllers', () => {
  it("takes each controller's own setting", async () => {
    class Base {
      @Post('create')
      create() {
        return run('inherited');
      }
    }
    @Controller('on')
    @Idempotent()
    class On extends Base {}
    @Controller('off')
    class Off extends Base {}
    @Module({
      imports: [OncelyModule.forRoot({ store: new MemoryStore() })],
      controllers: [Off, On],
    })
    class App {}
    const server = await listenOn('express', App);
    try {
      expect((await twice(`${server.url}/off/create`)).replayed).toBe(false);
      expect((await twice(`${server.url}/on/create`)).replayed).toBe(true);
    } finally {
      await server.close();
    }
  });
});
