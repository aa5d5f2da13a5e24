-- Claim a message, resolve its sender and place its order, in one step:
-- the order message's one script (see Store.PlaceOrder with an
-- orders.Arrive). The caller rendered the order and its answer for the
-- sender as it read them before (the sender's state, see resolve.lua); the
-- order is placed only when the sender is still that one and within the
-- rate limit. Otherwise the message is claimed and resolved as resolve.lua
-- does, and the caller handles it anew.
--
-- KEYS: place.lua's nine (the ninth is the message's reply key), then
--       resolve.lua's (the first is the message's reply key again)
-- ARGV: place.lua's (with the ack), then resolve.lua's, then the
--       sender's state as the caller read it, then the most messages a
--       minute the sender may send
--
-- Returns resolve.lua's {'FORGED'}, {'DONE', …}, {'INFLIGHT'} or
-- {'SETTLED'} (nothing claimed); {'STALE', …} as resolve.lua's {'NEW', …} (claimed, nothing
-- placed); else place.lua's answer (claimed and placed, or refused with
-- the claim held).
-- The claim is written only when the message is not answered in this
-- step: placed, its answer is written instead.
local later = {}
local r = resolve(9, 13 + tonumber(ARGV[9]) * 4, later)
if r[1] ~= 'NEW' then
  return r
end
local stale = r[#r] ~= ARGV[#ARGV - 1] or tonumber(r[10]) > tonumber(ARGV[#ARGV])
local res = r
if stale then
  r[1] = 'STALE'
else
  res = place(KEYS, ARGV, true)
end
if res[1] ~= 'OK' and later.claim then
  later.claim()
end
return res
