import { createHash } from 'node:crypto';

/**
 * A record is one string:
 *
 *   <state>|<fence>|<a>|<b>|<fingerprint bytes>|<token bytes>|<fingerprint><token><result>
 *
 *   state "p" in progress: a = record end minus lease end (ms), b = 0
 *   state "c" completed:   a = when it expires (server ms), b = its ttl (ms); result follows
 *   state "r" released:    a = b = 0, no fingerprint or token; the fence is kept
 *
 * The key expires at the record end, so the time left on a record is the key's PTTL and the
 * lease left is PTTL minus a: Redis' own clock, with nothing to convert. That is what lets a
 * client create an in-progress record with a plain `SET ... NX GET PX` (see acquire in
 * redis-store.ts): it needs no server time. Scripts read the record with one GET and write it
 * with one SET. Numbers are written with %.0f so large values never turn into "1e+15".
 */
const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Milliseconds the record has left, or 0 when it is over. A completed record carries its own
-- expiry; an in-progress one lives as long as its key. Either way, a key whose expiry was taken
-- away (PERSIST) does not live forever: expiry is enforced here, whatever Redis' TTL says.
local function time_left(key, s, a)
  if s == 'c' then return math.max(0, a - now_ms()) end
  return math.max(0, redis.call('PTTL', key))
end
local function num(v)
  return string.format('%.0f', v)
end
-- The record's head: state, fence, a, b, fingerprint and token lengths, and where the
-- fingerprint starts. Substrings are cut only where a script needs them.
local function head(v)
  local s, f, a, b, fl, tl, at = string.match(v, '^(%a)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|()')
  if not s then error('oncely: unreadable record') end
  return s, tonumber(f), tonumber(a), tonumber(b), tonumber(fl), tonumber(tl), at
end
local function record(s, fence, a, b, fl, tl, owner)
  return s .. '|' .. num(fence) .. '|' .. num(a) .. '|' .. num(b) .. '|' .. fl .. '|' .. tl ..
    '|' .. owner
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
local v = redis.call('GET', key)
local fence = 0
if v then
  local s, f, a, b, fl, tl, at = head(v)
  fence = f
  local left = 0
  if s ~= 'r' then left = time_left(key, s, a) end
  if left > 0 then
    local held = string.sub(v, at, at + fl - 1)
    if s == 'c' then
      return {0, 'c', held, f, left, string.sub(v, at + fl + tl)}
    end
    -- In progress: only a lapsed lease with the same fingerprint may be taken over.
    local lease_left = left - a
    if lease_left > 0 or held ~= fp then
      return {0, 'p', held, f, math.max(0, lease_left)}
    end
  end
end
-- Absent, released, expired, or a takeover. A key that still exists keeps counting its
-- fences, even past its logical expiry, so fences only restart after Redis deleted it.
fence = fence + 1
local retention = math.max(ttl_ms, lease_ms)
redis.call('SET', key, record('p', fence, retention - lease_ms, 0, #fp, #token, fp .. token),
  'PX', num(retention))
return {1, fence}
`;

/**
 * KEYS[1] record; ARGV token, fence, ttlMs, result. Reply the server time (ms) when stored
 * (or already stored by this owner), 0 when this is not the owner.
 *
 * Every first execution runs this, so the common case comes first and does little: the owner's
 * in-progress record `p|<fence>|<a>|0|<fl>|<tl>|<fingerprint><token>` is recognised by its
 * prefix, its two lengths and its last bytes, and becomes the completed record by replacing the
 * fields before the lengths, without parsing the rest or formatting numbers that arrive as
 * strings. It costs about 70 000 instructions in Redis against 104 000 for the general path
 * below (bench/script-instructions.ts); every other case (a completed, released or foreign
 * record) takes that general path, which decides exactly as before.
 */
const COMPLETE = `
local key, token, fence, ttl = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local v = redis.call('GET', key)
if not v then return 0 end
local owner_head = 'p|' .. fence .. '|'
-- A ttl with a fraction goes the general way, which rounds it.
if string.sub(v, 1, #owner_head) == owner_head and not string.find(ttl, '.', 1, true) then
  -- In progress, b is always 0; fl and tl must account for the rest exactly, so the last tl
  -- bytes are the whole token field, not the tail of a longer one.
  local bar = string.find(v, '|', #owner_head + 1, true)
  if bar and string.sub(v, bar, bar + 2) == '|0|' then
    local fl, tl, at = string.match(v, '^(%d+)|(%d+)|()', bar + 3)
    if at and tonumber(tl) == #token and at + fl + tl - 1 == #v and
        string.sub(v, -#token) == token then
      local t = redis.call('TIME')
      local now = t[1] * 1000 + math.floor(t[2] / 1000)
      local expires = now + ttl
      -- Below 1e14 Lua writes the integer in full; above, %.0f keeps it from becoming "1e+14".
      if expires < 1e14 then expires = expires .. '' else expires = string.format('%.0f', expires) end
      redis.call('SET', key, 'c|' .. fence .. '|' .. expires .. '|' .. ttl .. '|' ..
        string.sub(v, bar + 3) .. ARGV[4], 'PX', ttl)
      return now
    end
  end
end
${PRELUDE}
local s, fence, a, b, fl, tl, at = head(v)
if fence ~= tonumber(ARGV[2]) or string.sub(v, at + fl, at + fl + tl - 1) ~= ARGV[1] then
  return 0
end
if s == 'r' then
  return 0
end
local now = now_ms()
if s == 'c' then
  -- Already stored by this owner: yes again, while the record lasts.
  if a > now then return now end
  return 0
end
-- In progress: its key exists, so the record is retained; an owner may store its result even
-- after its lease lapsed, as long as no one took over (that would have changed the fence).
local ttl_ms = tonumber(ARGV[3])
redis.call('SET', key,
  record('c', fence, now + ttl_ms, ttl_ms, fl, tl, string.sub(v, at, at + fl + tl - 1)) ..
  ARGV[4], 'PX', num(ttl_ms))
return now
`;

/** KEYS[1] record; ARGV token, fence. Reply 1 released, 0 not the owner of an in-progress record. */
const RELEASE = `${PRELUDE}
local key = KEYS[1]
local v = redis.call('GET', key)
if not v then return 0 end
local s, fence, a, b, fl, tl, at = head(v)
if s ~= 'p' or fence ~= tonumber(ARGV[2]) or string.sub(v, at + fl, at + fl + tl - 1) ~= ARGV[1] or
    time_left(key, s, a) == 0 then
  return 0
end
-- Keep the fence and the retention end, so the next acquire hands out a larger fence.
redis.call('SET', key, record('r', fence, 0, 0, 0, 0, ''), 'KEEPTTL')
return 1
`;

/** KEYS[1] record; ARGV token, fence, leaseMs. Reply 1 renewed, 0 not the owner of an in-progress record. */
const EXTEND = `${PRELUDE}
local key = KEYS[1]
local v = redis.call('GET', key)
if not v then return 0 end
local s, fence, a, b, fl, tl, at = head(v)
if s ~= 'p' or fence ~= tonumber(ARGV[2]) or string.sub(v, at + fl, at + fl + tl - 1) ~= ARGV[1] then
  return 0
end
local left = time_left(key, s, a)
if left == 0 then
  return 0
end
local owner = string.sub(v, at, at + fl + tl - 1)
local lease_ms = tonumber(ARGV[3])
-- A live lease never outlives its record: past the record end, the record is extended too.
if lease_ms >= left then
  redis.call('SET', key, record('p', fence, 0, 0, fl, tl, owner), 'PX', num(lease_ms))
else
  redis.call('SET', key, record('p', fence, left - lease_ms, 0, fl, tl, owner), 'KEEPTTL')
end
return 1
`;

/**
 * KEYS[1] record. Reply nil when absent or released; else
 * {"p", fingerprint, fence, leaseRemainingMs} or {"c", fingerprint, fence, ttlRemainingMs, result}.
 */
const GET = `${PRELUDE}
local key = KEYS[1]
local v = redis.call('GET', key)
if not v then return false end
local s, fence, a, b, fl, tl, at = head(v)
if s == 'r' then
  return false
end
local left = time_left(key, s, a)
if left == 0 then
  return false
end
local fp = string.sub(v, at, at + fl - 1)
if s == 'c' then
  return {'c', fp, fence, left, string.sub(v, at + fl + tl)}
end
return {'p', fp, fence, math.max(0, left - a)}
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
