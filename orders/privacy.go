package orders

import (
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
	sum := sha256.Sum256([]byte("baogong pseudonym v1\x00" + openid))
	return "p" + hex.EncodeToString(sum[:8])
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

// Erasure finds the data of the people being removed in stored values:
// an id or a phone number only as a whole word (o-res-1 is not in
// o-res-10, 13800001111 not in 913800001111), a name anywhere. One
// Erasure holds any number of people: a purge removes thousands at once,
// and finding them costs one pass over a value whatever their number.
type Erasure struct {
	ids, phones map[string]bool
	names       []string
}

// NewErasure returns an Erasure of ps.
func NewErasure(ps ...Subject) *Erasure {
	e := &Erasure{ids: map[string]bool{}, phones: map[string]bool{}}
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

// IDs are e's WeChat ids.
func (e *Erasure) IDs() iter.Seq[string] { return maps.Keys(e.ids) }

// Empty reports whether e names nobody.
func (e *Erasure) Empty() bool { return len(e.ids)+len(e.phones)+len(e.names) == 0 }

// HasID reports whether openid is one of e's.
func (e *Erasure) HasID(openid string) bool { return openid != "" && e.ids[openid] }

// IsID reports whether s, whole, is one of e's ids or phones: a value
// that stands for the person and goes rather than being blanked.
func (e *Erasure) IsID(s string) bool {
	s = strings.TrimSpace(s)
	return e.ids[s] || e.phones[s]
}

// MentionsID reports whether s holds one of e's ids as a whole word (a
// key named after someone: bg:{c}:u:<openid>, …:msg:m:<openid>:<msgid>).
func (e *Erasure) MentionsID(s string) bool {
	found := false
	words(s, idRune, func(i, j int) {
		found = found || e.ids[s[i:j]]
	})
	return found
}

// Mentions reports whether s holds any of e's ids, phones or names.
func (e *Erasure) Mentions(s string) bool {
	_, found := e.Blank(s)
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

// Blank returns s without e's ids, phones and names, and whether it held
// any.
func (e *Erasure) Blank(s string) (string, bool) {
	var cut [][2]int
	words(s, idRune, func(i, j int) {
		if e.ids[s[i:j]] || e.phones[s[i:j]] {
			cut = append(cut, [2]int{i, j})
		}
	})
	if len(e.phones) > 0 {
		words(s, digit, func(i, j int) {
			if e.phones[s[i:j]] {
				cut = append(cut, [2]int{i, j})
			}
		})
	}
	for _, n := range e.names {
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

// Redact strips from o the personal data of the people of p (nil: of
// everybody) and reports whether anything changed. What the 台账 needs
// stays: number, door, goods, amounts, statuses, channel, days and times.
//
// With p, their ids go from every field; the order's note, contact phone
// and prescription photo go when one of them placed it; other notes lose
// their ids, phones and names.
func Redact(o *Order, p *Erasure) bool {
	changed := false
	placedByThem := p != nil && p.HasID(o.PlacedBy)
	id := func(s *string) {
		if *s != "" && (p == nil || p.IsID(*s)) {
			*s, changed = "", true
		}
	}
	// text goes whole when it is p's (or everybody's data goes), and
	// loses p's ids, phones and name otherwise.
	text := func(s *string, theirs bool) {
		switch {
		case *s == "":
		case p == nil || theirs:
			*s, changed = "", true
		default:
			if t, found := p.Blank(*s); found {
				*s, changed = strings.TrimSpace(t), true
			}
		}
	}
	id(&o.PlacedBy)
	id(&o.Assignee)
	id(&o.ClaimedBy)
	id(&o.Pay.By)
	text(&o.Contact, placedByThem)
	text(&o.Note, placedByThem)
	for i := range o.History {
		id(&o.History[i].By)
		text(&o.History[i].Note, false)
	}
	if rx := o.Rx; rx != nil {
		if p == nil || placedByThem {
			if rx.MediaID != "" || rx.PicURL != "" || rx.Photo != "" {
				rx.MediaID, rx.PicURL, rx.Photo, changed = "", "", "", true
			}
		}
		id(&rx.By)
		text(&rx.Note, false)
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
