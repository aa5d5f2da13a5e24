-- Settle a claim whose write had an unknown outcome (a timeout): give the
-- claim up when it is still ours, so no late write on its behalf can
-- happen any more, or say how the message was answered.
-- KEYS[1] the message's reply key; ARGV[1] 'p:'..owner
-- Returns {'RELEASED'}, {'ANSWERED', reply} or {'ELSEWHERE'}.
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then
  if v then
    redis.call('DEL', KEYS[1])
  end
  return {'RELEASED'}
end
if string.sub(v, 1, 2) == 'r:' then
  return {'ANSWERED', string.sub(v, 3)}
end
return {'ELSEWHERE'}
