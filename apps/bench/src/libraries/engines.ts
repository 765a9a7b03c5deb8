import { baselineEngine } from './baseline.js';
import { nodeIdempotencyEngine } from './node-idempotency.js';
import { oncelyEngine } from './oncely.js';
import { powertoolsEngine } from './powertools.js';
import type { EngineSubject, LibraryId, StoreTarget } from './types.js';

/** Build the engine-level subject for a library on a store. */
export async function engineSubject(
  library: LibraryId,
  target: StoreTarget,
): Promise<EngineSubject> {
  switch (library) {
    case 'baseline':
      return baselineEngine();
    case 'oncely':
      return oncelyEngine(target);
    case 'oncely-otel-noop':
      return oncelyEngine(target, 'noop');
    case 'oncely-otel-sdk':
      return oncelyEngine(target, 'sdk');
    case 'node-idempotency':
      return nodeIdempotencyEngine(target);
    case 'powertools':
      return powertoolsEngine(target);
    case 'express-idempotency':
      throw new Error('express-idempotency is Express middleware only; it has no engine API');
  }
}
