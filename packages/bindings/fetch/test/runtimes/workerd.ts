import { probeService } from '@oncely/testing';
import { Miniflare } from 'miniflare';

/** Whether workerd (from the npm package miniflare depends on) starts; CI fails without it. */
export const workerd = await probeService('workerd (through miniflare)', async () => {
  const probe = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response("ok") }',
  });
  try {
    await probe.ready;
  } finally {
    await probe.dispose();
  }
});
