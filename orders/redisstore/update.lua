-- Replace the lines of a pending order (a lead re-pasted a 接龙 with new
-- quantities) if nobody changed it since the caller read it. Stock and the
-- household's daily limit move by the difference only, and nothing is
-- written when an increase cannot be served.
--
-- KEYS[1] order hash
-- KEYS[2] stock left (hash)
-- KEYS[3] household limit counters of the order's day (hash)
-- ARGV: expected ver, new data, n, then n times: sku, delta, limited, limit
local cur = redis.call('HMGET', KEYS[1], 'status', 'ver')
if not cur[1] then
  return {'NOTFOUND'}
end
if cur[2] ~= ARGV[1] then
  return {'STALE'}
end
if cur[1] ~= 'pending' then
  return {'CONFLICT', cur[1]}
end
local n = tonumber(ARGV[3])
for i = 0, n - 1 do
  local sku = ARGV[4 + i * 4]
  local delta = tonumber(ARGV[5 + i * 4])
  local limit = tonumber(ARGV[7 + i * 4])
  if delta > 0 then
    if ARGV[6 + i * 4] == '1' then
      local left = tonumber(redis.call('HGET', KEYS[2], sku) or '0')
      if left < delta then
        return {'SOLDOUT', sku, tostring(left)}
      end
    end
    if limit > 0 then
      local used = tonumber(redis.call('HGET', KEYS[3], sku) or '0')
      if used + delta > limit then
        return {'LIMIT', sku, tostring(limit - used)}
      end
    end
  end
end
for i = 0, n - 1 do
  local sku = ARGV[4 + i * 4]
  local delta = tonumber(ARGV[5 + i * 4])
  if ARGV[6 + i * 4] == '1' then
    redis.call('HINCRBY', KEYS[2], sku, -delta)
  end
  if tonumber(ARGV[7 + i * 4]) > 0 then
    redis.call('HINCRBY', KEYS[3], sku, delta)
  end
end
redis.call('EXPIRE', KEYS[3], 172800)
redis.call('HSET', KEYS[1], 'ver', tostring(tonumber(cur[2]) + 1), 'data', ARGV[2])
return {'OK'}
