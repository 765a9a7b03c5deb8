/**
 * A retry delay drawn uniformly from [0, ceilingMs) ("full jitter"). Keys that failed at the
 * same instant (every request in flight when a store went away) would otherwise retry at the
 * same instants too, and hit the store in bursts just as it recovers.
 */
export function fullJitter(ceilingMs: number): number {
  return Math.random() * ceilingMs;
}
