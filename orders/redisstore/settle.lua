-- Settle a claim whose write had an unknown outcome (a timeout): give the
-- claim up when it is still ours, so no late write on its behalf can
-- happen any more, or say how the message was answered.
--
-- Giving up leaves a tombstone, 'x:'..owner, for a long while (ARGV[3],
-- see tombstoneTTL) rather than deleting the key: a late Resolve of the same delivery (retried by
-- us or by the client, reaching Redis after this) must not claim the
-- message again for a write that is also late. Another delivery (WeChat's
-- retry, a new owner) takes a tombstone as free.
--
-- KEYS[1] the message's reply key; ARGV[1] 'p:'..owner, ARGV[2]
-- 'x:'..owner, ARGV[3] the tombstone's ttl (ms)
-- Returns {'RELEASED'}, {'ANSWERED', reply} or {'ELSEWHERE'}.
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or v == ARGV[2] or not v then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return {'RELEASED'}
end
if string.sub(v, 1, 2) == 'r:' then
  return {'ANSWERED', string.sub(v, 3)}
end
return {'ELSEWHERE'}
