/**
 * `Retry-After` in milliseconds from `now` (RFC 9110 section 10.2.3): delay-seconds or an
 * HTTP-date. `undefined` when absent or unreadable, 0 for a date already past.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP-date names a day of the week and a month: never a bare number.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
