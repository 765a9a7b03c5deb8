import type { OncelyEvent } from './events.js';
import { type Logger, type LogLevel, levelEnabled } from './logger.js';

/**
 * Which events become log lines, at which level (documented in the core README):
 * one debug line per normal operation, a warning whenever a result may not be replayed.
 */
function lineFor(event: OncelyEvent): [LogLevel, string] | undefined {
  switch (event.type) {
    case 'settled':
      switch (event.outcome) {
        case 'executed':
          return ['debug', 'oncely: executed'];
        case 'replayed':
          return ['debug', 'oncely: replayed the stored result'];
        case 'conflict':
          return ['debug', 'oncely: conflict, the key is held by a running attempt'];
        case 'mismatch':
          return ['debug', 'oncely: key reused for another request'];
        case 'failed':
          return ['debug', 'oncely: the handler failed, the key was released'];
        case 'fenced':
          return [
            'warn',
            'oncely: the operation ran but another attempt had taken its key over; its result is not stored',
          ];
        case 'store-unavailable':
          return event.handlerRan
            ? [
                'warn',
                'oncely: the operation ran but its result could not be stored; completion goes on in the background, a retry runs it again if that fails',
              ]
            : ['warn', 'oncely: the store is unavailable; the operation was refused'];
      }
      return undefined;
    case 'fenced':
      if (event.background)
        return [
          'warn',
          'oncely: the background completion was refused; another attempt owns the key',
        ];
      if (event.operation === 'complete') return undefined; // the settled line says it
      return ['warn', 'oncely: the attempt lost its lease while the handler ran'];
    case 'completed':
      return event.background
        ? ['info', 'oncely: the result was stored in the background after the store recovered']
        : undefined;
    case 'abandoned':
      return [
        'error',
        'oncely: the result was never stored (the store stayed unavailable for the whole lease); a retry will run the operation again',
      ];
    case 'store_error':
      // Acquire and complete failures are in the settled line; these have no other line.
      return event.operation === 'extend' || event.operation === 'release'
        ? ['warn', `oncely: the store failed to ${event.operation}`]
        : undefined;
    default:
      return undefined;
  }
}

export function logEvent(logger: Logger, event: OncelyEvent): void {
  const line = lineFor(event);
  if (!line || !levelEnabled(logger, line[0])) return;
  const { context, timings, ...fields } = event;
  const error = 'error' in fields ? fields.error : undefined;
  if ('error' in fields) delete (fields as { error?: unknown }).error;
  const oncely = { ...fields, ...context, timings };
  logger[line[0]](error === undefined ? { oncely } : { oncely, err: error }, line[1]);
}
