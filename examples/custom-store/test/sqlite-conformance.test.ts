import { join } from 'node:path';
import { runStoreConformance } from '@oncely/conformance';
import { afterAll, describe, test } from 'vitest';
import {
  closeStore,
  makeDirectory,
  openStore,
  prepareFile,
  removeDirectory,
} from './sqlite-database.js';

// better-sqlite3 is synchronous: within one thread no two calls interleave, so the race
// checks must run their instances in worker threads to prove acquire atomic. Every instance,
// in this thread or a worker, opens its own connection to one database file.
const directory = makeDirectory();
const file = prepareFile(join(directory, 'records.db'));

describe('SqliteStore', () => {
  afterAll(() => removeDirectory(directory));

  runStoreConformance({
    test,
    describe,
    name: 'oncely store conformance',
    createStore: () => openStore(file),
    destroyStore: closeStore,
    workers: { module: new URL('./sqlite-workers.mjs', import.meta.url), data: file },
  });
});
