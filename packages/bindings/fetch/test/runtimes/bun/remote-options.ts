import { STORE_METHODS, type Store } from '@oncely/core';
import type { FunctionCalls, RemoteConfig } from '../control.js';
import type { ControlClient } from './control-client.js';

/** The test process's store, reached through the control server: every operation goes there. */
export function remoteStore(control: ControlClient, capabilities: Store['capabilities']): Store {
  const store: Record<string, unknown> = { capabilities };
  for (const method of STORE_METHODS) {
    store[method] = (...args: unknown[]) => control.call(`/store/${method}`, args);
  }
  return store as unknown as Store;
}

/** Options with each function the test gave made a call to it in the test process. */
export function remoteOptions(
  control: ControlClient,
  where: string,
  portable: Record<string, unknown>,
  functions: FunctionCalls,
): Record<string, unknown> {
  const options = { ...portable };
  for (const [field, mode] of Object.entries(functions)) {
    const path = `/call/${where}.${field}`;
    options[field] =
      mode === 'sync'
        ? (...args: unknown[]) => control.callSync(path, args)
        : (...args: unknown[]) => control.call(path, args);
  }
  return options;
}

export type { RemoteConfig };
