-- Revise an order without the status machine's steps (its payment, or
-- lines the supplier could not pack) if nobody changed it since the caller
-- read it: compare-and-set on ver. Household limits may be given back for
-- the lines taken out (stock is not: the goods are not there), and an
-- order left with nothing is cancelled and leaves its grid's queue. Only
-- that leaves the queue: an order waiting for its prescription is queued
-- already and stays, or it never reaches a roster once its photo came.
--
-- A cut of a shortfall also moves the shortfall's record in the same step
-- (KEYS[5]), if nobody moved it since the caller read it: two reports for
-- the same item and day never both cut for the same units.
--
-- KEYS[1] order hash
-- KEYS[2] stock left (hash; untouched: lines come with limited 0)
-- KEYS[3] household limit counters of the order's limit day (hash)
-- KEYS[4] grid queue (zset)
-- KEYS[5] (optional) the shortfall record (string, orders.Shortfall JSON)
-- ARGV: expected ver, expected status, new status, new data, id, n, then
--       n lines (sku, negative qty, 0, limit) whose limits are given back;
--       with KEYS[5]: the units the record must hold, the new record, its
--       ttl (s)
local n = tonumber(ARGV[6])
local g = 7 + n * 4
if KEYS[5] then
  local cur = redis.call('GET', KEYS[5])
  local held = 0
  if cur then
    held = tonumber(cjson.decode(cur)['qty']) or 0
  end
  if held ~= tonumber(ARGV[g]) then
    return {'MOVED', tostring(held)}
  end
end
local bad = check_version(KEYS[1], ARGV[1], ARGV[2])
if bad then
  return bad
end
if n > 0 then
  take_lines(KEYS[2], KEYS[3], 7, n, redis.call('EXISTS', KEYS[3]) == 1)
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'ver', tostring(tonumber(ARGV[1]) + 1), 'data', ARGV[4])
if ARGV[3] == 'cancelled' and ARGV[2] ~= 'cancelled' then
  redis.call('ZREM', KEYS[4], ARGV[5])
end
if KEYS[5] then
  redis.call('SET', KEYS[5], ARGV[g + 1], 'EX', ARGV[g + 2])
end
return {'OK'}
