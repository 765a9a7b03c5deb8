/**
 * The logger oncely writes to: pino's shape (Fastify's `request.log`, a pino instance), which
 * bunyan-style loggers share. `isLevelEnabled`, where the logger has it, lets oncely skip
 * building debug lines that would be dropped.
 */
export interface Logger {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
  debug(object: object, message: string): void;
  isLevelEnabled?(level: string): boolean;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export function levelEnabled(logger: Logger | undefined, level: LogLevel): boolean {
  if (!logger) return false;
  return typeof logger.isLevelEnabled === 'function' ? logger.isLevelEnabled(level) : true;
}

/** A `logger` option: a logger, or `false` for none. */
export function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (['error', 'warn', 'info', 'debug'] as const).every(
    (level) => typeof candidate[level] === 'function',
  );
}
