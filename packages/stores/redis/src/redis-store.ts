import {
  type AcquireInput,
  type AcquireResult,
  type CompleteInput,
  type ExtendInput,
  InvalidArgumentError,
  OncelyError,
  type OwnerInput,
  ResultTooLargeError,
  type Store,
  type StoreCapabilities,
  type StoreRecord,
  StoreUnavailableError,
} from '@oncely/core';
import type { ClientSurface } from './client.js';
import { reportClientErrors } from './client-errors.js';
import { Connection } from './connection.js';
import { checkEvictionPolicy } from './eviction-check.js';
import { redisKeyFor } from './key.js';
import {
  type RedisStoreOptions,
  type ResolvedRedisStoreOptions,
  resolveRedisStoreOptions,
} from './options.js';
import { newInProgressRecord, readCompleted } from './record.js';
import { asReply, decodeRecord } from './replies.js';
import { type LuaScript, SCRIPTS } from './scripts.js';

type ScriptArgument = string | Buffer;

/** With the u flag a surrogate matches only when it is unpaired. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * A Store on Redis through a user-supplied ioredis client (standalone or Cluster). Every
 * operation is one atomic command (SET NX GET for most acquires, else a Lua script), timed by
 * the server's clock.
 */
export class RedisStore implements Store {
  readonly capabilities: StoreCapabilities;
  private readonly settings: ResolvedRedisStoreOptions;
  private readonly client: ClientSurface;
  private readonly connection: Connection;
  private evictionCheck: 'pending' | 'running' | 'done';
  private closed = false;
  /** Redis' clock minus ours, as last seen in a complete; 0 until then. */
  private serverClockOffsetMs = 0;

  constructor(options: RedisStoreOptions) {
    this.settings = resolveRedisStoreOptions(options);
    this.client = this.settings.client;
    this.connection = new Connection(this.client, this.settings.readyTimeoutMs);
    reportClientErrors(this.client, this.settings.onWarning);
    this.evictionCheck = this.settings.checkEvictionPolicy ? 'pending' : 'done';
    this.capabilities = Object.freeze({
      maxResultBytes: this.settings.maxResultBytes,
      clock: 'server',
      sharedAcrossInstances: true,
    });
  }

  /** The Redis key that holds `key`'s record: `prefix + "{" + sha256 + "}"`. */
  redisKey(key: string): string {
    return redisKeyFor(this.settings.prefix, key);
  }

  /**
   * One round trip in the common cases: `SET key <new in-progress record> NX GET PX <retention>`
   * creates the record when the key is absent (the first owner, fence 1) and otherwise answers
   * with the record already there, which a replay needs and nothing else. Only a record that is
   * in progress or released goes on to the acquire script, because a takeover and the next
   * fence must be decided on the server.
   */
  async acquire(input: AcquireInput): Promise<AcquireResult> {
    if (LONE_SURROGATE.test(input.fingerprint)) {
      // UTF-8 cannot carry a lone surrogate; it would come back as another string.
      throw new InvalidArgumentError(
        'fingerprint',
        'is not well-formed Unicode (it holds a lone surrogate)',
      );
    }
    const redisKey = this.redisKey(input.key);
    const created = newInProgressRecord(input.fingerprint, input.token, input.leaseMs, input.ttlMs);
    const found = await this.call('acquire', () =>
      this.client
        .setBuffer(redisKey, created.value, 'PX', created.retentionMs, 'NX', 'GET')
        .catch(explainOldRedis),
    );
    if (found === null) return { acquired: true, fence: 1 };
    const completed = readCompleted(found);
    const left = completed ? this.timeLeft(completed.expiresAt) : 0;
    // A completed record past its expiry (its key lost its TTL) goes to the script, which
    // decides on the server's clock like every other case that is not a plain replay.
    if (completed && left > 0) {
      return {
        acquired: false,
        record: {
          state: 'completed',
          fingerprint: completed.fingerprint,
          fence: completed.fence,
          result: completed.result,
          ttlRemainingMs: Math.min(completed.ttlMs, left),
        },
      };
    }
    const reply = asReply(
      await this.script('acquire', SCRIPTS.acquire, input.key, [
        input.fingerprint,
        input.token,
        String(input.leaseMs),
        String(input.ttlMs),
      ]),
    );
    if (reply[0] === 1) return { acquired: true, fence: Number(reply[1]) };
    return { acquired: false, record: decodeRecord(reply, 1) };
  }

  async complete(input: CompleteInput): Promise<boolean> {
    const size = input.result.byteLength;
    if (size > this.settings.maxResultBytes)
      throw new ResultTooLargeError(size, this.settings.maxResultBytes);
    // Sent as raw bytes: a Buffer view over the caller's memory, no copy and no base64.
    const bytes = Buffer.isBuffer(input.result)
      ? input.result
      : Buffer.from(input.result.buffer, input.result.byteOffset, size);
    const reply = await this.script('complete', SCRIPTS.complete, input.key, [
      input.token,
      String(input.fence),
      String(input.ttlMs),
      bytes,
    ]);
    if (typeof reply !== 'number' || reply <= 0) return false;
    // The script answers with the server's time: keep how far our clock is from it.
    this.serverClockOffsetMs = reply - Date.now();
    return true;
  }

  async release(input: OwnerInput): Promise<boolean> {
    const reply = await this.script('release', SCRIPTS.release, input.key, [
      input.token,
      String(input.fence),
    ]);
    return reply === 1;
  }

  async extend(input: ExtendInput): Promise<boolean> {
    const reply = await this.script('extend', SCRIPTS.extend, input.key, [
      input.token,
      String(input.fence),
      String(input.leaseMs),
    ]);
    return reply === 1;
  }

  async get(key: string): Promise<StoreRecord | undefined> {
    const reply = await this.script('get', SCRIPTS.get, key, []);
    if (reply === null) return undefined;
    return decodeRecord(asReply(reply), 0);
  }

  async delete(key: string): Promise<void> {
    await this.call('delete', () => this.client.del(this.redisKey(key)));
  }

  /** Stops watching the client. The client stays open: it is yours to close. */
  async close(): Promise<void> {
    this.closed = true;
    this.connection.dispose();
  }

  /**
   * The time left on a completed record read by a plain GET, which brings no server time: its
   * expiry (server ms) against our clock corrected by the offset last seen. Within a round trip
   * of exact; Redis' own expiry of the key is exact.
   */
  private timeLeft(expiresAt: number): number {
    return Math.max(0, expiresAt - (Date.now() + this.serverClockOffsetMs));
  }

  /** EVALSHA first; the full script only when this server has not seen it (NOSCRIPT). */
  private script(
    operation: string,
    lua: LuaScript,
    key: string,
    args: ScriptArgument[],
  ): Promise<unknown> {
    const redisKey = this.redisKey(key);
    return this.call(operation, async () => {
      try {
        return await this.client.evalshaBuffer(lua.sha, 1, redisKey, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        // EVAL also caches the script on that server, so the next EVALSHA finds it.
        return this.client.evalBuffer(lua.source, 1, redisKey, ...args);
      }
    });
  }

  /** Every failure of the client or server surfaces as StoreUnavailableError. */
  private async call<R>(operation: string, send: () => Promise<R>): Promise<R> {
    if (this.closed) throw new StoreUnavailableError('The Redis store was closed.');
    try {
      const result = await this.connection.run(send);
      this.checkEvictionOnce();
      return result;
    } catch (error) {
      if (error instanceof OncelyError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`Redis failed to ${operation}: ${reason}`, { cause: error });
    }
  }

  /** After the first successful call, in the background: never delays a request. */
  private checkEvictionOnce(): void {
    if (this.evictionCheck !== 'pending') return;
    this.evictionCheck = 'running';
    checkEvictionPolicy(this.client).then(
      (warning) => {
        this.evictionCheck = 'done';
        if (warning) this.warn(warning);
      },
      () => {
        // The connection failed; ask again after the next successful call.
        this.evictionCheck = 'pending';
      },
    );
  }

  private warn(message: string): void {
    try {
      this.settings.onWarning(message);
    } catch {
      // A broken logger must not break the store.
    }
  }
}

/** Redis before 7.0 refuses SET with both NX and GET: say what is needed, not "syntax error". */
function explainOldRedis(error: unknown): never {
  if (error instanceof Error && /syntax error/i.test(error.message)) {
    throw new Error(
      `${error.message} (SET with NX and GET): @oncely/redis needs Redis 7.0 or later`,
      { cause: error },
    );
  }
  throw error;
}
