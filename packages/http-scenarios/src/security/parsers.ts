/**
 * What the HTTP server's own parser does with hostile bytes before any handler runs: the part
 * of the hostile-input models that belongs to the server (node:http, Bun), not to oncely.
 */
export interface HttpParserModel {
  /** Header value bytes the server refuses with a bare `400 Bad Request`. */
  refusesValue(value: Buffer): boolean;
  /** A method not in node:http's `METHODS`: answered with a bare 400, or the socket closed. */
  unknownMethod(name: string): 'bare-400' | 'close';
  /** CONNECT: the socket closed without an answer, or served like any other method. */
  connect: 'close' | 'serve';
}

/** node:http (llhttp, strict): controls except HTAB and DEL refused; no 'connect' listener. */
export const nodeParser: HttpParserModel = {
  refusesValue: (value) => value.some((byte) => (byte < 0x20 && byte !== 0x09) || byte === 0x7f),
  unknownMethod: () => 'bare-400',
  connect: 'close',
};

/**
 * Bun.serve, as Bun 1.4 parses: controls except HTAB refused in a value, DEL handed on; an
 * unknown method of letters and `-` only (lower case too) gets the socket closed, one with any
 * other character a bare 400; CONNECT reaches the handler.
 */
export const bunParser: HttpParserModel = {
  refusesValue: (value) => value.some((byte) => byte < 0x20 && byte !== 0x09),
  unknownMethod: (name) => (/^[A-Za-z-]+$/.test(name) ? 'close' : 'bare-400'),
  connect: 'serve',
};
