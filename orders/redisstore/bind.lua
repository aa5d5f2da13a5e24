-- Bind a user to a household and keep the household -> users index in
-- step, so a delivery notice reaches everyone who lives there.
-- KEYS[1] binding hash of the user
-- KEYS[2] users of the new household (set)
-- KEYS[3] users of the household bound before (set; may equal KEYS[2])
-- KEYS[4] known households (set of households someone is bound to; for free packs)
-- ARGV: openid, expected old household ("" = none), building, unit, room,
--       grid, at, new household
local old = redis.call('HGET', KEYS[1], 'hh') or ''
if old ~= ARGV[2] then
  return 'STALE'
end
if old ~= '' then
  redis.call('SREM', KEYS[3], ARGV[1])
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[8])
redis.call('HSET', KEYS[1], 'building', ARGV[3], 'unit', ARGV[4], 'room', ARGV[5],
  'grid', ARGV[6], 'at', ARGV[7], 'hh', ARGV[8])
return 'OK'
