import { createHash } from 'node:crypto';

/**
 * One Lua script per Store operation, each atomic on the server. A record is one hash:
 *
 *   s  state: "p" in progress, "c" completed, "r" released (the fence is kept)
 *   f  fingerprint            t  owner token           n  fence
 *   l  lease end (server ms)  x  end of the record (retention, or the completed TTL)
 *   r  result bytes (completed only)
 *
 * Time is the server's (`TIME`), never the caller's. The key also carries a PEXPIRE at `x`,
 * but `x` is checked on every read and write, because Redis deletes expired keys lazily.
 * Numbers are written with %.0f so large values never turn into "1e+15".
 */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(v)
  return string.format('%.0f', v)
end
`;

/**
 * KEYS[1] record; ARGV fingerprint, token, leaseMs, ttlMs.
 * Reply: {1, fence} when acquired; {0, "p", fingerprint, fence, leaseRemainingMs} or
 * {0, "c", fingerprint, fence, ttlRemainingMs, result} for the record that won.
 */
const ACQUIRE = `${PRELUDE}
local key = KEYS[1]
local fp, token = ARGV[1], ARGV[2]
local lease_ms, ttl_ms = tonumber(ARGV[3]), tonumber(ARGV[4])
local now = now_ms()
local h = redis.call('HMGET', key, 's', 'f', 'n', 'l', 'x', 'r')
local state, fence, lease_end, record_end = h[1], tonumber(h[3]), tonumber(h[4]), tonumber(h[5])
if state and state ~= 'r' and record_end and now < record_end then
  if state == 'c' then
    return {0, 'c', h[2], fence, record_end - now, h[6]}
  end
  -- In progress: only a lapsed lease with the same fingerprint may be taken over.
  if lease_end > now or h[2] ~= fp then
    return {0, 'p', h[2], fence, math.max(0, lease_end - now)}
  end
end
-- Absent, expired, released, or a takeover. A key that still exists keeps counting its
-- fences, even past its logical expiry, so fences only restart after Redis deleted it.
local next_fence = (fence or 0) + 1
local new_lease_end = now + lease_ms
local new_record_end = now + math.max(ttl_ms, lease_ms)
redis.call('DEL', key)
redis.call('HSET', key, 's', 'p', 'f', fp, 't', token, 'n', num(next_fence),
  'l', num(new_lease_end), 'x', num(new_record_end))
redis.call('PEXPIRE', key, num(new_record_end - now))
return {1, next_fence}
`;

/** KEYS[1] record; ARGV token, fence, ttlMs, result. Reply 1 stored (or already stored by this owner), 0 not the owner. */
const COMPLETE = `${PRELUDE}
local key = KEYS[1]
local ttl_ms = tonumber(ARGV[3])
local now = now_ms()
local h = redis.call('HMGET', key, 's', 't', 'n', 'x')
if not h[1] or h[2] ~= ARGV[1] or tonumber(h[3]) ~= tonumber(ARGV[2]) or not ((tonumber(h[4]) or 0) > now) then
  return 0
end
if h[1] == 'c' then
  return 1
end
if h[1] ~= 'p' then
  return 0
end
redis.call('HSET', key, 's', 'c', 'r', ARGV[4], 'x', num(now + ttl_ms))
redis.call('HDEL', key, 'l')
redis.call('PEXPIRE', key, num(ttl_ms))
return 1
`;

/** KEYS[1] record; ARGV token, fence. Reply 1 released, 0 not the owner of an in-progress record. */
const RELEASE = `${PRELUDE}
local key = KEYS[1]
local now = now_ms()
local h = redis.call('HMGET', key, 's', 't', 'n', 'x')
if h[1] ~= 'p' or h[2] ~= ARGV[1] or tonumber(h[3]) ~= tonumber(ARGV[2]) or not ((tonumber(h[4]) or 0) > now) then
  return 0
end
-- Keep the fence and the retention end, so the next acquire hands out a larger fence.
redis.call('HSET', key, 's', 'r')
redis.call('HDEL', key, 'f', 't', 'l')
return 1
`;

/** KEYS[1] record; ARGV token, fence, leaseMs. Reply 1 renewed, 0 not the owner of an in-progress record. */
const EXTEND = `${PRELUDE}
local key = KEYS[1]
local lease_ms = tonumber(ARGV[3])
local now = now_ms()
local h = redis.call('HMGET', key, 's', 't', 'n', 'x')
local record_end = tonumber(h[4]) or 0
if h[1] ~= 'p' or h[2] ~= ARGV[1] or tonumber(h[3]) ~= tonumber(ARGV[2]) or not (record_end > now) then
  return 0
end
local lease_end = now + lease_ms
redis.call('HSET', key, 'l', num(lease_end))
-- A live lease never outlives its record.
if lease_end > record_end then
  redis.call('HSET', key, 'x', num(lease_end))
  redis.call('PEXPIRE', key, num(lease_ms))
end
return 1
`;

/**
 * KEYS[1] record. Reply nil when absent, expired or released; else
 * {"p", fingerprint, fence, leaseRemainingMs} or {"c", fingerprint, fence, ttlRemainingMs, result}.
 */
const GET = `${PRELUDE}
local now = now_ms()
local h = redis.call('HMGET', KEYS[1], 's', 'f', 'n', 'l', 'x', 'r')
local state, fence, record_end = h[1], tonumber(h[3]), tonumber(h[5])
if not state or state == 'r' or not record_end or not (record_end > now) then
  return false
end
if state == 'c' then
  return {'c', h[2], fence, record_end - now, h[6]}
end
return {'p', h[2], fence, math.max(0, tonumber(h[4]) - now)}
`;

export interface LuaScript {
  readonly name: string;
  readonly source: string;
  /** SHA-1 of the source: what EVALSHA sends instead of the script. */
  readonly sha: string;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  acquire: script('acquire', ACQUIRE),
  complete: script('complete', COMPLETE),
  release: script('release', RELEASE),
  extend: script('extend', EXTEND),
  get: script('get', GET),
} as const;
