import { formatReport } from './report.js';
import { storeName } from './store.js';
import { runDemo } from './stories.js';

// `pnpm demo`, `pnpm demo --store redis` or `ONCELY_STORE=redis pnpm demo`.
const args = process.argv.slice(2);
const flag = args.findIndex((arg) => arg === '--store' || arg.startsWith('--store='));
const fromFlag = flag === -1 ? undefined : (args[flag]?.split('=')[1] ?? args[flag + 1]);
const store = storeName(fromFlag ?? process.env.ONCELY_STORE);

const report = await runDemo({ store });
console.log(formatReport(report));
