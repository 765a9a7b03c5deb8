// The module the suite's race workers import. A worker thread runs plain Node, without
// vitest's TypeScript transform, so this file registers tsx's loader first, then loads the
// TypeScript store.
import { register } from 'tsx/esm/api';

register();
export const { createStore } = await import('./sqlite-store.ts');
