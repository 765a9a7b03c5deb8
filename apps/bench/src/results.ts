import type { LibraryInfo } from './libraries/catalog.js';
import type { MachineInfo } from './machine.js';
import type { Pinning } from './pinning.js';
import type { AccountingRow } from './scenarios/accounting.js';
import type { EngineRow } from './scenarios/engine.js';
import type { HttpRow } from './scenarios/http.js';
import type { MemoryRow } from './scenarios/memory.js';
import type { PostgresRow } from './scenarios/postgres.js';
import type { ScaleRow } from './scenarios/scale.js';
import type { TelemetryRow } from './scenarios/telemetry.js';
import type { Spread } from './stats.js';

export type TargetStatus = 'PASS' | 'MISS' | 'NOT MEASURED';

/** One figure a target is judged on: what was measured, the bound its median must clear. */
export interface TargetFigure {
  figure: string;
  /** Median and min–max over rounds (or samples); absent when the case did not run. */
  measured?: Spread;
  unit: '×' | 'µs' | 'round trips' | 'bytes';
  bound: { atLeast?: number; atMost?: number };
  status: TargetStatus;
}

export interface TargetResult {
  target: string;
  /** PASS when every figure's median clears its bound; MISS when one does not; else NOT MEASURED. */
  status: TargetStatus;
  detail: string;
  figures: TargetFigure[];
}

/** Everything one run measured; results.json is this object. */
export interface BenchResults {
  date: string;
  quick: boolean;
  /** Every case ran once per round; figures are the median and min–max over rounds. */
  rounds: number;
  /** The order cases ran in, per round, for each scenario measured in rounds. */
  roundOrders: Record<string, string[][]>;
  durationSeconds: number;
  /** Wall-clock seconds of each scenario that ran. */
  scenarioSeconds: Partial<Record<string, number>>;
  /**
   * Percent of the machine's CPU time (all CPUs, /proc/stat) the hypervisor stole while each
   * scenario ran; absent where the kernel does not say.
   */
  scenarioStealPercent?: Partial<Record<string, number>>;
  /**
   * Whether /proc/stat's steal counter had counted anything since the machine booted, read at
   * the end of the run. A kernel that does not account steal keeps it at 0, and then the 0%
   * above says nothing about the host; absent where there is no /proc/stat.
   */
  stealCountedSinceBoot?: boolean;
  machine: MachineInfo;
  /** Which CPUs the server under test, the load generator and Redis were given. */
  pinning: Pinning;
  redis: { version: string; dedicated: boolean };
  settings: {
    httpSeconds: number;
    warmupSeconds: number;
    connections: number;
    engineSeconds: number;
    scaleSteps: number[];
    scaleSampleOperations: number;
    scaleSamples: number;
  };
  libraries: (LibraryInfo & { versions: Record<string, string> })[];
  engine: EngineRow[];
  http: HttpRow[];
  accounting: AccountingRow[];
  memory: MemoryRow[];
  postgres: PostgresRow[];
  scale: ScaleRow[];
  /** What @oncely/opentelemetry costs (no-op and real SDK). */
  telemetry: TelemetryRow[];
  targets: TargetResult[];
  notes: string[];
}
