-- Place an order atomically: allocate its id, check every line against
-- stock and the household's daily limit, and only when all pass take the
-- quantities, write the order and index it. Nothing is written when a
-- check fails. With a message's reply key (see Ack), it writes only while
-- the caller holds the message's claim, and saves the answer with the
-- order, so a message is answered in the same step as its effect.
--
-- KEYS[1] request id -> order id (idempotency)
-- KEYS[2] stock left (hash sku -> n)
-- KEYS[3] household limit counters for the day (hash sku -> n)
-- KEYS[4] order id sequence
-- KEYS[5] grid queue (zset)
-- KEYS[6] all orders (zset)
-- KEYS[7] household orders (zset)
-- KEYS[8] orders of the day (zset)
-- KEYS[9] (optional) the message's reply key
-- ARGV: order key prefix, data (its id ""), status, score, request ttl,
--       limit ttl, n, then n lines, then the score in the grid queue
--       (urgent orders score lower); with KEYS[9]: 'p:'..owner, the reply
--       with the id as a placeholder, reply ttl, the placeholder.
-- The order's own key (prefix..id) is known only once the id is: it
-- shares the hash tag, so it lives in the same slot as every KEYS.
local n = tonumber(ARGV[7])
local ack = 8 + n * 4
if KEYS[9] then
  local lost = claim_check(KEYS[9], ARGV[ack + 1])
  if lost then
    return lost
  end
end
local prev = redis.call('GET', KEYS[1])
if prev then
  return {'DUP', prev}
end
local refused = check_lines(KEYS[2], KEYS[3], 8, n)
if refused then
  return refused
end
local id = tostring(1000 + redis.call('INCR', KEYS[4]))
take_lines(KEYS[2], KEYS[3], 8, n, true)
redis.call('EXPIRE', KEYS[3], ARGV[6])
-- data starts {"id":"" (8 bytes): put the id in.
local data = '{"id":"' .. id .. string.sub(ARGV[2], 8)
redis.call('HSET', ARGV[1] .. id, 'status', ARGV[3], 'ver', '1', 'data', data)
redis.call('ZADD', KEYS[5], ARGV[ack], id)
redis.call('ZADD', KEYS[6], ARGV[4], id)
redis.call('ZADD', KEYS[7], ARGV[4], id)
redis.call('ZADD', KEYS[8], ARGV[4], id)
redis.call('SET', KEYS[1], id, 'EX', ARGV[5])
if KEYS[9] then
  redis.call('SET', KEYS[9], 'r:' .. replace_plain(ARGV[ack + 2], ARGV[ack + 4], id), 'EX', ARGV[ack + 3])
end
return {'OK', id}
