import { createHmac, timingSafeEqual } from 'node:crypto';

/** The HS256 secret every scenario server's real auth middleware verifies tokens with. */
export const SCENARIO_JWT_SECRET = 'oncely-scenario-secret-not-for-production';

/** Who a scenario token says is calling. */
export interface ScenarioUser {
  sub: string;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An HS256 JWT for `sub`, as the auth middleware of each framework accepts it (@fastify/jwt,
 * koa-jwt, and the passport bearer check). `nonce` makes a new token for the same principal, as
 * a token refresh does.
 */
export function signToken(sub: string, nonce = 0, secret = SCENARIO_JWT_SECRET): string {
  const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64(JSON.stringify({ sub, nonce, iat: 1_700_000_000 }));
  const mac = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64(mac)}`;
}

/** The user a valid token names, or `undefined` (for a bearer strategy's verify callback). */
export function verifyToken(token: string): ScenarioUser | undefined {
  const [head, body, mac] = token.split('.');
  if (!head || !body || !mac) return undefined;
  const expected = createHmac('sha256', SCENARIO_JWT_SECRET).update(`${head}.${body}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { sub?: unknown };
  return typeof claims.sub === 'string' ? { sub: claims.sub } : undefined;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
