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
-- counter never goes below zero, whatever the caller gives back.
local function take_lines(stock_key, limit_key, base, n, counters)
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
    end
  end
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
