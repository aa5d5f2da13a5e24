-- Place one order atomically (see place_order in lines.lua), its id
-- allocated in the same step. With a message's reply key (see orders.Ack)
-- it writes only while the caller holds the message's claim, and saves the
-- answer with the order, so a message is answered in the same step as its
-- effect.
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
-- ARGV: request ttl, limit ttl, the prefix of order keys, then the order as
--       place_order reads it (its id ignored, its data starting {"id":""),
--       then with KEYS[9]: 'p:'..owner, the reply with the id as a
--       placeholder, reply ttl, the placeholder.
--
-- place takes KEYS and ARGV as parameters, though it is only ever given
-- the script's own: place_order reads ARGV itself. claimed says the
-- caller claimed the message in this same step (no need to look).
local function place(KEYS, ARGV, claimed)
  local ack = 10 + tonumber(ARGV[9]) * 4
  if KEYS[9] and not claimed then
    local lost = claim_check(KEYS[9], ARGV[ack])
    if lost then
      return lost
    end
  end
  local res = place_order({KEYS[1], KEYS[2], KEYS[3], ARGV[3], KEYS[5], KEYS[6], KEYS[7], KEYS[8]}, 4, ARGV[1], ARGV[2], KEYS[4])
  if res[1] == 'OK' and KEYS[9] then
    redis.call('SET', KEYS[9], 'r:' .. replace_plain(ARGV[ack + 1], ARGV[ack + 3], res[2]), 'EX', ARGV[ack + 2])
  end
  return res
end
