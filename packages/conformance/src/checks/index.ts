import type { CheckName } from '../check-names.js';
import { acquireChecks } from './acquire.js';
import { capabilityChecks } from './capabilities.js';
import type { Check } from './check.js';
import { completeChecks } from './complete.js';
import { durationChecks } from './durations.js';
import { keyChecks } from './keys.js';
import { keyEncodingChecks } from './keys-encoding.js';
import { leaseChecks } from './lease.js';
import { lifecycleChecks } from './lifecycle.js';
import { limitChecks } from './limits.js';
import { ownershipChecks } from './ownership.js';
import { replayChecks } from './replay.js';
import { retentionChecks } from './retention.js';
import { stateChecks } from './states.js';
import { transitionChecks } from './transitions.js';

const groups = [
  capabilityChecks,
  acquireChecks,
  completeChecks,
  replayChecks,
  lifecycleChecks,
  leaseChecks,
  ownershipChecks,
  keyChecks,
  limitChecks,
  transitionChecks,
  retentionChecks,
  stateChecks,
  durationChecks,
  keyEncodingChecks,
];

/** The implementation of a named check (every name in CHECK_NAMES has exactly one). */
export function checkNamed(name: CheckName): Check {
  for (const group of groups) {
    const check = group[name];
    if (check) return check;
  }
  throw new Error(`@oncely/conformance: no implementation for check "${name}"`);
}

/** Names implemented by more than one group or by none (the package's own test keeps this empty). */
export function checkCoverageProblems(names: readonly CheckName[]): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const count = groups.filter((group) => group[name] !== undefined).length;
    if (count !== 1) problems.push(`${name}: implemented ${count} times`);
  }
  const known = new Set<string>(names);
  for (const group of groups) {
    for (const name of Object.keys(group)) {
      if (!known.has(name)) problems.push(`${name}: implemented but not listed`);
    }
  }
  return problems;
}
