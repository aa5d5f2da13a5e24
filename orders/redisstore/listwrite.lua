-- Write one call's worth of a lead's pasted list (ListStore.WriteList):
-- household by household in line order, each one's entry in the list and,
-- for a place, its order placed as place_order does (a refused household
-- writes nothing of its own; the others go on). The answer is saved under
-- the call's name, so a retry of the call, or listwritten.lua asking after
-- it, gets the same answer; a name fenced off ('void') writes nothing.
--
-- KEYS[1] the call's name (its saved answer)
-- KEYS[2] stock left, KEYS[3] all orders, KEYS[4] the list (hash
--         household -> entry)
-- then per place, 6 keys: request id, limit counters, order hash, grid
--         queue, household orders, orders of the day
-- ARGV[1] answer ttl, ARGV[2] request ttl, ARGV[3] limit ttl, ARGV[4] list
--         ttl, ARGV[5] number of writes, then per write: household, line,
--         and 'entry' with the order id, or 'place' with the order as
--         place_order reads it
-- Returns the answer, a JSON array with one place_order answer (or
-- {'ENTRY'}) per write, or 'void'.
local saved = redis.call('GET', KEYS[1])
if saved then
  return saved
end
local out = {}
local k, a = 5, 6
for i = 1, tonumber(ARGV[5]) do
  local hh, line, kind = ARGV[a], tonumber(ARGV[a + 1]), ARGV[a + 2]
  local id, res
  if kind == 'place' then
    local keys = {KEYS[k], KEYS[2], KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[3], KEYS[k + 4], KEYS[k + 5]}
    res, a = place_order(keys, a + 3, ARGV[2], ARGV[3])
    k = k + 6
    if res[1] == 'OK' or res[1] == 'DUP' then
      id = res[2]
    end
  else
    id, res = ARGV[a + 3], {'ENTRY'}
    a = a + 4
  end
  if id then
    redis.call('HSET', KEYS[4], hh, cjson.encode({household = hh, order_id = id, line = line}))
  end
  out[i] = res
end
redis.call('EXPIRE', KEYS[4], ARGV[4])
local answer = cjson.encode(out)
redis.call('SET', KEYS[1], answer, 'EX', ARGV[1])
return answer
