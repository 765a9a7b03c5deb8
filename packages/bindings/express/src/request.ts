import type { IncomingMessage } from 'node:http';

/** The parts of an Express request the binding reads (Express 4 and 5 alike). */
export interface ExpressRequestLike extends IncomingMessage {
  /** The URL before any router stripped its mount path. */
  originalUrl?: string;
  /** What a body parser (`express.json()`, `express.raw()`, `express.text()`...) left. */
  body?: unknown;
}
