import { randomUUID } from 'node:crypto';

export interface Charge {
  id: string;
  amount: number;
  currency: string;
  createdAt: Date;
}

/**
 * A stand-in payment provider. It counts the charges it really made, so the demo reports
 * what happened rather than what should have.
 */
export class PaymentProvider {
  readonly charges: Charge[] = [];
  /** Make the next `n` charge attempts fail, like a provider timing out. */
  failNext = 0;
  /** Stale writers refused because a newer fence was seen for their key. */
  readonly refusedStale: string[] = [];
  private readonly highestFence = new Map<string, number>();

  /**
   * Charge once. With `fenced`, the provider remembers the highest fence per key and refuses
   * an older one: that is how a downstream system protects itself from a frozen worker.
   */
  async charge(
    amount: number,
    currency: string,
    fenced?: { key: string; fence: number },
    latencyMs = 20,
  ): Promise<Charge> {
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (fenced) {
      const highest = this.highestFence.get(fenced.key) ?? 0;
      if (fenced.fence < highest) {
        this.refusedStale.push(fenced.key);
        throw new Error(`stale writer: fence ${fenced.fence} < ${highest}`);
      }
      this.highestFence.set(fenced.key, fenced.fence);
    }
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('payment provider timed out');
    }
    const charge = {
      id: `ch_${randomUUID().slice(0, 8)}`,
      amount,
      currency,
      createdAt: new Date(),
    };
    this.charges.push(charge);
    return charge;
  }
}
