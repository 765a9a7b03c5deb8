import type { Item } from './record.js';

/**
 * A failed condition is an answer, not an error: the caller does not own the key, or (for
 * acquire) someone else holds it. Matched by name, not `instanceof`, so that two copies of
 * the SDK in one application still agree.
 */
export function isConditionalCheckFailed(error: unknown): error is Error & { Item?: Item } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * DynamoDB's refusal of an item over 400 KB: a ValidationException saying "Item size has
 * exceeded the maximum allowed size" (PutItem) or "Item size to update has exceeded ..."
 * (UpdateItem).
 */
export function isItemTooLarge(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationException' &&
    /item size.*exceeded/i.test(error.message)
  );
}
