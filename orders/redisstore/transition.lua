-- Move an order to a new status if nobody changed it since the caller read
-- it (compare-and-set on ver), optionally giving its stock and limits back,
-- and take it off its grid's queue when it is no longer open.
--
-- KEYS[1] order hash
-- KEYS[2] stock left (hash)
-- KEYS[3] household limit counters of the order's day (hash)
-- KEYS[4] grid queue (zset)
-- KEYS[5] the day index of the order's day now, KEYS[6] of its new day
--         (the same key when the day does not move)
-- KEYS[7] (optional) the message's reply key (see Ack in place.lua)
-- ARGV: expected ver, expected status, new status, new data, id,
--       dequeue (1/0), give back (1/0), score in the day index, n, then n
--       lines with negative qty; with KEYS[7]: 'p:'..owner, the reply,
--       reply ttl
local ack = 10 + tonumber(ARGV[9]) * 4
if KEYS[7] then
  local lost = claim_check(KEYS[7], ARGV[ack])
  if lost then
    return lost
  end
end
local bad = check_version(KEYS[1], ARGV[1], ARGV[2])
if bad then
  return bad
end
if ARGV[7] == '1' then
  take_lines(KEYS[2], KEYS[3], 10, tonumber(ARGV[9]), redis.call('EXISTS', KEYS[3]) == 1)
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'ver', tostring(tonumber(ARGV[1]) + 1), 'data', ARGV[4])
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[4], ARGV[5])
end
if KEYS[5] ~= KEYS[6] then
  redis.call('ZREM', KEYS[5], ARGV[5])
  redis.call('ZADD', KEYS[6], ARGV[8], ARGV[5])
end
if KEYS[7] then
  redis.call('SET', KEYS[7], 'r:' .. ARGV[ack + 1], 'EX', ARGV[ack + 2])
end
return {'OK'}
