-- Revise an order without the status machine's steps (its payment, or
-- lines the supplier could not pack) if nobody changed it since the caller
-- read it: compare-and-set on ver. Household limits may be given back for
-- the lines taken out (stock is not: the goods are not there), and an
-- order left with nothing is cancelled and leaves its grid's queue. Only
-- that leaves the queue: an order waiting for its prescription is queued
-- already and stays, or it never reaches a roster once its photo came.
--
-- KEYS[1] order hash
-- KEYS[2] stock left (hash; untouched: lines come with limited 0)
-- KEYS[3] household limit counters of the order's limit day (hash)
-- KEYS[4] grid queue (zset)
-- ARGV: expected ver, expected status, new status, new data, id, n, then
--       n lines (sku, negative qty, 0, limit) whose limits are given back
local bad = check_version(KEYS[1], ARGV[1], ARGV[2])
if bad then
  return bad
end
local n = tonumber(ARGV[6])
if n > 0 then
  take_lines(KEYS[2], KEYS[3], 7, n, redis.call('EXISTS', KEYS[3]) == 1)
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'ver', tostring(tonumber(ARGV[1]) + 1), 'data', ARGV[4])
if ARGV[3] == 'cancelled' and ARGV[2] ~= 'cancelled' then
  redis.call('ZREM', KEYS[4], ARGV[5])
end
return {'OK'}
