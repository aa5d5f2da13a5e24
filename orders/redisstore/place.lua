-- Place an order atomically: check every line against stock and the
-- household's daily limit, and only when all pass take the quantities,
-- write the order and index it. Nothing is written when a check fails.
--
-- KEYS[1] request id -> order id (idempotency)
-- KEYS[2] stock left (hash sku -> n)
-- KEYS[3] household limit counters for the day (hash sku -> n)
-- KEYS[4] order hash
-- KEYS[5] grid queue (zset)
-- KEYS[6] all orders (zset)
-- KEYS[7] household orders (zset)
-- KEYS[8] orders of the day (zset)
-- ARGV: id, data, status, score, request ttl, limit ttl, n,
--       then n times: sku, qty, limited (1/0), limit (0 = none)
local prev = redis.call('GET', KEYS[1])
if prev then
  return {'DUP', prev}
end
local n = tonumber(ARGV[7])
for i = 0, n - 1 do
  local sku = ARGV[8 + i * 4]
  local qty = tonumber(ARGV[9 + i * 4])
  local limit = tonumber(ARGV[11 + i * 4])
  if ARGV[10 + i * 4] == '1' then
    local left = tonumber(redis.call('HGET', KEYS[2], sku) or '0')
    if left < qty then
      return {'SOLDOUT', sku, tostring(left)}
    end
  end
  if limit > 0 then
    local used = tonumber(redis.call('HGET', KEYS[3], sku) or '0')
    if used + qty > limit then
      return {'LIMIT', sku, tostring(limit - used)}
    end
  end
end
for i = 0, n - 1 do
  local sku = ARGV[8 + i * 4]
  local qty = tonumber(ARGV[9 + i * 4])
  if ARGV[10 + i * 4] == '1' then
    redis.call('HINCRBY', KEYS[2], sku, -qty)
  end
  if tonumber(ARGV[11 + i * 4]) > 0 then
    redis.call('HINCRBY', KEYS[3], sku, qty)
  end
end
redis.call('EXPIRE', KEYS[3], ARGV[6])
local id = ARGV[1]
redis.call('HSET', KEYS[4], 'status', ARGV[3], 'ver', '1', 'data', ARGV[2])
redis.call('ZADD', KEYS[5], ARGV[4], id)
redis.call('ZADD', KEYS[6], ARGV[4], id)
redis.call('ZADD', KEYS[7], ARGV[4], id)
redis.call('ZADD', KEYS[8], ARGV[4], id)
redis.call('SET', KEYS[1], id, 'EX', ARGV[5])
return {'OK', id}
