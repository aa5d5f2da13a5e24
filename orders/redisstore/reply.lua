-- Shared by the scripts that write on behalf of a message (see Ack): the
-- Go side prepends this file. A write goes ahead only while the message's
-- claim is the caller's, and saves the caller's answer with it.

-- claim_check returns nil when KEYS[key] holds the claim ARGV-given
-- ('p:'..owner), else the script's answer: {'ANSWERED', reply} when the
-- message was answered, {'LOST'} when another delivery holds it or the
-- claim expired.
local function claim_check(key, claim)
  local v = redis.call('GET', key)
  if v == claim then
    return nil
  end
  if v and string.sub(v, 1, 2) == 'r:' then
    return {'ANSWERED', string.sub(v, 3)}
  end
  return {'LOST'}
end

-- replace_plain replaces every occurrence of old in s by new, literally.
local function replace_plain(s, old, new)
  local out, i = {}, 1
  while true do
    local a, b = string.find(s, old, i, true)
    if not a then
      break
    end
    out[#out + 1] = string.sub(s, i, a - 1)
    out[#out + 1] = new
    i = b + 1
  end
  out[#out + 1] = string.sub(s, i)
  return table.concat(out)
end
