-- Record a binding request under a fresh code, unless the same user's
-- request for the same household waits already (returned as it is), the
-- household refused them lately, or they have too many waiting.
--
-- KEYS[1] the request under its code (string, JSON)
-- KEYS[2] the user's request for this household (string: code)
-- KEYS[3] the index of waiting requests (zset code -> expiry, for the console)
-- KEYS[4] the user's waiting requests (zset code -> expiry)
-- KEYS[5] the household's refusal of this user (string; expires)
-- KEYS[6] the request under the code KEYS[2] held when the caller read it
--         (ARGV[7]; any key of the community when it held none)
-- ARGV: code, request JSON, ttl (s), expiry (unix s), now (unix s), most
--       waiting requests per user, the code KEYS[2] held ("" for none)
-- Returns {'OK'}, {'AGAIN', json}, {'REFUSED'}, {'TOOMANY'}, {'TAKEN'}
-- (the code is in use: draw another) or {'STALE'} (read KEYS[2] again).
-- A call that ran already (sent again by the client after a read timeout,
-- see docs/redis-resends.md) finds its own request and answers OK again.
local prev = redis.call('GET', KEYS[2])
if prev and prev == ARGV[1] and redis.call('GET', KEYS[1]) == ARGV[2] then
  return {'OK'}
end
if redis.call('EXISTS', KEYS[5]) == 1 then
  return {'REFUSED'}
end
if prev and prev == ARGV[7] then
  local data = redis.call('GET', KEYS[6])
  if data then
    return {'AGAIN', data}
  end
elseif prev then
  return {'STALE'}
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[5])
if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[6]) then
  return {'TOOMANY'}
end
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3]) == false then
  return {'TAKEN'}
end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
redis.call('EXPIRE', KEYS[4], ARGV[3])
return {'OK'}
