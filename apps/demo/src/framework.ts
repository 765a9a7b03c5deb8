/** The web framework the demo's API runs on: `ONCELY_FRAMEWORK`, default Fastify. */
export type FrameworkName = 'fastify' | 'hono';

export function frameworkName(value: string | undefined): FrameworkName {
  const name = value ?? 'fastify';
  if (name !== 'fastify' && name !== 'hono') {
    throw new Error(`ONCELY_FRAMEWORK must be fastify or hono, not ${JSON.stringify(name)}`);
  }
  return name;
}
