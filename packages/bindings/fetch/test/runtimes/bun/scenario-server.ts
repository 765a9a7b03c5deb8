import type { ScenarioReply } from '@oncely/http-scenarios';
import { scenarioRoutes } from '../../server.js';
import type { RemoteConfig } from '../control.js';
import { encode } from '../wire.js';
import { ControlClient } from './control-client.js';
import { remoteOptions, remoteStore } from './remote-options.js';

// The fetch binding's scenario server under Bun: the same routes and seams as on Node
// (`scenarioRoutes`), with the app, the store and the option functions in the test process.
const config = JSON.parse(process.env.ONCELY_RUNTIME_CONFIG ?? '{}') as RemoteConfig;
const control = new ControlClient(config.control);
const announce = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

// What this runtime logs or warns goes to the test process, where a scenario may watch it.
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
  console[method] = (...args: unknown[]) => void control.callSync(`/console/${method}`, args);
}
process.on('warning', (warning) => void control.callSync('/warning', [warning]));

try {
  const store = remoteStore(control, config.capabilities);
  const idempotency = {
    ...remoteOptions(control, 'options', config.options, config.functions),
    store,
  };
  const routeLevel =
    config.seams.routeLevel &&
    remoteOptions(control, 'routeLevel', config.seams.routeLevel, config.routeLevelFunctions);
  const fetch = scenarioRoutes(
    (name, input) => control.handle(name, input) as Promise<ScenarioReply>,
    {
      idempotency: idempotency as never,
      seams: { ...config.seams, routeLevel },
      compress: config.compress,
    },
  );
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch });
  announce({ url: `http://127.0.0.1:${server.port}` });
} catch (error) {
  // Options the binding refuses at setup: the test process sees the error as it was thrown.
  announce({ error: encode(error) });
}
