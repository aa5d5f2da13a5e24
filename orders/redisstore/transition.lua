-- Move an order to a new status if nobody changed it since the caller read
-- it (compare-and-set on ver), optionally giving its stock and limits back,
-- and take it off its grid's queue when it is no longer open.
--
-- KEYS[1] order hash
-- KEYS[2] stock left (hash)
-- KEYS[3] household limit counters of the order's day (hash)
-- KEYS[4] grid queue (zset)
-- ARGV: expected ver, expected status, new status, new data, id,
--       dequeue (1/0), give back (1/0), n, then n times: sku, qty, limited, limit
local cur = redis.call('HMGET', KEYS[1], 'status', 'ver')
if not cur[1] then
  return {'NOTFOUND'}
end
if cur[2] ~= ARGV[1] then
  return {'STALE'}
end
if cur[1] ~= ARGV[2] then
  return {'CONFLICT', cur[1]}
end
if ARGV[7] == '1' then
  local n = tonumber(ARGV[8])
  local limits = redis.call('EXISTS', KEYS[3]) == 1
  for i = 0, n - 1 do
    local sku = ARGV[9 + i * 4]
    local qty = tonumber(ARGV[10 + i * 4])
    if ARGV[11 + i * 4] == '1' then
      redis.call('HINCRBY', KEYS[2], sku, qty)
    end
    -- Counters expire after their day; recreating one with a negative
    -- count would let the household order more than its limit.
    if limits and tonumber(ARGV[12 + i * 4]) > 0 then
      redis.call('HINCRBY', KEYS[3], sku, -qty)
    end
  end
end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'ver', tostring(tonumber(cur[2]) + 1), 'data', ARGV[4])
if ARGV[6] == '1' then
  redis.call('ZREM', KEYS[4], ARGV[5])
end
return {'OK'}
