import { createHash } from 'node:crypto';

/**
 * One Lua script per Store operation, each atomic on the server. A record is one string:
 *
 *   <state>|<fence>|<lease end>|<record end>|<fingerprint bytes>|<token bytes>|<fingerprint><token><result>
 *
 * state "p" in progress, "c" completed, "r" released (the fence is kept); lease and record end
 * in server milliseconds; the result (completed only) is the rest of the string, raw bytes.
 * One string rather than a hash: each script reads it with one GET and writes it with one SET
 * (which also sets the expiry), so the server does a third of the work per call, and a record
 * takes less memory.
 *
 * Time is the server's (`TIME`), never the caller's. The key's expiry is the record end, but
 * the record end is checked on every read and write too. Numbers are written with %.0f so
 * large values never turn into "1e+15".
 */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(v)
  return string.format('%.0f', v)
end
-- The record's head: state, fence, lease end, record end, fingerprint and token lengths, and
-- where the fingerprint starts. Substrings are cut only where a script needs them.
local function head(v)
  local s, f, l, x, fl, tl, at = string.match(v, '^(%a)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|()')
  if not s then error('oncely: unreadable record') end
  return s, tonumber(f), tonumber(l), tonumber(x), tonumber(fl), tonumber(tl), at
end
local function record(s, fence, lease_end, record_end, fl, tl, owner)
  return s .. '|' .. num(fence) .. '|' .. num(lease_end) .. '|' .. num(record_end) .. '|' ..
    fl .. '|' .. tl .. '|' .. owner
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
local v = redis.call('GET', key)
local fence = 0
if v then
  local s, f, lease_end, record_end, fl, tl, at = head(v)
  fence = f
  if s ~= 'r' and now < record_end then
    local held = string.sub(v, at, at + fl - 1)
    if s == 'c' then
      return {0, 'c', held, f, record_end - now, string.sub(v, at + fl + tl)}
    end
    -- In progress: only a lapsed lease with the same fingerprint may be taken over.
    if lease_end > now or held ~= fp then
      return {0, 'p', held, f, math.max(0, lease_end - now)}
    end
  end
end
-- Absent, expired, released, or a takeover. A key that still exists keeps counting its
-- fences, even past its logical expiry, so fences only restart after Redis deleted it.
fence = fence + 1
local record_end = now + math.max(ttl_ms, lease_ms)
redis.call('SET', key, record('p', fence, now + lease_ms, record_end, #fp, #token, fp .. token),
  'PX', num(record_end - now))
return {1, fence}
`;

/** KEYS[1] record; ARGV token, fence, ttlMs, result. Reply 1 stored (or already stored by this owner), 0 not the owner. */
const COMPLETE = `${PRELUDE}
local key = KEYS[1]
local v = redis.call('GET', key)
if not v then return 0 end
local s, fence, lease_end, record_end, fl, tl, at = head(v)
local now = now_ms()
if fence ~= tonumber(ARGV[2]) or not (record_end > now) or
    string.sub(v, at + fl, at + fl + tl - 1) ~= ARGV[1] then
  return 0
end
if s == 'c' then
  return 1
end
if s ~= 'p' then
  return 0
end
local ttl_ms = tonumber(ARGV[3])
redis.call('SET', key,
  record('c', fence, 0, now + ttl_ms, fl, tl, string.sub(v, at, at + fl + tl - 1)) .. ARGV[4],
  'PX', num(ttl_ms))
return 1
`;

/** KEYS[1] record; ARGV token, fence. Reply 1 released, 0 not the owner of an in-progress record. */
const RELEASE = `${PRELUDE}
local key = KEYS[1]
local v = redis.call('GET', key)
if not v then return 0 end
local s, fence, lease_end, record_end, fl, tl, at = head(v)
if s ~= 'p' or fence ~= tonumber(ARGV[2]) or not (record_end > now_ms()) or
    string.sub(v, at + fl, at + fl + tl - 1) ~= ARGV[1] then
  return 0
end
-- Keep the fence and the retention end, so the next acquire hands out a larger fence.
redis.call('SET', key, record('r', fence, 0, record_end, 0, 0, ''), 'KEEPTTL')
return 1
`;

/** KEYS[1] record; ARGV token, fence, leaseMs. Reply 1 renewed, 0 not the owner of an in-progress record. */
const EXTEND = `${PRELUDE}
local key = KEYS[1]
local v = redis.call('GET', key)
if not v then return 0 end
local s, fence, lease_end, record_end, fl, tl, at = head(v)
local now = now_ms()
if s ~= 'p' or fence ~= tonumber(ARGV[2]) or not (record_end > now) or
    string.sub(v, at + fl, at + fl + tl - 1) ~= ARGV[1] then
  return 0
end
local owner = string.sub(v, at, at + fl + tl - 1)
local new_lease_end = now + tonumber(ARGV[3])
-- A live lease never outlives its record.
if new_lease_end > record_end then
  redis.call('SET', key, record('p', fence, new_lease_end, new_lease_end, fl, tl, owner),
    'PX', num(new_lease_end - now))
else
  redis.call('SET', key, record('p', fence, new_lease_end, record_end, fl, tl, owner), 'KEEPTTL')
end
return 1
`;

/**
 * KEYS[1] record. Reply nil when absent, expired or released; else
 * {"p", fingerprint, fence, leaseRemainingMs} or {"c", fingerprint, fence, ttlRemainingMs, result}.
 */
const GET = `${PRELUDE}
local v = redis.call('GET', KEYS[1])
if not v then return false end
local s, fence, lease_end, record_end, fl, tl, at = head(v)
local now = now_ms()
if s == 'r' or not (record_end > now) then
  return false
end
local fp = string.sub(v, at, at + fl - 1)
if s == 'c' then
  return {'c', fp, fence, record_end - now, string.sub(v, at + fl + tl)}
end
return {'p', fp, fence, math.max(0, lease_end - now)}
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
