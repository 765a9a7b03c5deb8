import { InvalidArgumentError } from '@oncely/core';
import { describe, expect, it } from 'vitest';
import { runStoreConformance } from '../src/index.js';
import { ReferenceStore } from './reference-store.js';

const valid = { test: () => undefined, createStore: () => new ReferenceStore() };

function fieldOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  return undefined;
}

describe('runStoreConformance options', () => {
  it.each([
    ['test', { ...valid, test: undefined }],
    ['createStore', { ...valid, createStore: 'store' }],
    ['describe', { ...valid, describe: {} }],
    ['destroyStore', { ...valid, destroyStore: 1 }],
    ['timing', { ...valid, timing: 200 }],
    ['timing.unitMs', { ...valid, timing: { unitMs: 0 } }],
    ['timing.unitMs', { ...valid, timing: { unitMs: Number.NaN } }],
    ['timing.checkTimeoutMs', { ...valid, timing: { checkTimeoutMs: 0 } }],
    ['timing.checkTimeoutMs', { ...valid, timing: { checkTimeoutMs: '5s' } }],
    ['workers', { ...valid, workers: 'store.mjs' }],
    ['workers.module', { ...valid, workers: { module: './store.mjs' } }],
    ['workers.module', { ...valid, workers: {} }],
    ['name', { ...valid, name: '' }],
  ])('rejects a bad %s, naming the field', (field, options) => {
    expect(fieldOf(() => runStoreConformance(options as never))).toBe(field);
  });

  it('rejects a missing options object', () => {
    expect(fieldOf(() => runStoreConformance(undefined as never))).toBe('options');
  });

  it('groups the checks under the name with describe, and passes each a timeout', () => {
    const groups: string[] = [];
    const timeouts: Array<number | undefined> = [];
    runStoreConformance({
      ...valid,
      name: 'my store',
      describe: (name, body) => {
        groups.push(name);
        body();
      },
      test: (_name, _body, timeoutMs) => {
        timeouts.push(timeoutMs);
      },
      timing: { unitMs: 1000 },
    });
    expect(groups).toEqual(['my store']);
    expect(timeouts.length).toBeGreaterThan(30);
    // A slower unit gives each check more time: the timed checks sleep several units.
    for (const timeout of timeouts) expect(timeout).toBeGreaterThanOrEqual(20 * 1000);
  });

  it('gives every check timing.checkTimeoutMs when set, and accepts a workers module path or URL', () => {
    const timeouts: Array<number | undefined> = [];
    for (const module of [
      '/abs/store.mjs',
      'file:///abs/store.mjs',
      new URL('file:///abs/store.mjs'),
    ]) {
      runStoreConformance({
        ...valid,
        workers: { module },
        test: (_name, _body, timeoutMs) => {
          timeouts.push(timeoutMs);
        },
        timing: { checkTimeoutMs: 1234 },
      });
    }
    expect(new Set(timeouts)).toEqual(new Set([1234]));
  });
});
