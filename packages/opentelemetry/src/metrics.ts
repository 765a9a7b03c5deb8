import type { OncelyEvent } from '@oncely/core';
import type { Attributes, Meter } from '@opentelemetry/api';
import { ATTR, countAttributes, metricAttributes } from './attributes.js';

/** The instruments, and what each event adds to them. */
export function createMetrics(meter: Meter): (event: OncelyEvent) => void {
  const operations = meter.createCounter('oncely.operations', {
    description: 'Idempotent operations, by outcome.',
    unit: '{operation}',
  });
  const duration = meter.createHistogram('oncely.operation.duration', {
    description: 'How long an idempotent operation took, from acquire to settled.',
    unit: 's',
  });
  const storeDuration = meter.createHistogram('oncely.store.duration', {
    description: 'Store call latency, by operation (acquire, complete, release, extend).',
    unit: 's',
  });
  const inProgress = meter.createUpDownCounter('oncely.operations.in_progress', {
    description: 'Handlers running under a key in this process.',
    unit: '{operation}',
  });
  const background = meter.createCounter('oncely.background_completions', {
    description:
      'Results stored after the caller was told the store failed: stored, fenced (another attempt owned the key) or abandoned (never stored).',
    unit: '{operation}',
  });
  const fenced = meter.createCounter('oncely.fenced', {
    description:
      'Attempts that lost their key: a completion refused, a lease lost or renewal stopped.',
    unit: '{operation}',
  });
  const replayRatio = meter.createObservableGauge('oncely.replay.ratio', {
    description:
      'Replayed / (executed + replayed) since this process started; for a window, divide the rates of oncely.operations.',
    unit: '1',
  });
  let executed = 0;
  let replayed = 0;
  replayRatio.addCallback((result) => {
    const total = executed + replayed;
    if (total > 0) result.observe(replayed / total);
  });

  return (event) => {
    switch (event.type) {
      case 'acquired':
        inProgress.add(1, countAttributes(event));
        return;
      case 'store_call': {
        const attributes: Attributes = {
          ...metricAttributes(event),
          [ATTR.storeOperation]: event.operation,
        };
        if (!event.ok) attributes[ATTR.errorType] = 'store-unavailable';
        storeDuration.record(event.durationMs / 1000, attributes);
        return;
      }
      case 'fenced':
        fenced.add(1, {
          ...metricAttributes(event),
          [ATTR.fenceOperation]: event.operation,
          [ATTR.background]: event.background,
        });
        if (event.background) countBackground('fenced', event);
        return;
      case 'completed':
        if (event.background) countBackground('stored', event);
        return;
      case 'abandoned':
        countBackground('abandoned', event);
        return;
      case 'settled': {
        const attributes = metricAttributes(event);
        if (event.handlerRan) inProgress.add(-1, countAttributes(event));
        if (event.outcome === 'executed') executed++;
        else if (event.outcome === 'replayed') replayed++;
        operations.add(1, { ...attributes, [ATTR.outcome]: event.outcome });
        const endedAt = performance.timeOrigin + performance.now();
        duration.record((endedAt - event.timings.startedAt) / 1000, {
          ...attributes,
          [ATTR.outcome]: event.outcome,
        });
        return;
      }
      default:
        return;
    }
  };

  function countBackground(result: string, event: OncelyEvent): void {
    background.add(1, { ...metricAttributes(event), [ATTR.backgroundResult]: result });
  }
}
