import { runStories } from './stories.js';

const results = await runStories();
console.log('oncely demo: the idempotency lifecycle on the in-memory store\n');
for (const [i, result] of results.entries()) {
  console.log(`${i + 1}. ${result.title}`);
  for (const line of result.lines) console.log(`   ${line}`);
  console.log(`   measured: ${result.requests} requests, ${result.charges} charge(s) made\n`);
}
