import { ATTRIBUTE, type AttributeNames, STATE } from './attributes.js';

/** DynamoDB's item size limit: names and values of every attribute, key included. */
export const MAX_ITEM_BYTES = 400 * 1024;

// DynamoDB sizes a number at up to 21 bytes (one byte per two significant digits, plus one).
const MAX_NUMBER_BYTES = 21;
/**
 * `complete` does not know the stored fingerprint, so room for one is reserved: the engine
 * caps fingerprints at 512 characters, at most 1536 bytes of UTF-8.
 */
export const FINGERPRINT_ALLOWANCE_BYTES = 2048;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * A result up to this size fits in one item whatever its content (even incompressible), for
 * any key and attribute names DynamoDB accepts: 400 KB less the largest key (2048 bytes), two
 * 255-byte attribute names, the fingerprint reserve and the rest of the item, rounded down.
 * Set `maxResultBytes` to it when every accepted result must be stored.
 */
export const GUARANTEED_RESULT_BYTES = 400_000;

/**
 * How many bytes the `result` attribute may take in a completed item under `storedKey`, so that the
 * whole item stays within 400 KB. Counts every attribute a completed item holds, with numbers
 * and the fingerprint at their largest, so the estimate errs on the safe side.
 */
export function resultBudget(attributes: AttributeNames, storedKey: string, token: string): number {
  const fixed =
    utf8(attributes.key) +
    utf8(storedKey) +
    utf8(ATTRIBUTE.state) +
    utf8(STATE.completed) +
    utf8(ATTRIBUTE.fingerprint) +
    FINGERPRINT_ALLOWANCE_BYTES +
    utf8(ATTRIBUTE.token) +
    utf8(token) +
    utf8(ATTRIBUTE.fence) +
    MAX_NUMBER_BYTES +
    utf8(ATTRIBUTE.expiresAtMs) +
    MAX_NUMBER_BYTES +
    utf8(attributes.ttl) +
    MAX_NUMBER_BYTES +
    utf8(ATTRIBUTE.resultEncoding) +
    utf8('br') +
    utf8(ATTRIBUTE.result);
  return MAX_ITEM_BYTES - fixed;
}
