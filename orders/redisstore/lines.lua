-- Shared by the scripts that move stock and household limits; the Go side
-- prepends this file to each of them. Lines come in ARGV from index base
-- on, four values each: sku, qty, limited (1/0), limit (0 = none).

-- check_lines returns nil when every positive qty fits the stock left and
-- the household's limit, else {'SOLDOUT'|'LIMIT', sku, left}. Lines of
-- the same sku count together: two lines of 1 against a stock of 1 are
-- refused, whatever the caller merged or not.
local function check_lines(stock_key, limit_key, base, n)
  local want = {}
  for i = 0, n - 1 do
    local sku = ARGV[base + i * 4]
    local qty = tonumber(ARGV[base + 1 + i * 4])
    if qty > 0 then
      want[sku] = (want[sku] or 0) + qty
      local limit = tonumber(ARGV[base + 3 + i * 4])
      if ARGV[base + 2 + i * 4] == '1' then
        local left = tonumber(redis.call('HGET', stock_key, sku) or '0')
        if left < want[sku] then
          return {'SOLDOUT', sku, tostring(left)}
        end
      end
      if limit > 0 then
        local used = tonumber(redis.call('HGET', limit_key, sku) or '0')
        if used + want[sku] > limit then
          return {'LIMIT', sku, tostring(limit - used)}
        end
      end
    end
  end
  return nil
end

-- take_lines takes each qty from stock and adds it to the household's
-- counters (a negative qty gives back). Counters are only touched when
-- counters is true: they expire after their day, and recreating one with
-- a negative count would let the household order past its limit. A
-- counter never goes below zero, whatever the caller gives back. Returns
-- whether it touched a counter.
local function take_lines(stock_key, limit_key, base, n, counters)
  local touched = false
  for i = 0, n - 1 do
    local sku = ARGV[base + i * 4]
    local qty = tonumber(ARGV[base + 1 + i * 4])
    if ARGV[base + 2 + i * 4] == '1' then
      redis.call('HINCRBY', stock_key, sku, -qty)
    end
    if counters and tonumber(ARGV[base + 3 + i * 4]) > 0 then
      if redis.call('HINCRBY', limit_key, sku, qty) < 0 then
        redis.call('HSET', limit_key, sku, 0)
      end
      touched = true
    end
  end
  return touched
end

-- check_version returns nil when the order hash holds version ver in
-- status want, else the reply for the caller: NOTFOUND, STALE (read it
-- again) or CONFLICT with the status it is in.
local function check_version(order_key, ver, want)
  local cur = redis.call('HMGET', order_key, 'status', 'ver')
  if not cur[1] then
    return {'NOTFOUND'}
  end
  if cur[2] ~= ver then
    return {'STALE'}
  end
  if cur[1] ~= want then
    return {'CONFLICT', cur[1]}
  end
  return nil
end

-- place_order places one order atomically: it checks every line against
-- stock and the household's daily limit, and only when all pass takes the
-- quantities, writes the order and indexes it. Nothing is written when a
-- check fails or the request id was seen before.
--
-- k: request id -> order id, stock left, limit counters of the order's
--    day, order hash, grid queue, all orders, household orders, orders of
--    the day (key names)
-- ARGV from base: id, data, status, score, score in the grid queue (urgent
--    orders score lower), n, then n lines
-- seq, when given, is the id sequence's key: the id is allocated here (the
--    first is 1001), ARGV's id is ignored, data's leading {"id":"" gets
--    it, and k[4] is the prefix of order keys. (The order's own key is
--    then known only here: it shares the hash tag, so it lives in the
--    slot of every declared key.)
-- Returns {'OK', id}, {'DUP', earlier id} or check_lines' refusal, and the
-- ARGV index after the order.
local function place_order(k, base, request_ttl, limit_ttl, seq)
  local n = tonumber(ARGV[base + 5])
  local after = base + 6 + n * 4
  -- A request ttl of 0: no request key (a write under a message's claim
  -- is made once by the claim itself).
  local keep = tonumber(request_ttl) > 0
  if keep then
    local prev = redis.call('GET', k[1])
    if prev then
      return {'DUP', prev}, after
    end
  end
  local refused = check_lines(k[2], k[3], base + 6, n)
  if refused then
    return refused, after
  end
  local id, data, key = ARGV[base], ARGV[base + 1], k[4]
  if seq then
    id = tostring(1000 + redis.call('INCR', seq))
    data = '{"id":"' .. id .. string.sub(data, 8)
    key = k[4] .. id
  end
  -- An order of nothing limited leaves the counters alone.
  if take_lines(k[2], k[3], base + 6, n, true) then
    redis.call('EXPIRE', k[3], limit_ttl)
  end
  local score = ARGV[base + 3]
  redis.call('HSET', key, 'status', ARGV[base + 2], 'ver', '1', 'data', data)
  redis.call('ZADD', k[5], ARGV[base + 4], id)
  redis.call('ZADD', k[6], score, id)
  redis.call('ZADD', k[7], score, id)
  redis.call('ZADD', k[8], score, id)
  if keep then
    redis.call('SET', k[1], id, 'EX', request_ttl)
  end
  return {'OK', id}, after
end
