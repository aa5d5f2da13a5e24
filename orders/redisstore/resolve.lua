-- Resolve a message in one step: claim it, and read everything routing
-- needs about its sender.
--
-- KEYS[1] the message's reply key ("p:<owner>" while claimed, "r:<reply>"
--         once answered)
-- KEYS[2] the sender's binding (hash)
-- KEYS[3] leads added at run time (hash openid -> buildings JSON)
-- KEYS[4] household marks (hash household -> marks)
-- KEYS[5] the day's cutoff record (closed:<day>)
-- KEYS[6] the sender's message count of this minute (rate limit)
-- KEYS[7] the next day's cutoff record (closed by hand after the day's)
-- KEYS[8] recent senders (sorted set openid -> time of their last
--         message, Unix microseconds), kept to the ARGV[6] most recent
-- KEYS[9] the sender's window for pushes (see outbox.ArrivalLua)
-- KEYS[10] the sender's held notices, KEYS[11] the outbox's notice bodies
-- KEYS[12] the callback's signature (see orders.Signed; any key of the
--          community's slot when there is none)
-- KEYS[13..] run-time volunteer sets of each grid
-- ARGV: "p:<owner>", claim ttl (ms), openid, "x:<owner>", time of the
--       message (Unix microseconds), how many recent senders to keep, the
--       message's day (a binding keeps the last day it was used, 'seen':
--       the office's purge removes bindings not used since its date),
--       now (ms), how the message opens the window ('m', 'e' or ''), the
--       window arguments (mwin, mcap, ewin, ecap), how many held notices
--       to read, the body's hash ('' when there is no signature to tie),
--       how long to keep it (ms)
--
-- Returns {'FORGED'} (the signature is tied to another body: nothing
-- done), {'DONE', reply}, {'INFLIGHT'}, {'SETTLED'} (this delivery gave
-- the message up already: a late retry of its own Resolve), or {'NEW',
-- building, unit, room, grid, at, marks, lead buildings, closed (0: the
-- day is open, 1: closed, 2: the next day too), messages this minute,
-- held count, the held notices' JSON as one array, member of KEYS[13..]
-- ..., the sender's state}. Only a new message counts, only it puts its
-- sender first among the recent senders, and only it opens the sender's
-- window.
--
-- The sender's state is what was read of them as one string, all but
-- the messages this minute: equal states are equal senders (a write may
-- go ahead on a sender the caller read before, see place_arrive.lua).
-- resolve reads its keys from KEYS[ko + 1] on and its arguments from
-- ARGV[ao + 1] on (KEYS[n] and ARGV[n] above), so that place_arrive.lua
-- can give it its part of its own in place: copying them out cost a tenth
-- of that script. With later set, a new claim is not written but left to
-- the caller (later() writes it): a step that answers the message itself
-- writes the answer instead.
local function resolve(ko, ao, later)
  if ARGV[ao + 15] ~= '' then
    local sum = redis.call('GET', KEYS[ko + 12])
    if not sum then
      redis.call('SET', KEYS[ko + 12], ARGV[ao + 15], 'PX', ARGV[ao + 16])
    elseif sum ~= ARGV[ao + 15] then
      return {'FORGED'}
    end
  end
  local v = redis.call('GET', KEYS[ko + 1])
  if v == ARGV[ao + 4] then
    return {'SETTLED'}
  end
  if v and v ~= ARGV[ao + 1] and string.sub(v, 1, 2) ~= 'x:' then
    if string.sub(v, 1, 2) == 'r:' then
      return {'DONE', string.sub(v, 3)}
    end
    return {'INFLIGHT'}
  end
  -- Our own claim comes back when the client retried a command that had
  -- reached Redis: it is still ours. Another delivery's tombstone is free.
  -- A resend (see docs/redis-resends.md) counts nothing again: the
  -- message was counted, and its window opened, by the first run.
  local resent = v == ARGV[ao + 1]
  if not resent then
    local function claim()
      redis.call('SET', KEYS[ko + 1], ARGV[ao + 1], 'PX', ARGV[ao + 2])
    end
    if later then
      later.claim = claim
    else
      claim()
    end
  end
  local b = redis.call('HMGET', KEYS[ko + 2], 'building', 'unit', 'room', 'grid', 'at', 'hh', 'seen')
  local marks = ''
  if b[6] then
    marks = redis.call('HGET', KEYS[ko + 4], b[6]) or ''
    if b[7] ~= ARGV[ao + 7] then
      redis.call('HSET', KEYS[ko + 2], 'seen', ARGV[ao + 7])
    end
  end
  if redis.call('ZADD', KEYS[ko + 8], ARGV[ao + 5], ARGV[ao + 3]) == 1 then
    -- Only a new sender can make the list too long.
    redis.call('ZREMRANGEBYRANK', KEYS[ko + 8], 0, -(tonumber(ARGV[ao + 6]) + 1))
  end
  local sent
  if resent then
    sent = tonumber(redis.call('GET', KEYS[ko + 6]) or '1')
  else
    sent = redis.call('INCR', KEYS[ko + 6])
    if sent == 1 then
      redis.call('EXPIRE', KEYS[ko + 6], 120)
    end
  end
  local closed = redis.call('EXISTS', KEYS[ko + 5])
  if closed == 1 then
    closed = closed + redis.call('EXISTS', KEYS[ko + 7])
  end
  if not resent then
    -- Opened again, the window would forget the pushes made meanwhile.
    reach_arrive(KEYS[ko + 9], ARGV[ao + 8], ARGV[ao + 9], ARGV[ao + 10], ARGV[ao + 11], ARGV[ao + 12], ARGV[ao + 13])
  end
  local held = held_read(KEYS[ko + 10], KEYS[ko + 11], ARGV[ao + 14])
  local count = table.remove(held, 1)
  local heldJSON = '[]'
  if #held > 0 then
    heldJSON = '[' .. table.concat(held, ',') .. ']'
  end
  local out = {'NEW', b[1] or '', b[2] or '', b[3] or '', b[4] or '', b[5] or '', marks,
    redis.call('HGET', KEYS[ko + 3], ARGV[ao + 3]) or '', closed, sent, count, heldJSON}
  local state = {b[1] or '', b[2] or '', b[3] or '', b[4] or '', b[5] or '', marks, out[8], closed, count}
  for i = ko + 13, #KEYS do
    local m = redis.call('SISMEMBER', KEYS[i], ARGV[ao + 3])
    out[#out + 1] = m
    state[#state + 1] = m
  end
  out[#out + 1] = table.concat(state, '\31')
  return out
end
