import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createIdempotency, StoreUnavailableError } from '@oncely/core';
import { freePort } from '@oncely/testing';
import { LOCAL_CLIENT_CONFIG } from '@oncely/testing/dynamodb-local';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../examples/quickstart.js';
import { DynamoDBStore } from '../src/index.js';
import { countRequests } from './helpers.js';

/**
 * A store over the README's recommended client (3 attempts, 1 s timeouts) pointed at
 * `endpoint`, run through the engine with its default 5 s store timeout. The SDK must give up
 * by itself, after its retries, before that timeout: the error's cause is the SDK's own.
 */
async function runAgainst(endpoint: string) {
  const client = createClient({ ...LOCAL_CLIENT_CONFIG, endpoint });
  const log = countRequests(client);
  const idempotency = createIdempotency({
    store: new DynamoDBStore({ client, tableName: 'oncely' }),
  });
  let ran = false;
  const error = await idempotency
    .run({ key: randomUUID() }, () => {
      ran = true;
      return 'ran';
    })
    .catch((caught: unknown) => caught);
  client.destroy();
  return { error, ran, log };
}

function expectUnavailable(
  outcome: Awaited<ReturnType<typeof runAgainst>>,
  cause: (error: Error) => boolean,
) {
  expect(outcome.error).toBeInstanceOf(StoreUnavailableError);
  const unavailable = outcome.error as StoreUnavailableError;
  expect(unavailable.cause).toBeInstanceOf(Error);
  // Not the engine's "no answer within 5000 ms": the SDK finished its retries first.
  expect(cause(unavailable.cause as Error)).toBe(true);
  expect(outcome.ran).toBe(false);
  expect(outcome.log.commands).toEqual(['UpdateItem']);
  expect(outcome.log.attempts).toBe(3);
}

describe('when DynamoDB cannot answer', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('fails closed with StoreUnavailableError when nothing listens, after the SDK retried', async () => {
    const port = await freePort();
    const outcome = await runAgainst(`http://127.0.0.1:${port}`);
    expectUnavailable(outcome, (cause) =>
      /ECONNREFUSED/.test(`${(cause as { code?: string }).code} ${cause.message}`),
    );
  });

  it('fails closed when the endpoint accepts connections but never answers (request timeout)', async () => {
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    servers.push(server);
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const outcome = await runAgainst(`http://127.0.0.1:${port}`);
    expectUnavailable(
      outcome,
      (cause) => cause.name === 'TimeoutError' || /timed? ?out/i.test(cause.message),
    );
  });

  it('fails closed when DynamoDB keeps throttling, after the SDK backed off and retried', async () => {
    // Answers every request the way DynamoDB answers when it throttles.
    const server = createHttpServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': randomUUID(),
        });
        response.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
            message: 'Rate of requests exceeds the allowed throughput.',
          }),
        );
      });
    });
    servers.push(server);
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const outcome = await runAgainst(`http://127.0.0.1:${port}`);
    expectUnavailable(outcome, (cause) => cause.name === 'ThrottlingException');
  });
});
