-- Bind a user to a household and keep the household -> users index in
-- step, so a delivery notice reaches everyone who lives there.
--
-- KEYS[1] binding hash of the user
-- KEYS[2] users of the new household (set)
-- KEYS[3] users of the household bound before (set; may equal KEYS[2])
-- KEYS[4] known households (set of households someone is bound to; for free packs)
-- KEYS[5] the new household's orders (zset)
-- KEYS[6] households bound for the first time (zset household -> ms),
--         for the leads' digest
-- KEYS[7] the binding request (approve mode; any key of the community else)
-- KEYS[8] the households' marks (hash household -> marks)
-- KEYS[9] the user's waiting binding requests (zset code -> expiry)
-- ARGV: openid, expected old household ("" = none), building, unit, room,
--       grid, at, new household, mode ('first': bind only a household
--       nobody lives in or ordered for, that the office does not list
--       (ARGV[12] = '1') and that carries no mark; 'approve': the request in
--       KEYS[7] must still hold ARGV[10], and is used up; 'force': an
--       admin's), request, at (ms), listed, the request's code, then
--       the ttl (s) of KEYS[10]
-- KEYS[10] this call's key (see keys.op): a call run already (sent again
--          by the client after a timeout) returns what it returned then
-- Returns STALE (read the old household again), GONE (the request was
-- answered or expired), SAME, APPROVAL or OK.
local done = redis.call('GET', KEYS[10])
if done then
  return done
end
local res = (function()
local old = redis.call('HGET', KEYS[1], 'hh') or ''
if old ~= ARGV[2] then
  return 'STALE'
end
if ARGV[9] == 'approve' then
  if redis.call('GET', KEYS[7]) ~= ARGV[10] then
    return 'GONE'
  end
  redis.call('DEL', KEYS[7])
  redis.call('ZREM', KEYS[9], ARGV[13])
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return 'SAME'
end
if ARGV[9] == 'first' and (redis.call('SCARD', KEYS[2]) > 0 or redis.call('ZCARD', KEYS[5]) > 0
    or ARGV[12] == '1' or redis.call('HEXISTS', KEYS[8], ARGV[8]) == 1) then
  return 'APPROVAL'
end
if old ~= '' then
  redis.call('SREM', KEYS[3], ARGV[1])
end
if ARGV[9] ~= 'force' and redis.call('SCARD', KEYS[2]) == 0 then
  -- The household's first member (at once, or approved): the building's
  -- lead hears of it in the next digest.
  redis.call('ZADD', KEYS[6], ARGV[11], ARGV[8])
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[8])
redis.call('HSET', KEYS[1], 'building', ARGV[3], 'unit', ARGV[4], 'room', ARGV[5],
  'grid', ARGV[6], 'at', ARGV[7], 'hh', ARGV[8])
return 'OK'
end)()
if res ~= 'STALE' and res ~= 'GONE' then
  redis.call('SET', KEYS[10], res, 'EX', ARGV[14])
end
return res
