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
-- KEYS[12..] run-time volunteer sets of each grid
-- ARGV: "p:<owner>", claim ttl (ms), openid, "x:<owner>", time of the
--       message (Unix microseconds), how many recent senders to keep, the
--       message's day (a binding keeps the last day it was used, 'seen':
--       the office's purge removes bindings not used since its date),
--       now (ms), how the message opens the window ('m', 'e' or ''), the
--       window arguments (mwin, mcap, ewin, ecap), how many held notices
--       to read
--
-- Returns {'DONE', reply}, {'INFLIGHT'}, {'SETTLED'} (this delivery gave
-- the message up already: a late retry of its own Resolve), or {'NEW',
-- building, unit, room, grid, at, marks, lead buildings, closed (0: the
-- day is open, 1: closed, 2: the next day too), messages this minute,
-- held count, the held notices' JSON as one array, member of KEYS[12..]
-- ...}. Only a new message counts, only it puts its sender first among
-- the recent senders, and only it opens the sender's window.
local v = redis.call('GET', KEYS[1])
if v == ARGV[4] then
  return {'SETTLED'}
end
if v and v ~= ARGV[1] and string.sub(v, 1, 2) ~= 'x:' then
  if string.sub(v, 1, 2) == 'r:' then
    return {'DONE', string.sub(v, 3)}
  end
  return {'INFLIGHT'}
end
-- Our own claim comes back when the client retried a command that had
-- reached Redis: it is still ours. Another delivery's tombstone is free.
if v ~= ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
local b = redis.call('HMGET', KEYS[2], 'building', 'unit', 'room', 'grid', 'at', 'hh', 'seen')
local marks = ''
if b[6] then
  marks = redis.call('HGET', KEYS[4], b[6]) or ''
  if b[7] ~= ARGV[7] then
    redis.call('HSET', KEYS[2], 'seen', ARGV[7])
  end
end
redis.call('ZADD', KEYS[8], ARGV[5], ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[8], 0, -(tonumber(ARGV[6]) + 1))
local sent = redis.call('INCR', KEYS[6])
if sent == 1 then
  redis.call('EXPIRE', KEYS[6], 120)
end
local closed = redis.call('EXISTS', KEYS[5])
if closed == 1 then
  closed = closed + redis.call('EXISTS', KEYS[7])
end
reach_arrive(KEYS[9], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13])
local held = held_read(KEYS[10], KEYS[11], ARGV[14])
local count = table.remove(held, 1)
local heldJSON = '[]'
if #held > 0 then
  heldJSON = '[' .. table.concat(held, ',') .. ']'
end
local out = {'NEW', b[1] or '', b[2] or '', b[3] or '', b[4] or '', b[5] or '', marks,
  redis.call('HGET', KEYS[3], ARGV[3]) or '', closed, sent, count, heldJSON}
for i = 12, #KEYS do
  out[#out + 1] = redis.call('SISMEMBER', KEYS[i], ARGV[3])
end
return out
