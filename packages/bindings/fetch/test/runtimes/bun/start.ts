import { fileURLToPath } from 'node:url';
import type { ScenarioServer, ScenarioServerOptions } from '@oncely/http-scenarios';
import { startControl } from '../control.js';
import { spawnServer, stop } from '../spawn.js';
import { bunBinary } from './binary.js';

const script = fileURLToPath(new URL('./scenario-server.ts', import.meta.url));

/** A scenario server whose binding runs under Bun, in front of this process's app and store. */
export async function startBunFetch(options: ScenarioServerOptions): Promise<ScenarioServer> {
  const control = await startControl(options);
  const config = JSON.stringify({ ...control.config, control: control.url });
  try {
    const { url, child } = await spawnServer(bunBinary, [script], {
      ONCELY_RUNTIME_CONFIG: config,
    });
    return {
      url,
      close: async () => {
        await stop(child);
        await control.close();
      },
    };
  } catch (error) {
    await control.close();
    throw error;
  }
}
