import { describe } from 'vitest';
import type { HttpScenarioTarget } from '../run.js';
import { authOrder } from './auth-order.js';
import { nesting } from './nesting.js';
import { nestingAnswers } from './nesting-answers.js';
import { principals } from './principals.js';
import { problemsRouting } from './problems-routing.js';

export type { SeamOptions } from './options.js';
export {
  bearer,
  SCENARIO_JWT_SECRET,
  type ScenarioUser,
  signToken,
  verifyToken,
} from './tokens.js';

/**
 * Where oncely meets the rest of an app (issue 13): callers with other credentials, auth
 * mounted before or after it, unmatched routes, nested registrations, the app's own error
 * handling. Each target wires the seams its framework's way (`ScenarioServerOptions.seams`).
 */
export function runSeamScenarios(target: HttpScenarioTarget): void {
  describe(`seams: ${target.name}`, () => {
    principals(target);
    authOrder(target);
    nesting(target);
    nestingAnswers(target);
    problemsRouting(target);
  });
}
