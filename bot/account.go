package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// One official account may serve several communities (a subdistrict,
// 街道): each community has its own Bot, over its own keys, and Account
// routes every message to the Bot of its sender's community.
//
// A message is claimed and its sender read in one Resolve, inside one
// community's keys (a cluster script touches one hash tag), so the
// community must be known before that read. Account guesses it without a
// round trip: the community this replica last saw the sender in, else the
// first whose config names them (leads, volunteers, staff, supplier
// contacts), else the first. The Resolve itself checks the guess: a
// sender bound there, or in one of its teams, belongs there. Only when it
// finds neither does Account read the account-level Directory (who bound
// where, or joined a team at run time) and, when that names another
// community, Resolve there instead: one more round trip for the first
// message of a sender after a start or after they moved, none for the
// rest. The claim the wrong guess left in the other community expires by
// itself (orders.Arrival), and nothing else was written there but a rate
// count.
//
// A WeChat user belongs to one community at a time: binding in another
// moves them (their old binding is removed).

// Directory is the account-level index of who belongs where (see
// orders/redisstore.Directory), as the router reads it; the actions keep
// it (actions.Account).
type Directory interface {
	// Community returns the community openid belongs to ("" when none).
	Community(ctx context.Context, openid string) (string, error)
	// SaveChoice and Choice keep the communities offered to openid for an
	// address that fits several (Choice: orders.ErrNotFound when none).
	SaveChoice(ctx context.Context, openid string, c orders.BindChoice, ttl time.Duration) error
	Choice(ctx context.Context, openid string) (orders.BindChoice, error)
}

// Account routes the messages of one official account to the Bots of its
// communities.
type Account struct {
	// Bots are the communities' bots in config order; the first answers
	// those who belong to none yet.
	Bots      []*Bot
	Directory Directory

	byID   map[string]*Bot
	static map[string]*Bot // openid -> the first community whose config names them
	names  []string

	mu    sync.Mutex
	cache map[string]*Bot // openid -> where this replica last found them
}

// maxCached bounds Account's cache of where senders belong; past it the
// cache starts over (a miss costs one read).
const maxCached = 500_000

// NewAccount returns the account of bots (at least one) and links each bot
// to it.
func NewAccount(dir Directory, bots ...*Bot) *Account {
	a := &Account{Bots: bots, Directory: dir, byID: map[string]*Bot{}, static: map[string]*Bot{}, cache: map[string]*Bot{}}
	for _, b := range bots {
		b.Account = a
		a.byID[b.Community.ID] = b
		a.names = append(a.names, b.Community.Name)
		for _, id := range b.configured() {
			if _, ok := a.static[id]; !ok {
				a.static[id] = b // named by several: the first
			}
		}
	}
	return a
}

// configured returns the openids b's config gives a role: leads,
// volunteers, staff and supplier contacts.
func (b *Bot) configured() []string {
	var out []string
	for _, l := range b.Community.Leads {
		out = append(out, l.OpenID)
	}
	for _, g := range b.Community.Grids {
		out = append(out, g.Volunteers...)
	}
	out = append(out, b.Community.Admins...)
	for _, s := range b.Catalog.Suppliers {
		if s.ContactOpenID != "" {
			out = append(out, s.ContactOpenID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Handle answers one request in its sender's community (see Bot.Handle).
func (a *Account) Handle(ctx context.Context, req Request) (reply string) {
	start := time.Now()
	b, known := a.guess(req.OpenID)
	m := b.newMessage(req)
	defer func() { b.observe(m, start, &reply) }() // the community it ended in
	reply, done := b.arrive(ctx, m)
	// A sender who does not belong to the guess, or whose unchecked guess
	// could not be read (its master failing over), is looked up: on an
	// account of several communities, where there is somewhere else.
	if a.several() && ((!done && !m.belongs()) || (done && !known && reply == textBusy)) {
		if c, err := a.Directory.Community(ctx, req.OpenID); err != nil {
			b.Log.Error("community of sender", "err", err)
		} else if there, ok := a.byID[c]; ok && there != b {
			b = there
			m = b.newMessage(req)
			reply, done = b.arrive(ctx, m)
		}
	}
	if !done && m.belongs() && a.several() {
		a.remember(req.OpenID, b)
	}
	if done {
		return reply
	}
	return b.answer(ctx, m)
}

// guess returns the Bot openid most likely belongs to, and whether that
// is known (seen there, or named there by the config) rather than the
// default, the first.
func (a *Account) guess(openid string) (*Bot, bool) {
	a.mu.Lock()
	b, ok := a.cache[openid]
	a.mu.Unlock()
	if ok {
		return b, true
	}
	if b, ok := a.static[openid]; ok {
		return b, true
	}
	return a.Bots[0], false
}

func (a *Account) remember(openid string, b *Bot) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) >= maxCached {
		a.cache = map[string]*Bot{}
	}
	a.cache[openid] = b
}

func (a *Account) forget(openid string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.cache, openid)
}

// several reports whether the account serves more than one community
// (replies then name communities); a Bot outside any account serves one.
func (a *Account) several() bool { return a != nil && len(a.Bots) > 1 }

// belongs reports whether the sender belongs to the community the
// message was resolved in: bound there, or one of its leads, volunteers,
// staff or supplier contacts.
func (m *Message) belongs() bool {
	return m.From.Bound || len(m.Leads) > 0 || len(m.Teams) > 0 || m.Staff || m.Supplier != ""
}

// pickCommunity reads a community named at the start of s (its name or an
// alias, the longest that fits) and returns it with the rest of s.
func (a *Account) pickCommunity(s string) (*Bot, string) {
	s = strings.TrimSpace(s)
	var best *Bot
	bestLen := 0
	for _, b := range a.Bots {
		for _, n := range append([]string{b.Community.Name}, b.Community.Aliases...) {
			n = strings.TrimSpace(zh.Fold(n))
			if n != "" && len(n) > bestLen && strings.HasPrefix(s, n) {
				best, bestLen = b, len(n)
			}
		}
	}
	if best == nil {
		return nil, s
	}
	return best, strings.TrimLeft(s[bestLen:], " ：:，,的")
}

// fitting returns the bots whose community has address's building.
func (a *Account) fitting(addr orders.Address) []*Bot {
	var out []*Bot
	for _, b := range a.Bots {
		if _, ok := b.Community.GridOf(addr.Building); ok {
			out = append(out, b)
		}
	}
	return out
}

// bind handles 绑定 for an account of several communities: 绑定 阳光小区
// 7栋1单元101 binds in the community named; an address that fits one
// community binds there; one that fits several is answered with a
// numbered choice, taken with 绑定 1 or 绑定 <name>.
func (a *Account) bind(ctx context.Context, from *Bot, msg *Message, rest string) (string, error) {
	target, addrText := a.pickCommunity(rest)
	if n, ok := choiceNumber(addrText); ok || (target != nil && addrText == "") {
		c, err := a.Directory.Choice(ctx, msg.OpenID)
		if isNotFound(err) {
			return textBindHowToAccount(a.names), nil
		}
		if err != nil {
			return "", err
		}
		if ok {
			if n < 1 || n > len(c.Communities) {
				return textBindWhich(c.Address, a.namesOf(c.Communities)), nil
			}
			target = a.byID[c.Communities[n-1]]
		}
		if target == nil || !slices.Contains(c.Communities, target.Community.ID) {
			return textBindWhich(c.Address, a.namesOf(c.Communities)), nil
		}
		return target.bindAt(ctx, from, msg, c.Address)
	}
	m, ok := orders.FindAddress(addrText, nil)
	if !ok {
		return textBindUnreadable(), nil
	}
	if target != nil {
		return target.bindAt(ctx, from, msg, m.Address)
	}
	fits := a.fitting(m.Address)
	switch len(fits) {
	case 0:
		return textBindNoCommunity(m.Building, a.names), nil
	case 1:
		return fits[0].bindAt(ctx, from, msg, m.Address)
	}
	c := orders.BindChoice{Address: m.Address}
	for _, b := range fits {
		c.Communities = append(c.Communities, b.Community.ID)
	}
	if err := a.Directory.SaveChoice(ctx, msg.OpenID, c, orders.BindChoiceTTL); err != nil {
		return "", err
	}
	return textBindWhich(m.Address, a.namesOf(c.Communities)), nil
}

// choiceNumber reads 1, 2 … (a choice offered by textBindWhich).
func choiceNumber(s string) (int, bool) {
	s = strings.Trim(s, " 号#第个")
	if s == "" || len(s) > 2 || !isDigits(s) {
		return 0, false
	}
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n, true
}

func (a *Account) namesOf(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if b, ok := a.byID[id]; ok {
			out = append(out, b.Community.Name)
		}
	}
	return out
}

// CommunityOf returns the id of the community whose Bot hears openid's
// messages, as Handle routes them ("" when none is known): where this
// replica last found them, else the first whose config names them, else
// where the directory says they belong. The outboxes of an account of
// several communities hand each other notices by it (issue 19), so that
// a notice waits where the person's next message will be answered.
func (a *Account) CommunityOf(ctx context.Context, openid string) string {
	if b, known := a.guess(openid); known {
		return b.Community.ID
	}
	c, err := a.Directory.Community(ctx, openid)
	if err != nil {
		a.Bots[0].Log.Error("community of a notice's person", "err", err)
		return ""
	}
	return c
}
