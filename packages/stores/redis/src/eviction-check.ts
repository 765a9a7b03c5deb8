import type { ClientSurface } from './client.js';

/** The one policy under which Redis never drops a key to make room. */
const SAFE_POLICY = 'noeviction';

/**
 * Asks Redis for `maxmemory-policy` (on every master of a Cluster) and reports a policy that
 * can evict live records: every policy but `noeviction` can, since `volatile-*` picks among keys
 * with an expiry and every record here has one. Resolves to the warning, or undefined when the
 * policy is safe or cannot be read (CONFIG is often disabled or renamed on managed Redis).
 * Rejects only on a connection failure, so the caller may ask again later.
 */
export async function checkEvictionPolicy(client: ClientSurface): Promise<string | undefined> {
  const nodes = client.isCluster && client.nodes ? client.nodes('master') : [client];
  const policies = new Set<string>();
  for (const node of nodes) {
    let reply: unknown;
    try {
      reply = await node.config('GET', 'maxmemory-policy');
    } catch (error) {
      if (isServerRefusal(error)) return undefined;
      throw error;
    }
    const policy = Array.isArray(reply) ? reply[1] : undefined;
    if (typeof policy === 'string' && policy !== SAFE_POLICY) policies.add(policy);
  }
  if (policies.size === 0) return undefined;
  return (
    `@oncely/redis: Redis runs with maxmemory-policy ${[...policies].join(', ')}, which can evict ` +
    'idempotency records before they expire; an evicted record lets a retry run the operation ' +
    `again. Set maxmemory-policy to ${SAFE_POLICY} (see the @oncely/redis README).`
  );
}

/** An error reply from the server (ERR unknown command, NOPERM...), as opposed to a lost connection. */
function isServerRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
