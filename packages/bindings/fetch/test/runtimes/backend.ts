import {
  listenFetch,
  type ScenarioApp,
  type ScenarioServer,
  webScenarioBody,
  webScenarioInput,
} from '@oncely/http-scenarios';
import type { Envelope } from './app.js';

/**
 * The scenario app in the test process, asked by the handler in the other runtime: the request
 * as it reached the handler comes in, the reply goes back as an envelope (a stream as its size,
 * so the other runtime streams it itself).
 */
export async function startBackend(app: ScenarioApp): Promise<ScenarioServer> {
  return listenFetch(async (asked) => {
    const sent = (await asked.json()) as {
      method: string;
      headers: [string, string][];
      body: string | null;
    };
    const url = new URL(asked.url);
    const request = new Request(url, {
      method: sent.method,
      headers: sent.headers,
      body: sent.body === null ? null : Buffer.from(sent.body, 'base64'),
    });
    const parsed = await webScenarioBody(request);
    if (parsed instanceof Response) {
      const bytes = Buffer.from(await parsed.arrayBuffer());
      return Response.json(envelope(parsed.status, [...parsed.headers], bytes));
    }
    const name = url.pathname.slice('/r/'.length);
    const reply = await app.handle(name, webScenarioInput(request, parsed.body));
    const headers: [string, string][] = [];
    for (const [header, value] of Object.entries(reply.headers)) {
      for (const item of Array.isArray(value) ? value : [value]) headers.push([header, item]);
    }
    const { body } = reply;
    if (body.kind === 'stream') {
      headers.push(['content-type', 'application/octet-stream']);
      const size = Number(url.searchParams.get('size') ?? 0);
      body.value.destroy();
      return Response.json({ status: reply.status, headers, body: { kind: 'stream', size } });
    }
    let bytes: Buffer | undefined;
    if (body.kind === 'json') {
      headers.push(['content-type', 'application/json; charset=utf-8']);
      bytes = Buffer.from(JSON.stringify(body.value));
    } else if (body.kind === 'text') {
      headers.push(['content-type', 'text/plain; charset=utf-8']);
      bytes = Buffer.from(body.value);
    } else if (body.kind === 'bytes') {
      headers.push(['content-type', 'application/octet-stream']);
      bytes = body.value;
    } else if (body.kind === 'empty') bytes = Buffer.alloc(0);
    return Response.json(envelope(reply.status, headers, bytes));
  });
}

function envelope(status: number, headers: [string, string][], bytes?: Buffer): Envelope {
  return {
    status,
    headers,
    body:
      bytes === undefined ? { kind: 'none' } : { kind: 'bytes', base64: bytes.toString('base64') },
  };
}
