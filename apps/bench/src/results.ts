import type { LibraryInfo } from './libraries/catalog.js';
import type { MachineInfo } from './machine.js';
import type { AccountingRow } from './scenarios/accounting.js';
import type { EngineRow } from './scenarios/engine.js';
import type { HttpRow } from './scenarios/http.js';
import type { MemoryRow } from './scenarios/memory.js';
import type { PostgresRow } from './scenarios/postgres.js';
import type { ScaleRow } from './scenarios/scale.js';
import type { TelemetryRow } from './scenarios/telemetry.js';

export interface TargetResult {
  target: string;
  status: 'PASS' | 'MISS' | 'NOT MEASURED';
  detail: string;
}

/** Everything one run measured; results.json is this object. */
export interface BenchResults {
  date: string;
  quick: boolean;
  runs: number;
  durationSeconds: number;
  machine: MachineInfo;
  redis: { version: string; dedicated: boolean };
  settings: {
    httpSeconds: number;
    connections: number;
    engineSeconds: number;
    scaleSteps: number[];
  };
  libraries: (LibraryInfo & { versions: Record<string, string> })[];
  engine: EngineRow[];
  http: HttpRow[];
  accounting: AccountingRow[];
  memory: MemoryRow[];
  postgres: PostgresRow[];
  scale: ScaleRow[];
  /** What @oncely/opentelemetry costs (no-op and real SDK); absent in older results. */
  telemetry?: TelemetryRow[];
  targets: TargetResult[];
  notes: string[];
}
