/**
 * One request, one instance, however registrations nest: an app-level middleware and a
 * route-level one (with its own options) both see the request, and the inner one overrides.
 * The outer instance acquires first (it cannot know what routing will find); when the inner one
 * reaches the request it asks the outer to step aside: the outer releases the key it holds (its
 * handler never ran) and leaves the response alone, then the inner handles the request.
 *
 * The inner keeps its records in a key space of its own (`nestedScope`), so the outer never
 * finds them: every retry, duplicate or reuse of a key on that route goes through the outer's
 * fresh hold and its hand-over to the inner, which answers with its own settings, in every
 * process alike. What the outer still answers on its own for such a route (a malformed or
 * missing key before the hand-over, a duplicate that arrives during it) depends on `Answers`,
 * which the inner must therefore share: `nestingMismatch` names the first one that differs.
 *
 * The claim sits in a slot named with `Symbol.for`, so two copies of core agree on it.
 */
const CLAIM = Symbol.for('oncely.http.claim');

/** The settings an outer instance answers with before it knows the route has its own. */
export interface Answers {
  header: string;
  /** The user's `key` function, if keys come from it rather than from the header. */
  key: unknown;
  required: boolean;
  methods: ReadonlySet<string>;
  waitMs: number;
  problems: string;
  problemTypeBase: string;
}

interface Claim {
  owner: object;
  /** Absent on a claim made by an older copy of core. */
  answers?: Answers;
  /** Ask the owner to step aside; resolves once it released the key. */
  stepAside(): Promise<void>;
  /** Tell the owner how long an attempt it handed over took (its 409s then suggest that). */
  recordRun?(operation: string, ms: number): void;
}

type Carrier = { [CLAIM]?: Claim | undefined };

/** The instance that handles `carrier` now, if any. */
export function claimOf(carrier: object | undefined): Claim | undefined {
  return carrier ? (carrier as Carrier)[CLAIM] : undefined;
}

/** The signal a stepping-aside instance's downstream rejects with. */
export const STEPPED_ASIDE: unique symbol = Symbol('oncely.stepped-aside');

/**
 * The scope an inner instance stores under: its own scope behind a mark no `scope` function
 * is expected to return (a unit separator around the word), so an outer instance with the same
 * prefix and store never meets the inner one's records.
 */
export function nestedScope(scope: unknown): unknown {
  // Anything but a string or nothing is left for the engine to refuse, as it is unnested.
  if (scope !== undefined && typeof scope !== 'string') return scope;
  return `\u001foncely:route\u001f${scope ?? ''}`;
}

/** The first setting in which `inner` would answer `method` otherwise than `outer` does. */
export function nestingMismatch(
  inner: Answers,
  outer: Answers,
  method: string,
): string | undefined {
  if (inner.header !== outer.header) return 'header';
  // An outer that reads keys with a function of its own would answer with keys the route never
  // sees; an outer that reads the header and lets a keyless request through is fine.
  if (outer.key !== undefined && inner.key !== outer.key) return 'key';
  // A stricter route is fine: the outer passes a request without a key on to it.
  if (outer.required && !inner.required) return 'required';
  if (!inner.methods.has(method)) return 'methods';
  if (inner.waitMs !== outer.waitMs) return 'wait';
  if (inner.problems !== outer.problems) return 'problems';
  if (inner.problemTypeBase !== outer.problemTypeBase) return 'problemTypeBase';
  return undefined;
}

/** A request held by one instance: see `claim`. */
interface Held {
  wrap<T>(downstream: () => Promise<T>): Promise<T>;
  settled(): void;
  /** The request is answered: take the claim off the carrier (unless another took it over). */
  leave(): void;
}

const UNCLAIMED: Held = { wrap: (downstream) => downstream(), settled: () => {}, leave: () => {} };

/**
 * Claim `carrier` for `owner`. `wrap` runs a downstream call and races it against a request to
 * step aside (it then rejects with `STEPPED_ASIDE`, after `onStepAside` ran); `settled` is to
 * be called once the engine released the key, `leave` once the request is answered.
 *
 * `leave` matters for memory, not for correctness: the carrier (Express's `req`) is usually old
 * by then (the socket's parser points at it between requests, so a scavenge promotes it), and a
 * dead old object keeps everything it points to alive through every scavenge until the next
 * full GC. A claim left on it promoted this request's whole graph (the held response, its body,
 * the engine's state): about 4 KB a request, and a fifth of the scavenge time over Express.
 */
export function claim(
  carrier: object | undefined,
  owner: object,
  answers: Answers,
  recordRun: (operation: string, ms: number) => void,
  onStepAside: (() => void) | undefined,
): Held {
  // Without a carrier nothing can ask this instance to step aside (Fastify, the Web path).
  if (!carrier) return UNCLAIMED;
  let asked = false;
  let reject: ((reason: unknown) => void) | undefined;
  let settled: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    settled = resolve;
  });
  const mine: Claim = {
    owner,
    answers,
    recordRun,
    stepAside() {
      asked = true;
      onStepAside?.();
      reject?.(STEPPED_ASIDE);
      return released;
    },
  };
  (carrier as Carrier)[CLAIM] = mine;
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
    leave: () => {
      // Assigned, not deleted: deleting a property turns the carrier into a slow dictionary object.
      if ((carrier as Carrier)[CLAIM] === mine) (carrier as Carrier)[CLAIM] = undefined;
    },
  };
}
