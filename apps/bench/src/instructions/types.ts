import type { Framework, LibraryId } from '../libraries/types.js';
import type { Spread } from '../stats.js';

/** `unique`: a fresh key per request (first executions); `repeated`: stored keys (replays). */
export type KeyMode = 'unique' | 'repeated';

export interface InstructionCase {
  library: LibraryId;
  framework: Framework;
  mode: KeyMode;
  /** Instructions per request, one figure per counted batch. */
  perRequest: number[];
  instructions: Spread;
}

export interface InstructionResults {
  date: string;
  seconds: number;
  node: string;
  valgrind: string;
  settings: { warmupRequests: number; requests: number; batches: number; connections: number };
  cases: InstructionCase[];
}
