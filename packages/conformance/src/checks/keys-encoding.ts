import assert from 'node:assert/strict';
import { MAX_KEY_LENGTH, namespacedKey } from '@oncely/core';
import type { CheckGroup } from './check.js';
import { assertIndependent } from './keys.js';

/**
 * Keys are compared as the strings they are, code unit for code unit: no encoding step may
 * merge two of them. The classic merges are a latin1 round trip (only the low byte of each
 * UTF-16 unit survives) and a UTF-8 round trip of a lone surrogate (it has no UTF-8 form and
 * becomes U+FFFD).
 */

/** The longest scope core stores as it is (longer scopes are stored as a hash). */
const LONGEST_RAW_SCOPE = 1024;

/**
 * The part of a stored key after the prefix, as the engine builds it for the longest scope
 * and the longest key: the suite's key base plays the prefix.
 */
function engineKey(scope: string, key: string): string {
  assert.equal(scope.length, LONGEST_RAW_SCOPE);
  assert.equal(key.length, MAX_KEY_LENGTH);
  return namespacedKey('', scope, key);
}

const scopeOf = (unit: string) => unit.repeat(LONGEST_RAW_SCOPE / unit.length);
const lastKey = (last: string) => 'k'.repeat(MAX_KEY_LENGTH - 1) + last;

export const keyEncodingChecks: CheckGroup = {
  'keys: keys differing only in the high byte of a UTF-16 unit are independent': {
    run: (context) =>
      assertIndependent(
        context,
        context.keys('\u0041', '\u0141', '\uff41', '\u00e9', '\u01e9', '\u20ac', '\u00ac'),
        'high bytes',
      ),
  },

  'keys: keys with lone surrogates are independent records': {
    run: (context) =>
      assertIndependent(
        context,
        context.keys(
          '\ud800',
          '\ud801',
          '\udc00',
          '\udfff',
          '\ufffd',
          'a\ud800b',
          '\ud83d\udd11',
          '\udd11\ud83d',
          '\ud83d',
        ),
        'lone surrogates',
      ),
  },

  'keys: the longest key the engine stores round-trips and stays distinct': {
    async run(context) {
      // A 1024-character scope (in ASCII, in 3-byte UTF-8 characters, in surrogate pairs,
      // ending in a lone surrogate) and a 255-character key, as namespacedKey joins them.
      const cjk = scopeOf('\u9375');
      const keys = context.keys(
        engineKey(scopeOf('a'), lastKey('a')),
        engineKey(scopeOf('a'), lastKey('b')),
        engineKey(`b${scopeOf('a').slice(1)}`, lastKey('a')),
        engineKey(cjk, lastKey('a')),
        engineKey(`${cjk.slice(1)}\u9376`, lastKey('a')),
        engineKey(scopeOf('\ud83d\udd11'), lastKey('a')),
        engineKey(`${scopeOf('a').slice(1)}\ud800`, lastKey('a')),
        engineKey(`${scopeOf('a').slice(1)}\ud801`, lastKey('a')),
      );
      await assertIndependent(context, keys, 'the longest stored keys');
    },
  },
};
