import { InvalidArgumentError } from './errors.js';

/** A duration in milliseconds, or a string such as `"500ms"`, `"30s"`, `"5m"`, `"24h"`, `"7d"`. */
export type Duration = number | string;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parse a duration into whole, positive milliseconds. Throws `InvalidArgumentError` naming
 * `field` for anything else, so a bad option fails at construction, not at the first request.
 */
export function parseDuration(value: Duration, field: string): number {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value)) {
      throw new InvalidArgumentError(field, `expected whole milliseconds, got ${value}`);
    }
    ms = value;
  } else if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value.trim());
    if (!match) {
      throw new InvalidArgumentError(
        field,
        `cannot read duration ${JSON.stringify(value)}; use milliseconds or e.g. "500ms", "30s", "5m", "24h", "7d"`,
      );
    }
    ms = Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  } else {
    throw new InvalidArgumentError(field, `expected a duration, got ${typeof value}`);
  }
  if (ms <= 0) throw new InvalidArgumentError(field, `must be positive, got ${String(value)}`);
  if (ms > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(field, 'is too large');
  return ms;
}

/** The longest delay a Node timer honours; leases drive timers, so they must fit. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
