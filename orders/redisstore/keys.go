package redisstore

// keys names every key of one community. All of them share the hash tag
// {community}, so one Lua script may touch stock, limits, the order and the
// queue atomically, and a Redis Cluster keeps a community on one node.
type keys struct{ p, id string }

func newKeys(community string) keys { return keys{p: "bg:{" + community + "}:", id: community} }

func (k keys) seq() string                     { return k.p + "seq" }
func (k keys) order(id string) string          { return k.p + "o:" + id }
func (k keys) request(id string) string        { return k.p + "req:" + id }
func (k keys) stockLeft() string               { return k.p + "stock:left" }
func (k keys) stockTotal() string              { return k.p + "stock:total" }
func (k keys) limits(day, hh string) string    { return k.p + "lim:" + day + ":" + hh }
func (k keys) queue(grid string) string        { return k.p + "q:" + grid }
func (k keys) all() string                     { return k.p + "orders" }
func (k keys) household(hh string) string      { return k.p + "hh:" + hh }
func (k keys) day(day string) string           { return k.p + "day:" + day }
func (k keys) binding(openid string) string    { return k.p + "u:" + openid }
func (k keys) users(hh string) string          { return k.p + "hhu:" + hh }
func (k keys) leads() string                   { return k.p + "leads" }
func (k keys) list(id string) string           { return k.p + "jl:" + id }
func (k keys) roster(grid, slot string) string { return k.p + "roster:" + grid + ":" + slot }
func (k keys) closed(day string) string        { return k.p + "closed:" + day }
func (k keys) mark(key string) string          { return k.p + "mark:" + key }
func (k keys) volunteers(grid string) string   { return k.p + "vol:" + grid }
func (k keys) application(code string) string  { return k.p + "apply:" + code }
func (k keys) round(volunteer string) string   { return k.p + "round:" + volunteer }
func (k keys) listRound(key string) string     { return k.p + "jlround:" + key }
func (k keys) listWrite(key string) string     { return k.p + "jlw:" + key }
func (k keys) bound() string                   { return k.p + "bound" }
func (k keys) distribution(id string) string   { return k.p + "dist:" + id }
func (k keys) pending(openid string) string    { return k.p + "voice:" + openid }
