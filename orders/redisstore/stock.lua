-- Record new stock totals; what is left moves by the change of the total,
-- so a restart with the same catalog changes nothing.
-- KEYS[1] totals (hash sku -> n), KEYS[2] left (hash sku -> n)
-- ARGV: sku1, total1, sku2, total2, ...
-- A total lowered below what was already sold keeps the deficit (what is
-- left goes below zero, and shows as nothing): a cancel then pays the
-- deficit back before anything is sold again. Returns {sku, oversold by,
-- ...} for those.
local over = {}
for i = 1, #ARGV, 2 do
  local sku, total = ARGV[i], tonumber(ARGV[i + 1])
  local old = redis.call('HGET', KEYS[1], sku)
  if old then
    local left = redis.call('HINCRBY', KEYS[2], sku, total - tonumber(old))
    if left < 0 then
      over[#over + 1] = sku
      over[#over + 1] = tostring(-left)
    end
  else
    redis.call('HSET', KEYS[2], sku, total)
  end
  redis.call('HSET', KEYS[1], sku, total)
end
return over
