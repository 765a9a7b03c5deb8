import type {
  EventFields,
  EventListener,
  OncelyEvent,
  OncelyEventType,
  OperationContext,
  OperationTimings,
} from './events.js';
import { hashKey } from './keys.js';
import { logEvent } from './log-lines.js';
import { type Logger, levelEnabled } from './logger.js';

/** `run({ context })`: the context, or a function that gives it when an event is built. */
export type ContextSource = OperationContext | (() => OperationContext | undefined) | undefined;

/**
 * One operation's listeners, timings and context. Made only when someone listens (an
 * `onEvent`, a logger), so an unobserved request allocates nothing for them.
 */
export class Observation {
  /** Build every event (a listener, or a logger with debug on); else only the warnings. */
  readonly verbose: boolean;
  readonly startedAt = performance.timeOrigin + performance.now();
  acquireMs = 0;
  waitMs = 0;
  handlerMs: number | undefined;
  completeMs: number | undefined;
  private hash: string | undefined;

  constructor(
    private readonly storeKey: string,
    private readonly listener: EventListener | undefined,
    private readonly logger: Logger | undefined,
    private readonly context: ContextSource,
    readonly storeName: string,
  ) {
    this.verbose = listener !== undefined || levelEnabled(logger, 'debug');
  }

  keyHash(): string {
    this.hash ??= hashKey(this.storeKey);
    return this.hash;
  }

  timings(): OperationTimings {
    const { startedAt, acquireMs, waitMs, handlerMs, completeMs } = this;
    return { startedAt, acquireMs, waitMs, handlerMs, completeMs };
  }

  emit<T extends OncelyEventType>(type: T, fields: EventFields<T>): void {
    const source = this.context;
    let context: OperationContext | undefined;
    try {
      context = typeof source === 'function' ? source() : source;
    } catch {
      // A broken context function must never change what a request does.
    }
    const event = {
      type,
      keyHash: this.keyHash(),
      ...fields,
      context,
      timings: this.timings(),
      store: this.storeName,
    } as unknown as OncelyEvent;
    try {
      this.listener?.(event);
    } catch {
      // A broken metrics hook must never change what a request does.
    }
    try {
      if (this.logger) logEvent(this.logger, event);
    } catch {
      // Nor a broken logger.
    }
  }
}
