/**
 * One request, one instance, however registrations nest: an app-level middleware and a
 * route-level one (with its own options) both see the request, and the inner one overrides.
 * The outer instance acquires first (it cannot know what routing will find); when the inner one
 * reaches the request it asks the outer to step aside: the outer releases the key it holds (its
 * handler never ran) and leaves the response alone, then the inner handles the request.
 *
 * The claim sits in a slot named with `Symbol.for`, so two copies of core agree on it.
 */
const CLAIM = Symbol.for('oncely.http.claim');

interface Claim {
  owner: object;
  /** Ask the owner to step aside; resolves once it released the key. */
  stepAside(): Promise<void>;
}

type Carrier = { [CLAIM]?: Claim };

/** The instance that handles `carrier` now, if any. */
export function claimOf(carrier: object | undefined): Claim | undefined {
  return carrier ? (carrier as Carrier)[CLAIM] : undefined;
}

/** The signal a stepping-aside instance's downstream rejects with. */
export const STEPPED_ASIDE: unique symbol = Symbol('oncely.stepped-aside');

/**
 * Claim `carrier` for `owner`. `wrap` runs a downstream call and races it against a request to
 * step aside (it then rejects with `STEPPED_ASIDE`, after `onStepAside` ran); `settled` is to
 * be called once the engine released the key.
 */
export function claim(
  carrier: object | undefined,
  owner: object,
  onStepAside: (() => void) | undefined,
): {
  wrap<T>(downstream: () => Promise<T>): Promise<T>;
  settled(): void;
} {
  let asked = false;
  let reject: ((reason: unknown) => void) | undefined;
  let settled: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    settled = resolve;
  });
  if (carrier) {
    (carrier as Carrier)[CLAIM] = {
      owner,
      stepAside() {
        asked = true;
        onStepAside?.();
        reject?.(STEPPED_ASIDE);
        return released;
      },
    };
  }
  return {
    // The inner instance may ask while `downstream` is still being called (the rest of the
    // chain runs synchronously), so the rejection is in place before it is called.
    wrap: (downstream) =>
      new Promise((resolve, fail) => {
        reject = fail;
        if (asked) fail(STEPPED_ASIDE);
        else downstream().then(resolve, fail);
      }),
    settled,
  };
}
