-- Unbind a user from their household, if still bound to the one the
-- caller read.
-- KEYS[1] binding hash of the user, KEYS[2] users of that household
-- ARGV: openid, expected household
-- Returns STALE, NONE (not bound) or OK.
local cur = redis.call('HGET', KEYS[1], 'hh')
if not cur then
  return 'NONE'
end
if cur ~= ARGV[2] then
  return 'STALE'
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 'OK'
