// The module @oncely/conformance's race workers import: each worker thread opens its own
// connection to the test's database file. Worker threads run plain Node, without vitest's
// TypeScript transform, so this file registers tsx's loader and then loads the helpers.
import { register } from 'tsx/esm/api';

register();
const { openStore, closeStore } = await import('./sqlite-database.ts');

export const createStore = openStore;
export const destroyStore = closeStore;
