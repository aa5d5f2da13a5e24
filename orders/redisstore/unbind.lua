-- Unbind a user from their household, if still bound to the one the
-- caller read.
-- KEYS[1] binding hash of the user, KEYS[2] users of that household,
-- KEYS[3] this call's key (see keys.op): a call run already (sent again by
-- the client after a timeout) returns OK
-- ARGV: openid, expected household, ttl (s) of KEYS[3]
-- Returns STALE, NONE (not bound) or OK.
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 'OK'
end
local cur = redis.call('HGET', KEYS[1], 'hh')
if not cur then
  return 'NONE'
end
if cur ~= ARGV[2] then
  return 'STALE'
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[3])
return 'OK'
