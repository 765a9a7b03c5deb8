import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteRecordsTable, SqliteStore } from '../src/index.js';

/** A directory of this test run's own for its database files; remove it with removeDirectory. */
export function makeDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'oncely-example-sqlite-'));
}

export function removeDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
}

/** What every instance needs to open the same database: it crosses into worker threads as is. */
export interface SqliteFile {
  path: string;
}

/**
 * A store over its own connection to the file, as each process or worker of an application
 * would open one. The table is created once by `prepareFile`.
 */
export function openStore({ path }: SqliteFile): SqliteStore {
  // Writers wait for the lock up to 10 s; this blocks the calling thread while they wait.
  const database = new Database(path, { timeout: 10_000 });
  const store = new SqliteStore({ database });
  connections.set(store, database);
  return store;
}

const connections = new WeakMap<object, Database.Database>();

/** Closes the connection the store was given (the store never closes it itself). */
export async function closeStore(store: object): Promise<void> {
  connections.get(store)?.close();
}

export function prepareFile(path: string): SqliteFile {
  const database = new Database(path);
  createSqliteRecordsTable(database);
  database.close();
  return { path };
}
