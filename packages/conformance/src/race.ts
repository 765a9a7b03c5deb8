import type {
  AcquireInput,
  AcquireResult,
  CompleteInput,
  ExtendInput,
  OwnerInput,
  Store,
} from '@oncely/core';

/** One store call of a race, as plain data so it can also be sent to a worker thread. */
export type RaceCall =
  | { op: 'acquire'; input: AcquireInput }
  | { op: 'complete'; input: CompleteInput }
  | { op: 'release'; input: OwnerInput }
  | { op: 'extend'; input: ExtendInput };

export type RaceReply = AcquireResult | boolean;

/** How many racers a race spreads its calls over: instances in this process, or worker threads. */
export const RACERS = 4;

/** Where a race's calls run. `run` gets one list of calls per racer and fires them all at once. */
export interface Racers {
  /** Where the calls run, for failure messages ("4 instances in this process", "4 worker threads"). */
  readonly where: string;
  run(perRacer: RaceCall[][]): Promise<RaceReply[][]>;
}

export function callStore(store: Store, call: RaceCall): Promise<RaceReply> {
  switch (call.op) {
    case 'acquire':
      return store.acquire(call.input);
    case 'complete':
      return store.complete(call.input);
    case 'release':
      return store.release(call.input);
    case 'extend':
      return store.extend(call.input);
  }
}

/** Racers that are store instances of this process: every call is made before any is awaited. */
export function inProcessRacers(stores: Store[]): Racers {
  return {
    where:
      stores.length === 1
        ? 'one instance in this process'
        : `${stores.length} instances in this process`,
    run: (perRacer) =>
      Promise.all(
        perRacer.map((calls, index) => {
          const store = stores[index % stores.length] as Store;
          return Promise.all(calls.map((call) => callStore(store, call)));
        }),
      ),
  };
}

/** Spreads `calls` over `count` racers (call i to racer i % count) and puts the replies back in order. */
export async function raceSpread(
  racers: Racers,
  count: number,
  calls: RaceCall[],
): Promise<RaceReply[]> {
  const perRacer: RaceCall[][] = Array.from({ length: count }, () => []);
  for (const [index, call] of calls.entries()) perRacer[index % count]?.push(call);
  const replies = await racers.run(perRacer);
  return calls.map((_, index) => {
    const reply = replies[index % count]?.[Math.floor(index / count)];
    if (reply === undefined) throw new Error(`race: no reply for call #${index}`);
    return reply;
  });
}
