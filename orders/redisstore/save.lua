-- Save the answer to a message whose handling wrote nothing under an Ack,
-- unless another delivery holds or answered it meanwhile.
-- KEYS[1] the message's reply key; ARGV: 'p:'..owner, 'r:'..reply, ttl (s)
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
