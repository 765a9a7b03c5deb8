/**
 * The order cases run in, round by round: every case once per round, in an order that changes
 * from round to round (a seeded shuffle, so a run can be repeated), so that neither a slow
 * start nor a noisy minute on the machine lands on the same case every time.
 */
export function roundOrder<T>(cases: readonly T[], round: number): T[] {
  const order = [...cases];
  // mulberry32, seeded with the round number.
  let seed = (round + 1) * 0x9e3779b9;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}

/**
 * Run `measure` for every case in every round (0-based), in `roundOrder`; returns, per case,
 * its result in each round (index = round), and the order each round ran in.
 */
export async function inRounds<T, R>(
  cases: readonly T[],
  rounds: number,
  name: (testCase: T) => string,
  measure: (testCase: T, round: number) => Promise<R>,
): Promise<{ byCase: Map<string, R[]>; orders: string[][] }> {
  const byCase = new Map<string, R[]>(cases.map((testCase) => [name(testCase), []]));
  const orders: string[][] = [];
  for (let round = 0; round < rounds; round++) {
    const order = roundOrder(cases, round);
    orders.push(order.map(name));
    for (const testCase of order) {
      const result = await measure(testCase, round);
      (byCase.get(name(testCase)) as R[])[round] = result;
    }
  }
  return { byCase, orders };
}
