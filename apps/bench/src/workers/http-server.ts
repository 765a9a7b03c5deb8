/**
 * Child process: one library's server on 127.0.0.1, away from the load generator's event loop.
 * It answers IPC questions: how often the business logic really ran, the CPU time it has used
 * (user + system, so the parent can take the delta over a measured window), and the memory it
 * holds after a GC. Node's default GC settings: a real server's.
 */
import { listen } from '../http/app.js';
import { APPS } from '../http/apps.js';
import { createOrder } from '../libraries/order.js';
import type { Framework, LibraryId, StoreTarget } from '../libraries/types.js';
import { allowedCpus } from '../pinning.js';
import { forceGc, heldBytes } from './measure.js';
import { announce, workerArguments } from './protocol.js';

export interface ServerJob {
  library: LibraryId;
  framework: Framework;
  target: StoreTarget;
}

const job = workerArguments<ServerJob>();
let executions = 0;
const app = await listen(await APPS[job.library](), job.framework, job.target, (request) => {
  executions++;
  return createOrder(request);
});

process.on('message', async (message: { type?: string }) => {
  if (message?.type === 'executions') announce({ type: 'executions', executions });
  if (message?.type === 'cpu') {
    const used = process.cpuUsage();
    announce({ type: 'cpu', micros: used.user + used.system });
  }
  if (message?.type === 'heap') {
    forceGc();
    announce({ type: 'heap', heldBytes: heldBytes() });
  }
  if (message?.type === 'close') {
    await app.close();
    announce({ type: 'closed' });
    process.exit(0);
  }
});
process.on('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
announce({ type: 'ready', port: app.port, cpus: allowedCpus() });
