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
-- ARGV: id, data, status, score, request ttl, limit ttl, n, then n lines,
--       then the score in the grid queue (urgent orders score lower)
local prev = redis.call('GET', KEYS[1])
if prev then
  return {'DUP', prev}
end
local n = tonumber(ARGV[7])
local refused = check_lines(KEYS[2], KEYS[3], 8, n)
if refused then
  return refused
end
take_lines(KEYS[2], KEYS[3], 8, n, true)
redis.call('EXPIRE', KEYS[3], ARGV[6])
local id = ARGV[1]
redis.call('HSET', KEYS[4], 'status', ARGV[3], 'ver', '1', 'data', ARGV[2])
redis.call('ZADD', KEYS[5], ARGV[8 + n * 4] or ARGV[4], id)
redis.call('ZADD', KEYS[6], ARGV[4], id)
redis.call('ZADD', KEYS[7], ARGV[4], id)
redis.call('ZADD', KEYS[8], ARGV[4], id)
redis.call('SET', KEYS[1], id, 'EX', ARGV[5])
return {'OK', id}
