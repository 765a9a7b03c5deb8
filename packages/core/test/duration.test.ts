import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, parseDuration } from '../src/index.js';

describe('parseDuration', () => {
  it.each([
    [1500, 1500],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
    [' 2s ', 2000],
  ])('reads %j as %d ms', (input, expected) => {
    expect(parseDuration(input, 'ttl')).toBe(expected);
  });

  it.each([
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '0s',
    '-5s',
    '5 minutes',
    '1w',
    'abc',
    '10',
  ])('refuses %j with an error naming the field', (input) => {
    expect(() => parseDuration(input, 'lease')).toThrowError(InvalidArgumentError);
    expect(() => parseDuration(input, 'lease')).toThrowError(/^lease: /);
  });

  it('refuses non-duration types', () => {
    expect(() => parseDuration(null as never, 'ttl')).toThrowError(/ttl: expected a duration/);
  });
});
