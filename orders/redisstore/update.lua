-- Replace the lines of a pending order (a lead re-pasted a 接龙 with new
-- quantities) if nobody changed it since the caller read it. Stock and the
-- household's daily limit move by the difference only, and nothing is
-- written when an increase cannot be served.
--
-- KEYS[1] order hash
-- KEYS[2] stock left (hash)
-- KEYS[3] household limit counters of the order's day (hash)
-- ARGV: expected ver, new data, limit ttl, n, then n lines whose qty is
--       the change (negative gives back)
local bad = check_version(KEYS[1], ARGV[1], 'pending')
if bad then
  return bad
end
local n = tonumber(ARGV[4])
local refused = check_lines(KEYS[2], KEYS[3], 5, n)
if refused then
  return refused
end
-- As transition.lua: an expired day's counters are not recreated by
-- giving back, only by taking more.
local grows = false
for i = 0, n - 1 do
  if tonumber(ARGV[6 + i * 4]) > 0 then
    grows = true
  end
end
take_lines(KEYS[2], KEYS[3], 5, n, grows or redis.call('EXISTS', KEYS[3]) == 1)
redis.call('EXPIRE', KEYS[3], ARGV[3])
local ver = tonumber(redis.call('HGET', KEYS[1], 'ver'))
redis.call('HSET', KEYS[1], 'ver', tostring(ver + 1), 'data', ARGV[2])
return {'OK'}
