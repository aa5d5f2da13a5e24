-- Which of KEYS hold any of a person's ids or media (see privacy.go):
-- in the key's name or any of its values. Only the keys found travel
-- back, not the values.
--
-- KEYS: the keys to look at (one community's: one hash tag)
-- ARGV: n, then n ids (found as whole words of [A-Za-z0-9_-]: o-res-1
--       is not in o-res-10), then media (found anywhere)
-- Returns the keys that hold any.
local n = tonumber(ARGV[1])
local ids, media = {}, {}
for i = 2, n + 1 do
  ids[#ids + 1] = ARGV[i]
end
for i = n + 2, #ARGV do
  media[#media + 1] = ARGV[i]
end

local function idbyte(c)
  return c ~= '' and string.find(c, '^[%w_%-]$') ~= nil
end

local function has(s)
  for _, id in ipairs(ids) do
    local init = 1
    while true do
      local i, j = string.find(s, id, init, true)
      if not i then
        break
      end
      if not idbyte(string.sub(s, i - 1, i - 1)) and not idbyte(string.sub(s, j + 1, j + 1)) then
        return true
      end
      init = i + 1
    end
  end
  for _, m in ipairs(media) do
    if string.find(s, m, 1, true) then
      return true
    end
  end
  return false
end

local function any(list)
  for _, v in ipairs(list) do
    if has(v) then
      return true
    end
  end
  return false
end

local out = {}
for _, k in ipairs(KEYS) do
  local found = has(k)
  if not found then
    local t = redis.call('TYPE', k)['ok']
    if t == 'string' then
      found = has(redis.call('GET', k) or '')
    elseif t == 'hash' then
      found = any(redis.call('HGETALL', k))
    elseif t == 'set' then
      found = any(redis.call('SMEMBERS', k))
    elseif t == 'zset' then
      found = any(redis.call('ZRANGE', k, 0, -1))
    elseif t == 'list' then
      found = any(redis.call('LRANGE', k, 0, -1))
    end
  end
  if found then
    out[#out + 1] = k
  end
end
return out
