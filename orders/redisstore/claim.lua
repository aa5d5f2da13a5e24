-- Claim an urgent order (领取) in one step: the first claimant gets the
-- claim key and the order, assigned to them, together; nothing is
-- written for anyone else.
--
-- KEYS[1] claim key of the order, KEYS[2] order hash
-- ARGV: openid, claim ttl (s), expected ver, new data
-- Returns {'TAKEN', holder} when someone else holds the claim, {'MINE'}
-- when the caller does already, a check_version answer (NOTFOUND, STALE,
-- CONFLICT) when the order is not the pending one the caller read, or
-- {'OK'}.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {'TAKEN', holder}
end
if holder then
  -- Claimed before by the caller: still theirs only while it is out for
  -- delivery (it may have been cancelled since).
  local status = redis.call('HGET', KEYS[2], 'status')
  if status ~= 'assigned' then
    return {'CONFLICT', status or 'gone'}
  end
  return {'MINE'}
end
local bad = check_version(KEYS[2], ARGV[3], 'pending')
if bad then
  return bad
end
redis.call('HSET', KEYS[2], 'status', 'assigned', 'ver', tostring(tonumber(ARGV[3]) + 1), 'data', ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {'OK'}
