package orders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"
)

// Personal data has an end (PIPL arts. 6, 17, 19, 47): an order keeps,
// for the 台账, its number, door, goods, amounts, statuses and channel;
// who placed, delivered, claimed or paid it (WeChat ids), its contact
// phone, its notes and its prescription photo go when the person asks
// (删除我的信息), when the order has been settled longer than the
// retention period, or when the office purges at the end of the lockdown.

// DefaultRetainDays is how long personal fields stay on orders delivered
// or cancelled (privacy.retain_days).
const DefaultRetainDays = 30

// Subject is a person whose data is being removed: their WeChat id and
// the phone numbers and name they gave.
type Subject struct {
	OpenID string
	Phones []string
	Name   string
}

// Pseudonym stands for openid in the names of short-lived keys (a
// message's saved answer, the rate counter, an erasure waiting for its
// 确认删除): a key name is seen by anyone who looks at Redis, and an
// erasure finds these keys by it (Erasure.Add adds it).
func Pseudonym(openid string) string {
	// Built in stack buffers: a message names its sender's keys by it
	// four times.
	var buf [96]byte
	sum := sha256.Sum256(append(append(buf[:0], "baogong pseudonym v1\x00"...), openid...))
	var out [17]byte
	out[0] = 'p'
	hex.Encode(out[1:], sum[:8])
	return string(out[:])
}

// Scrubbed is what removing people changed: the orders that lost their
// data, and the other keys deleted or changed.
type Scrubbed struct {
	Orders, Keys int
}

// PurgeRequest asks to remove the personal data of activity before Day
// (YYYY-MM-DD), which starts at Before in the community's time zone.
type PurgeRequest struct {
	Day    string
	Before time.Time
	// Now is the time of the purge.
	Now time.Time
	// Serving are the people the config names (staff, leads, volunteers,
	// supplier contacts): they keep their roles and what they do.
	Serving []string
	// Keep names who delivered an order or took its money, in place of
	// their id (see Erasure.Keep).
	Keep func(openid string) string
}

// PurgeReport is what a purge removed.
type PurgeReport struct {
	// Orders lost their personal fields; Bindings not used since the day
	// were removed; People are the office's records of people who no
	// longer serve; Rosters, Records (job runs, audit entries) and
	// Notices from before the day were blanked or dropped; Keys are the
	// other keys changed.
	Orders   int `json:"orders"`
	Bindings int `json:"bindings"`
	People   int `json:"people"`
	Rosters  int `json:"rosters"`
	Records  int `json:"records"`
	Notices  int `json:"notices"`
	Keys     int `json:"keys"`
	// Forgotten are the openids of the removed bindings: the account
	// forgets which community they belong to.
	Forgotten []string `json:"-"`
}

// Erasure finds the data of the people being removed in stored values.
// What stands for a person alone goes wherever it is: their WeChat id
// (as a whole word: o-res-1 is not in o-res-10) and its pseudonym, and
// their prescription photos and voices. Their phones and name go only
// where they are tied to them: on their own orders, and in a value that
// also holds their id (an audit entry of theirs). Elsewhere a phone or a
// name may be someone else's too (a household's shared phone, another
// volunteer called 张伟): it stays.
//
// One Erasure holds any number of people: a purge removes thousands at
// once, and finding them costs one pass over a value whatever their
// number.
type Erasure struct {
	ids, phones map[string]bool
	names       []string
	// media are the keys and URLs of their photos and voices: found as
	// substrings (a URL is no word).
	media []string
	// homes are the households they were bound to: what they ordered
	// there is theirs (a lead's 接龙 for others is not).
	homes map[string]bool
	// all: everyone's personal data (Everyone).
	all bool
	// Keep, when set, names who delivered an order or took its money on
	// the order in place of their id (see Redact): the 台账 still says
	// who (志愿者林师傅) when the id goes. "" leaves nothing.
	Keep func(openid string) string
}

// Everyone is an Erasure of every person's data, for orders past their
// retention and the office's purge (keep: see Erasure.Keep; nil keeps
// nothing).
func Everyone(keep func(openid string) string) *Erasure {
	return &Erasure{all: true, Keep: keep, ids: map[string]bool{}, phones: map[string]bool{}, homes: map[string]bool{}}
}

// NewErasure returns an Erasure of ps.
func NewErasure(ps ...Subject) *Erasure {
	e := &Erasure{ids: map[string]bool{}, phones: map[string]bool{}, homes: map[string]bool{}}
	for _, p := range ps {
		e.Add(p)
	}
	return e
}

// Add adds p.
func (e *Erasure) Add(p Subject) {
	if p.OpenID != "" {
		e.ids[p.OpenID] = true
		e.ids[Pseudonym(p.OpenID)] = true
	}
	for _, ph := range p.Phones {
		// A phone shorter than a landline's seven digits would match
		// order numbers and amounts.
		if ph = digitsOf(ph); len(ph) >= 7 {
			e.phones[ph] = true
		}
	}
	// A one-character name would match everything.
	if len([]rune(p.Name)) >= 2 && !slices.Contains(e.names, p.Name) {
		e.names = append(e.names, p.Name)
	}
}

// AddID adds a WeChat id.
func (e *Erasure) AddID(openid string) { e.Add(Subject{OpenID: openid}) }

// AddMedia adds the key or URL of a photo or voice of theirs.
func (e *Erasure) AddMedia(key string) {
	if len(key) >= 4 && !slices.Contains(e.media, key) {
		e.media = append(e.media, key)
	}
}

// AddHome adds a household they were bound to.
func (e *Erasure) AddHome(household string) {
	if household != "" {
		e.homes[household] = true
	}
}

// IDs are e's WeChat ids and pseudonyms.
func (e *Erasure) IDs() iter.Seq[string] { return maps.Keys(e.ids) }

// Needles are what stands for e's people alone (ids, pseudonyms, media):
// a value without any of them holds nothing Scrub changes, bar orders
// and rosters.
func (e *Erasure) Needles() (ids, media []string) {
	return slices.Sorted(maps.Keys(e.ids)), slices.Clone(e.media)
}

// Size is how many values e looks for.
func (e *Erasure) Size() int { return len(e.ids) + len(e.phones) + len(e.names) + len(e.media) }

// Empty reports whether e names nobody.
func (e *Erasure) Empty() bool { return !e.all && e.Size() == 0 }

// HasID reports whether openid is one of e's (any id, for Everyone).
func (e *Erasure) HasID(openid string) bool { return openid != "" && (e.all || e.ids[openid]) }

// IsID reports whether s, whole, is one of e's ids: a value that stands
// for the person and goes rather than being blanked.
func (e *Erasure) IsID(s string) bool { return e.ids[strings.TrimSpace(s)] }

// MentionsID reports whether s holds one of e's ids as a whole word (a
// key named after someone: bg:{c}:u:<openid>, …:msg:m:<pseudonym>:<id>)
// or one of their media.
func (e *Erasure) MentionsID(s string) bool {
	found := false
	words(s, idRune, func(i, j int) {
		found = found || e.ids[s[i:j]]
	})
	for _, m := range e.media {
		found = found || strings.Contains(s, m)
	}
	return found
}

// Owns reports whether v is a record of one of e's people: JSON whose
// "openid" is theirs (a notice to them, their application). It goes
// whole; a record that only mentions them loses the mention.
func (e *Erasure) Owns(v string) bool {
	const field = `"openid":"`
	for rest := v; ; {
		i := strings.Index(rest, field)
		if i < 0 {
			return false
		}
		rest = rest[i+len(field):]
		if j := strings.IndexByte(rest, '"'); j >= 0 && e.ids[rest[:j]] {
			return true
		}
	}
}

// Tied returns v without what e finds of its people in it: their ids
// and media wherever they are, and, when v holds one of them (it is a
// value about them), their phones and names too.
func (e *Erasure) Tied(v string) (string, bool) {
	if !e.MentionsID(v) {
		return v, false
	}
	return e.Blank(v)
}

// BlankIDs returns s without e's ids and media (not phones or names:
// see Erasure), and whether it held any.
func (e *Erasure) BlankIDs(s string) (string, bool) {
	return e.blank(s, false)
}

// Blank returns s without e's ids, media, phones and names, and whether
// it held any.
func (e *Erasure) Blank(s string) (string, bool) {
	return e.blank(s, true)
}

func (e *Erasure) blank(s string, personal bool) (string, bool) {
	var cut [][2]int
	words(s, idRune, func(i, j int) {
		if e.ids[s[i:j]] || personal && e.phones[s[i:j]] {
			cut = append(cut, [2]int{i, j})
		}
	})
	if personal && len(e.phones) > 0 {
		words(s, digit, func(i, j int) {
			if e.phones[s[i:j]] {
				cut = append(cut, [2]int{i, j})
			}
		})
	}
	subs := e.media
	if personal {
		subs = append(slices.Clone(e.names), e.media...)
	}
	for _, n := range subs {
		for off := 0; ; {
			i := strings.Index(s[off:], n)
			if i < 0 {
				break
			}
			cut = append(cut, [2]int{off + i, off + i + len(n)})
			off += i + len(n)
		}
	}
	if len(cut) == 0 {
		return s, false
	}
	slices.SortFunc(cut, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	last := 0
	for _, c := range cut {
		if c[0] > last {
			b.WriteString(s[last:c[0]])
		}
		last = max(last, c[1])
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// words calls fn with the start and end of every maximal run of s's
// runes that in accepts.
func words(s string, in func(rune) bool, fn func(i, j int)) {
	start := -1
	for i, r := range s {
		switch {
		case in(r) && start < 0:
			start = i
		case !in(r) && start >= 0:
			fn(start, i)
			start = -1
		}
	}
	if start >= 0 {
		fn(start, len(s))
	}
}

func idRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}

func digit(r rune) bool { return r >= '0' && r <= '9' }

// digitsOf keeps the digits of a phone as someone wrote it (138 0000 1111,
// 138-0000-1111): stored phones are digits only.
func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if digit(r) {
			return r
		}
		return -1
	}, s)
}

// Role words the 台账 names people by when the office has no name for
// them (Namer).
const (
	RoleLead      = "楼栋长"
	RoleVolunteer = "志愿者"
	RoleStaff     = "社区"
)

// Namer returns how the 台账 names a person once their id goes (see
// Erasure.Keep): the office's name for them (people) with their role,
// else their role here (leads: the config's and those added at run time;
// teams: the run-time volunteers of each grid), else "".
func Namer(c *Community, people map[string]Person, leads []Lead, teams map[string][]string) func(openid string) string {
	return func(openid string) string {
		role := ""
		switch {
		case len(LedBy(c.AllLeads(leads), openid)) > 0:
			role = RoleLead
		case slices.Contains(c.Admins, openid):
			role = RoleStaff
		default:
			for _, g := range c.Grids {
				if slices.Contains(g.Volunteers, openid) || slices.Contains(teams[g.ID], openid) {
					role = RoleVolunteer
				}
			}
		}
		return role + people[openid].Name
	}
}

// PeopleReader reads who the community's people are (the store).
type PeopleReader interface {
	People(ctx context.Context) (map[string]Person, error)
	Leads(ctx context.Context) ([]Lead, error)
	Volunteers(ctx context.Context, grid string) ([]string, error)
}

// ReadNamer reads now what Namer needs of c's people from r; without
// names, only roles (someone who erased themselves is 志愿者, not their
// name).
func ReadNamer(ctx context.Context, c *Community, r PeopleReader, names bool) (func(string) string, error) {
	var people map[string]Person
	if names {
		var err error
		if people, err = r.People(ctx); err != nil {
			return nil, err
		}
	}
	leads, err := r.Leads(ctx)
	if err != nil {
		return nil, err
	}
	teams := map[string][]string{}
	for _, g := range c.Grids {
		if teams[g.ID], err = r.Volunteers(ctx, g.ID); err != nil {
			return nil, err
		}
	}
	return Namer(c, people, leads, teams), nil
}

// NamedPrefix marks a name kept in place of an id on an order (see
// Erasure.Keep): ~志愿者林师傅.
const NamedPrefix = "~"

// KeptName returns the name kept in place of an id (see Erasure.Keep),
// and whether by is one.
func KeptName(by string) (string, bool) {
	return strings.CutPrefix(by, NamedPrefix)
}

// Own reports whether p placed o for a household of theirs: their own
// order, whose note, phone and photo are theirs. An order a lead placed
// for another household is that household's.
func (e *Erasure) Own(o Order) bool {
	if e.all {
		return true
	}
	if !e.ids[o.PlacedBy] || o.PlacedBy == "" {
		return false
	}
	return e.homes[o.Household()] || o.Channel == ChannelWeChat || o.Channel == ChannelVoice
}

// Redact strips from o the personal data e finds in it and reports
// whether anything changed. What the 台账 needs stays: number, door,
// goods, amounts, statuses, channel, days and times.
//
// The ids of e's people go from every field (who delivered or took the
// money: their name in their place when e.Keep gives one). On their own
// orders (Own) the note, contact phone, prescription photo and its review
// go too; so does a photo they sent for an order a lead placed. Other
// notes lose only their ids.
func Redact(o *Order, e *Erasure) bool {
	changed := false
	own := e.Own(*o)
	id := func(s *string, keep bool) {
		if *s == "" || strings.HasPrefix(*s, NamedPrefix) || !e.HasID(*s) {
			return
		}
		nu := ""
		if keep && e.Keep != nil {
			if name := e.Keep(*s); name != "" {
				nu = NamedPrefix + name
			}
		}
		*s, changed = nu, true
	}
	text := func(s *string, whole bool) {
		switch {
		case *s == "":
		case whole:
			*s, changed = "", true
		default:
			if t, found := e.BlankIDs(*s); found {
				*s, changed = strings.TrimSpace(t), true
			}
		}
	}
	id(&o.PlacedBy, false)
	id(&o.Assignee, false)
	id(&o.ClaimedBy, false)
	id(&o.Pay.By, true)
	for i := range o.Pay.Collections {
		id(&o.Pay.Collections[i].By, true)
	}
	for i := range o.Pay.Refunds {
		id(&o.Pay.Refunds[i].By, true)
	}
	text(&o.Contact, own)
	text(&o.Note, own)
	for i := range o.History {
		ev := &o.History[i]
		id(&ev.By, ev.Status == StatusDelivered || ev.Status == StatusReceived)
		text(&ev.Note, e.all)
	}
	if rx := o.Rx; rx != nil {
		if own || e.HasID(rx.SentBy) {
			if rx.MediaID != "" || rx.PicURL != "" || rx.SentBy != "" || rx.Photo != "" {
				rx.MediaID, rx.PicURL, rx.SentBy, rx.Photo, changed = "", "", "", "", true
			}
		}
		id(&rx.By, false)
		text(&rx.Note, own)
	}
	return changed
}

// SettledBefore reports whether o is done with (delivered, received or
// cancelled) and was last changed before t: its personal fields may go.
func SettledBefore(o Order, t time.Time) bool {
	switch o.Status {
	case StatusDelivered, StatusReceived, StatusCancelled:
		return o.UpdatedAt.Before(t)
	}
	return false
}
