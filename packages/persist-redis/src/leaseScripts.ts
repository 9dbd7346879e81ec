// The Lua scripts of the Redis leases. Each runs atomically on the server and reads the server's clock
// (TIME), so every process sharing a Redis agrees on expiry whatever its own clock says. A lease is a hash
// `<keyPrefix>:v2:lease-state:<stored key>` with fields holder, token and expiresAt (epoch ms, Redis
// clock); a released lease keeps its token (holder "", expiresAt 0), so the next holder gets a higher one.

// Milliseconds of the Redis server clock.
const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/**
 * KEYS[1] lease hash; ARGV[1] holder, ARGV[2] ttl ms. Returns {1, token, expiresAt} when granted (a
 * takeover or re-acquire after a release increments the token), {0, holder, expiresAt} when held live.
 */
export const ACQUIRE_SCRIPT = `${NOW}
local current = redis.call('HMGET', KEYS[1], 'holder', 'token', 'expiresAt')
if current[1] and current[1] ~= '' and now < (tonumber(current[3]) or 0) then
  return {0, current[1], current[3]}
end
local token = (tonumber(current[2]) or 0) + 1
local expiresAt = now + math.floor(tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', tostring(token), 'expiresAt', tostring(expiresAt))
return {1, tostring(token), tostring(expiresAt)}`;

/**
 * KEYS[1] lease hash; ARGV[1] holder, ARGV[2] token, ARGV[3] ttl ms. Compare-and-set of expiresAt:
 * {1, expiresAt} when the grant still holds the lease (also after its expiry if nobody took it over),
 * else {0, holder or "", token or ""} of what is there now.
 */
export const RENEW_SCRIPT = `${NOW}
local current = redis.call('HMGET', KEYS[1], 'holder', 'token')
if current[1] ~= ARGV[1] or current[2] ~= ARGV[2] then
  return {0, current[1] or '', current[2] or ''}
end
local expiresAt = now + math.floor(tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'expiresAt', tostring(expiresAt))
return {1, tostring(expiresAt)}`;

/** KEYS[1] lease hash; ARGV[1] holder, ARGV[2] token. Releases when the grant still holds it; 1 or 0. */
export const RELEASE_SCRIPT = `
local current = redis.call('HMGET', KEYS[1], 'holder', 'token')
if current[1] ~= ARGV[1] or current[2] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'holder', '', 'expiresAt', '0')
return 1`;

/**
 * A fenced write/delete/batch: checks the fence and applies every operation in one script, so a stale
 * token can never write. KEYS[1] lease hash, then per operation its entity hash and key index; ARGV[1]
 * holder, ARGV[2] token, then per operation "w"/"d", stored key, JSON text ("" for a delete).
 * Returns {1} when applied, else {0, holder or "", token or "", expiresAt or ""} and nothing is written.
 */
export const FENCED_APPLY_SCRIPT = `${NOW}
local current = redis.call('HMGET', KEYS[1], 'holder', 'token', 'expiresAt')
if current[1] ~= ARGV[1] or current[1] == '' or current[2] ~= ARGV[2] or now >= (tonumber(current[3]) or 0) then
  return {0, current[1] or '', current[2] or '', current[3] or ''}
end
local operations = (#ARGV - 2) / 3
for index = 0, operations - 1 do
  local op = ARGV[3 + index * 3]
  local stored = ARGV[4 + index * 3]
  local hash = KEYS[2 + index * 2]
  local keys = KEYS[3 + index * 2]
  if op == 'w' then
    redis.call('HSET', hash, stored, ARGV[5 + index * 3])
    redis.call('ZADD', keys, 0, stored)
  else
    redis.call('HDEL', hash, stored)
    redis.call('ZREM', keys, stored)
  end
end
return {1}`;
