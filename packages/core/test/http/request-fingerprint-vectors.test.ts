import { describe, expect, it } from 'vitest';
import { type HttpRequest, requestFingerprint } from '../../src/index.js';

/*
 * Fingerprints are stored with every record (in Redis, Postgres, DynamoDB), so they must not
 * change between versions: a retry that arrives after an upgrade would be refused as a
 * different request (422). These values were computed by the implementation of 2026-12-03;
 * a change that moves any of them changes what users have stored.
 */
const json = { 'content-type': 'application/json' };
const requests: Record<string, HttpRequest> = {
  'a parsed JSON order': {
    method: 'POST',
    path: '/orders',
    query: '',
    headers: json,
    body: { amount: 4200, currency: 'EUR', items: [{ sku: 'a', quantity: 1 }] },
  },
  'keys out of order, nested': {
    method: 'post',
    path: '/orders',
    query: '',
    headers: json,
    body: { z: { b: 1, a: [2, { d: null, c: true }] }, a: -0, n: 1e21 },
  },
  'a raw JSON string body': {
    method: 'POST',
    path: '/orders',
    query: '',
    headers: json,
    body: '{ "b": "x", "a": 1 }',
  },
  'raw bytes': {
    method: 'PUT',
    path: '/files/1',
    query: '',
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.from([0, 1, 2, 255]),
  },
  'a text body': {
    method: 'POST',
    path: '/notes',
    query: '',
    headers: { 'content-type': 'text/plain' },
    body: 'héllo',
  },
  'a query in any order': {
    method: 'POST',
    path: '/orders',
    query: 'b=2&a=1&a=0',
    headers: {},
    body: undefined,
  },
  'no body': { method: 'DELETE', path: '/orders/7', query: undefined, headers: {} },
  'unicode and escapes': {
    method: 'POST',
    path: '/ü/"q"',
    query: 'ä=ö',
    headers: json,
    body: { é: 'line\nbreak\u2028', emoji: '😀', lone: '\ud800' },
  },
  'no canonical form (Infinity)': {
    method: 'POST',
    path: '/orders',
    query: '',
    headers: json,
    body: { big: Number.POSITIVE_INFINITY },
  },
  'bytes inside data': {
    method: 'POST',
    path: '/x',
    query: '',
    headers: {},
    body: { file: new Uint8Array([1, 2, 3]), name: 'f' },
  },
  'a Date inside data': {
    method: 'POST',
    path: '/x',
    query: '',
    headers: {},
    body: { at: new Date(0) },
  },
};

const pinned: Record<string, string> = {
  'a parsed JSON order': 'cd0bab1d614fb23ca2c17342ddef9e27fdbd048b47c863438c7a7dfda7dd700f',
  'keys out of order, nested': 'ad8dd235151a195619dc82ef3ba04864951eb35952dc0b3135665ee8d9b1023c',
  'a raw JSON string body': 'b2df94478bb1c5ea1c93b654c0acd0d6a9b85c7abcfa6b31946cf8d3e138cc62',
  'raw bytes': 'a88ba87d2c7b3bf9d8fcdf0a7f89a70cad9d20fa736cd896e2628c46fd054a2a',
  'a text body': 'd8a9c9bcbba0ed5e32ef37513d6f671713f125ac4eb7e2a92cd4c4c5a58b56ed',
  'a query in any order': 'fb371215635e9b323f70f1101787b5ff69e12b1b551e49418026c52449f027ca',
  'no body': '8eb4c37711c42ef276449d934922814f22b727289b6098f18d63bca7e888dbc0',
  'unicode and escapes': '4b01e5c72c5be759c53869aff9d066f3934a81d54948352d26cc7f65f98d25ce',
  'no canonical form (Infinity)':
    '047182843757d2dc2d20903552603db858aea9649de975f904c0697f8e37a2a6',
  'bytes inside data': '3d212a8a594dc538e72d9de79be0fe152029f57f84fe9daebad52c705b0af15b',
  'a Date inside data': '49910f0b314eff1131905fb046111db9a2d75c4fb74259c004c36b51cc5c67a8',
};

describe('requestFingerprint is stable across versions', () => {
  for (const [name, request] of Object.entries(requests)) {
    it(`keeps the fingerprint of ${name}`, () => {
      expect(requestFingerprint(request)).toBe(pinned[name]);
    });
  }
});
