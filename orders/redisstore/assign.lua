-- Put a round's orders on a volunteer's roster, many at a time: each
-- order moves as transition.lua would move it to assigned, if nobody
-- changed it since the caller read it (compare-and-set on ver and status).
--
-- KEYS: the order hashes
-- ARGV: per key, four: expected ver, expected status, new data, unused
-- Returns, per key, 'OK', 'STALE' (changed since: read it again) or
-- 'NOTFOUND'.
local out = {}
for i, key in ipairs(KEYS) do
  local b = (i - 1) * 4
  local cur = redis.call('HMGET', key, 'status', 'ver')
  if not cur[1] then
    out[i] = 'NOTFOUND'
  elseif cur[2] ~= ARGV[b + 1] or cur[1] ~= ARGV[b + 2] then
    out[i] = 'STALE'
  else
    redis.call('HSET', key, 'status', 'assigned', 'ver', tostring(tonumber(ARGV[b + 1]) + 1), 'data', ARGV[b + 3])
    out[i] = 'OK'
  end
end
return out
