import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  type ExtendInput,
  type OwnerInput,
  ResultTooLargeError,
  type Store,
  type StoreCapabilities,
  type StoreRecord,
} from '@oncely/core';
import { ATTRIBUTE, type AttributeNames, namesFor, type Placeholder, STATE } from './attributes.js';
import { encodeResult } from './compression.js';
import { type CreateTableOptions, createTable } from './create-table.js';
import { resultBudget } from './item-size.js';
import {
  type DynamoDBStoreOptions,
  type ResolvedStoreOptions,
  resolveStoreOptions,
} from './options.js';
import { fenceOf, type Item, toStoreRecord } from './record.js';
import { isConditionalCheckFailed, isItemTooLarge } from './sdk-errors.js';
import { storedKey } from './stored-key.js';

/**
 * Owner checks shared by complete, release and extend: the caller's token and fence are still
 * the item's, and the record has not expired (an expired record is gone, whatever TTL says).
 */
const OWNER = '#token = :token AND #fence = :fence AND #expires > :now';

/** One retry is all it takes in practice: an expired record never fails the condition. */
const MAX_ACQUIRE_ATTEMPTS = 3;

/**
 * A oncely Store on one DynamoDB table. Every operation is a single request; acquire is one
 * conditional UpdateItem whose loser reads the current item from the failed condition itself.
 * DynamoDB has no server clock, so leases and expiry are measured with this process's clock.
 */
export class DynamoDBStore implements Store {
  readonly capabilities: StoreCapabilities;
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly attributes: AttributeNames;
  private readonly compressAboveBytes: number;
  private readonly maxResultBytes: number;

  constructor(options: DynamoDBStoreOptions) {
    const resolved: ResolvedStoreOptions = resolveStoreOptions(options);
    this.client = resolved.client;
    this.tableName = resolved.tableName;
    this.attributes = resolved.attributes;
    this.compressAboveBytes = resolved.compressAboveBytes;
    this.maxResultBytes = resolved.maxResultBytes;
    this.capabilities = Object.freeze({
      maxResultBytes: resolved.maxResultBytes,
      clock: 'caller',
      sharedAcrossInstances: true,
    });
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    // A loser's record is measured when its answer arrives (see attemptAcquire). In the rare
    // case that it expired in the meantime the key is free, and one more attempt takes it.
    for (let attempt = 1; ; attempt++) {
      const result = await this.attemptAcquire(input);
      if (result !== undefined) return result;
      if (attempt === MAX_ACQUIRE_ATTEMPTS) {
        throw new Error(
          `oncely: the record of a key expired ${attempt} times in a row while it was acquired`,
        );
      }
    }
  }

  /** One conditional UpdateItem; `undefined` when the record it lost to has expired since. */
  private async attemptAcquire({
    key,
    fingerprint,
    token,
    leaseMs,
    ttlMs,
  }: AcquireInput): Promise<AcquireResult | undefined> {
    const now = Date.now();
    // The record outlives its first lease even when ttlMs is shorter, so a live lease always
    // has a record behind it.
    const expiresAtMs = now + Math.max(ttlMs, leaseMs);
    try {
      const output = await this.client.send(
        new UpdateItemCommand(
          this.update(
            key,
            [
              '#key',
              '#state',
              '#fingerprint',
              '#token',
              '#fence',
              '#lease',
              '#expires',
              '#ttl',
              '#result',
              '#encoding',
            ],
            {
              ':now': number(now),
              ':inProgress': { S: STATE.inProgress },
              ':released': { S: STATE.released },
              ':fingerprint': { S: fingerprint },
              ':token': { S: token },
              ':zero': number(0),
              ':one': number(1),
              ':lease': number(now + leaseMs),
              ':expires': number(expiresAtMs),
              ':ttl': number(epochSeconds(expiresAtMs)),
            },
            {
              // Absent, expired, released, or a lapsed lease of the same request: take it.
              condition:
                'attribute_not_exists(#key) OR #expires <= :now OR #state = :released OR ' +
                '(#state = :inProgress AND #lease <= :now AND #fingerprint = :fingerprint)',
              update:
                'SET #state = :inProgress, #fingerprint = :fingerprint, #token = :token, ' +
                '#fence = if_not_exists(#fence, :zero) + :one, #lease = :lease, #expires = :expires, ' +
                '#ttl = :ttl REMOVE #result, #encoding',
              // The new fence comes back with the write; the loser gets the item it lost to.
              returnNew: true,
            },
          ),
        ),
      );
      return { acquired: true, fence: fenceOf(output.Attributes) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // ReturnValuesOnConditionCheckFailure put the winning item on the error: no second read.
      if (error.Item === undefined) {
        throw new Error(
          'oncely: DynamoDB refused the acquire but returned no item; the endpoint must support ReturnValuesOnConditionCheckFailure',
        );
      }
      if (isOwnWrite(error.Item, token)) {
        // The SDK resent a write that had already been applied (its first answer was lost to
        // a timeout or a dropped connection): the item it finds is this very acquisition's.
        return { acquired: true, fence: fenceOf(error.Item) };
      }
      // Measured now, not at `now`: the winner read its clock after ours, so a lease measured
      // from our earlier reading would seem longer than the winner's whole lease.
      const record = await toStoreRecord(error.Item, Date.now(), this.maxResultBytes);
      return record === undefined ? undefined : { acquired: false, record };
    }
  }

  async complete({ key, token, fence, result, ttlMs }: CompleteInput): Promise<boolean> {
    if (result.byteLength > this.maxResultBytes) {
      throw new ResultTooLargeError(result.byteLength, this.maxResultBytes);
    }
    const stored = await encodeResult(result, this.compressAboveBytes);
    const budget = resultBudget(this.attributes, storedKey(key), token);
    if (stored.bytes.byteLength > budget) {
      // Even compressed it does not fit in one item: refuse before writing anything.
      throw new ResultTooLargeError(stored.bytes.byteLength, budget);
    }
    const now = Date.now();
    const expiresAtMs = now + ttlMs;
    const values = {
      ':now': number(now),
      ':token': { S: token },
      ':fence': number(fence),
      ':inProgress': { S: STATE.inProgress },
      ':completed': { S: STATE.completed },
      ':result': { B: stored.bytes },
      ':expires': number(expiresAtMs),
      ':ttl': number(epochSeconds(expiresAtMs)),
      ...(stored.encoding === undefined ? {} : { ':encoding': { S: stored.encoding } }),
    };
    const setEncoding = stored.encoding === undefined ? '' : ', #encoding = :encoding';
    const removeEncoding = stored.encoding === undefined ? ', #encoding' : '';
    try {
      return await this.conditional(
        key,
        ['#state', '#token', '#fence', '#expires', '#ttl', '#result', '#encoding', '#lease'],
        values,
        {
          // Repeating a complete by the same owner is safe (the engine retries after a blip).
          condition: `${OWNER} AND (#state = :inProgress OR #state = :completed)`,
          update: `SET #state = :completed, #result = :result, #expires = :expires, #ttl = :ttl${setEncoding} REMOVE #lease${removeEncoding}`,
        },
      );
    } catch (error) {
      // The budget reserves room for the largest fingerprint the engine sends; a store used
      // directly with a longer one still gets the typed error, never a raw ValidationException.
      if (isItemTooLarge(error)) throw new ResultTooLargeError(stored.bytes.byteLength, budget);
      throw error;
    }
  }

  async release({ key, token, fence }: OwnerInput): Promise<boolean> {
    const now = Date.now();
    // The item stays until its retention ends, so the next acquire's fence keeps growing.
    return this.conditional(
      key,
      ['#state', '#token', '#fence', '#expires', '#lease'],
      {
        ':now': number(now),
        ':token': { S: token },
        ':fence': number(fence),
        ':inProgress': { S: STATE.inProgress },
        ':released': { S: STATE.released },
      },
      {
        condition: `${OWNER} AND #state = :inProgress`,
        update: 'SET #state = :released REMOVE #lease',
      },
    );
  }

  async extend({ key, token, fence, leaseMs }: ExtendInput): Promise<boolean> {
    const now = Date.now();
    return this.conditional(
      key,
      ['#state', '#token', '#fence', '#expires', '#lease'],
      {
        ':now': number(now),
        ':token': { S: token },
        ':fence': number(fence),
        ':inProgress': { S: STATE.inProgress },
        ':lease': number(now + leaseMs),
      },
      { condition: `${OWNER} AND #state = :inProgress`, update: 'SET #lease = :lease' },
    );
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.keyOf(key), ConsistentRead: true }),
    );
    return toStoreRecord(output.Item, Date.now(), this.maxResultBytes);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: this.keyOf(key) }),
    );
  }

  /** The store opened nothing of its own; the client is the caller's to destroy. */
  async close(): Promise<void> {}

  /**
   * Create the table this store uses (on-demand billing, TTL on the TTL attribute) and wait
   * until it is ACTIVE. Safe to call when the table already exists.
   */
  async createTable(options: CreateTableOptions = {}): Promise<void> {
    await createTable(this.client, this.tableName, this.attributes, options);
  }

  private keyOf(key: string) {
    return { [this.attributes.key]: { S: storedKey(key) } };
  }

  /** A conditional UpdateItem whose failed condition means `false`, not an error. */
  private async conditional(
    key: string,
    placeholders: readonly Placeholder[],
    values: UpdateItemCommandInput['ExpressionAttributeValues'],
    expressions: { condition: string; update: string },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand(this.update(key, placeholders, values, expressions)),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private update(
    key: string,
    placeholders: readonly Placeholder[],
    values: UpdateItemCommandInput['ExpressionAttributeValues'],
    expressions: { condition: string; update: string; returnNew?: boolean },
  ): UpdateItemCommandInput {
    const returnNew = expressions.returnNew === true;
    return {
      TableName: this.tableName,
      Key: this.keyOf(key),
      ConditionExpression: expressions.condition,
      UpdateExpression: expressions.update,
      ExpressionAttributeNames: namesFor(this.attributes, placeholders),
      ExpressionAttributeValues: values,
      ReturnValues: returnNew ? 'UPDATED_NEW' : 'NONE',
      ReturnValuesOnConditionCheckFailure: returnNew ? 'ALL_OLD' : 'NONE',
    };
  }
}

/**
 * True when the item is the in-progress record written by this acquisition: tokens are fresh
 * per acquisition (the engine makes a random UUID for each run), so no one else holds it.
 */
function isOwnWrite(item: Item, token: string): boolean {
  return item[ATTRIBUTE.state]?.S === STATE.inProgress && item[ATTRIBUTE.token]?.S === token;
}

function number(value: number) {
  return { N: String(value) };
}

/** DynamoDB's TTL reads whole epoch seconds; round up so it never deletes a live record. */
function epochSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
