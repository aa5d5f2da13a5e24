-- Remove a person's data from one value, if it is still what the caller
-- read (see privacy.go): a compare-and-set, so a value changed meanwhile
-- is read again rather than overwritten.
--
-- KEYS[1] the key
-- ARGV: op (del, set: a string; hdel, hset: a hash field; lrem, lset: a
--       list item), the field or list index, the value read, the value
--       to write
-- Returns 1 when it changed the value, 0 when the value had changed.
local op, at, old, new = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if op == 'del' or op == 'set' then
  if redis.call('GET', KEYS[1]) ~= old then
    return 0
  end
  if op == 'del' then
    redis.call('DEL', KEYS[1])
  else
    redis.call('SET', KEYS[1], new, 'KEEPTTL')
  end
  return 1
end
if op == 'hdel' or op == 'hset' then
  if redis.call('HGET', KEYS[1], at) ~= old then
    return 0
  end
  if op == 'hdel' then
    redis.call('HDEL', KEYS[1], at)
  else
    redis.call('HSET', KEYS[1], at, new)
  end
  return 1
end
if op == 'lrem' then
  return redis.call('LREM', KEYS[1], 1, old)
end
if op == 'lset' then
  if redis.call('LINDEX', KEYS[1], at) ~= old then
    return 0
  end
  redis.call('LSET', KEYS[1], at, new)
  return 1
end
return redis.error_reply('scrub: unknown op ' .. op)
