-- Record new stock totals; what is left moves by the change of the total,
-- so a restart with the same catalog changes nothing.
-- KEYS[1] totals (hash sku -> n), KEYS[2] left (hash sku -> n)
-- ARGV: sku1, total1, sku2, total2, ...
for i = 1, #ARGV, 2 do
  local sku, total = ARGV[i], tonumber(ARGV[i + 1])
  local old = redis.call('HGET', KEYS[1], sku)
  if old then
    redis.call('HINCRBY', KEYS[2], sku, total - tonumber(old))
  else
    redis.call('HSET', KEYS[2], sku, total)
  end
  redis.call('HSET', KEYS[1], sku, total)
end
return #ARGV / 2
