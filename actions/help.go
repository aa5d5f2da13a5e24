package actions

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// A cry for help (救命, 晕倒 …, and 急 about something we cannot order) is
// never refused for its wording or for who sends it: it pages, at once,
// the people who can be at the door soonest, naming every door it
// mentions, and the sender is told to call 120 first.

// HelpWindow is how long a cry stays open: further cries of the same
// household (or unbound sender) within it page nobody again about a door
// they were paged about.
const HelpWindow = 10 * time.Minute

// MoreCries is how many further cries of a household (or unbound sender)
// with new words are passed on within HelpWindow to those who heard the
// first: what a frightened person writes after 救命 (老伴晕倒了, 叫不醒)
// is what the team needs, but thirty messages must not page thirty times.
const MoreCries = 3

// relayWindow is how long a cry a lead passed on in a 接龙 is remembered:
// leads paste the growing list again and again all day.
const relayWindow = 24 * time.Hour

// CryRequest is a cry for help.
type CryRequest struct {
	// Text is what the sender wrote (or said), as the team reads it.
	Text string
	// Doors are the doors it names that are in this community: the person
	// in trouble may be a neighbour (救命 3栋9单元102的老人晕倒了).
	Doors []orders.Address
	// Relayed, when set, says where someone else's cry came from (a line
	// of a lead's 接龙: 接龙第2条): the sender passes it on, so the team
	// of each door it names hears it, not the sender's own.
	Relayed string
}

// CryResult is what Cry did.
type CryResult struct {
	// Again: everyone it would page heard of these doors from the same
	// household (or sender) lately; nobody was paged again.
	Again bool
	// Reach says who was paged: the grids' teams and leads, the staff
	// only, or nobody (no team, no lead, no staff).
	Reach urgent.Reach
}

// Cry pages a cry for help. From a bound sender it goes to the team
// (volunteers and leads) of their grid and of the grid of every door it
// names, and to the leads of those buildings; passed on by a lead
// (Relayed), to the teams and leads of the doors it names; from an
// unbound sender to the community's staff and the leads of the buildings
// it names. Whoever has nobody goes to staff.
//
// Each person hears once of each door a household's (or sender's) cries
// name while they are fresh (HelpWindow): thirty cries must not page
// every volunteer thirty times, but a cry naming another door pages
// everyone who did not hear of that door yet, and a cry in words not yet
// passed on (punctuation and spacing aside) pages everyone again, up to
// MoreCries times.
func (s *Service) Cry(ctx context.Context, a Actor, req CryRequest) (res CryResult, err error) {
	defer func() { s.done(ctx, a, "cry", err) }()
	home := a.Home
	key, window := cryKey(a), HelpWindow
	if req.Relayed != "" {
		home, window = nil, relayWindow
		key = "relay:" + shortSum(req.Text)
	} else if _, err := s.Marks.MarkFor(ctx, "help-open:"+key, HelpWindow); err != nil {
		// Only what they write next is read differently: the cry goes on.
		s.Log.ErrorContext(ctx, "mark a cry open", "err", err)
	}
	teams := home != nil || req.Relayed != "" // a stranger's cry goes to staff and leads
	var to []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && id != a.OpenID && !slices.Contains(to, id) {
				to = append(to, id)
			}
		}
	}
	doors := req.Doors
	if home != nil {
		doors = append([]orders.Address{home.Address}, doors...)
	}
	for i, d := range doors {
		if teams {
			grid, ok := s.Community.GridOf(d.Building)
			if i == 0 && home != nil {
				grid, ok = home.Grid, true
			}
			if ok {
				team, err := s.urgent().Team(ctx, grid)
				if err != nil {
					return res, err
				}
				add(team...)
			}
		}
		add(s.leadsOf(ctx, d.Building)...)
	}
	res.Reach = urgent.Team
	if !teams || len(to) == 0 {
		add(s.Community.Admins...)
		if len(to) == 0 {
			res.Reach = urgent.Nobody
			s.Log.ErrorContext(ctx, "a cry for help reaches nobody: no team, no lead, no community.admins")
			return res, nil
		}
		if len(s.Community.Admins) == len(to) {
			res.Reach = urgent.Staff
		}
	}
	// issue 19: honest about who WeChat lets the account reach now.
	to, res.Reach = s.reachCry(ctx, to, res.Reach)
	// Who has not heard of one of these doors from this household lately.
	tags := []string{"-"}
	if len(doors) > 0 {
		tags = tags[:0]
		for _, d := range doors {
			tags = append(tags, d.Household())
		}
	}
	var news []string
	for _, u := range to {
		for _, d := range tags {
			heard, err := s.Marks.Marked(ctx, helpMark(key, d, u))
			if err != nil {
				return res, err
			}
			if !heard {
				news = append(news, u)
				break
			}
		}
	}
	said := "help-said:" + key + ":" + criedWords(req.Text)
	var more string // the slot further words take, when they page again
	if len(news) == 0 && req.Relayed == "" {
		if more, err = s.moreCry(ctx, key, said); err != nil {
			return res, err
		}
		if more != "" {
			news = to
		}
	}
	if len(news) == 0 {
		res.Again = true
		return res, nil
	}
	var text string
	if req.Relayed != "" {
		text = textCryRelayed(req.Relayed, req.Doors, req.Text)
	} else {
		var addr *orders.Address
		if home != nil {
			addr = &home.Address
		}
		text = textCryPush(addr, req.Doors, req.Text, more != "")
	}
	if orders.IsFire(s.Catalog, zh.Fold(req.Text)) {
		text = textForFire(text)
	}
	ns := make([]orders.Notice, len(news))
	for i, u := range news {
		ns[i] = orders.Notice{ID: "help:" + s.requestKey(a) + ":" + key + ":" + u, OpenID: u, Kind: "urgent", Text: text}
	}
	if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
		return res, err
	}
	// Marked only once they have it: a cry that failed to page must page
	// when repeated.
	marks := []string{said}
	if more != "" {
		marks = append(marks, more)
	}
	for _, u := range news {
		for _, d := range tags {
			marks = append(marks, helpMark(key, d, u))
		}
	}
	for _, m := range marks {
		if _, err := s.Marks.MarkFor(ctx, m, window); err != nil {
			s.Log.ErrorContext(ctx, "mark cry for help", "err", err)
		}
	}
	return res, nil
}

// cryKey is whose cries a's are: their household's, or theirs when not
// bound.
func cryKey(a Actor) string {
	if a.Home != nil {
		return a.Home.Address.Household()
	}
	return "u:" + a.OpenID
}

// CriedLately reports whether a's household (or a, when not bound) cried
// for help within HelpWindow: what they write next that is no order (我爸
// 不动了 脸发紫, 在3栋2单元502 快点, 人呢？) tells the team more of it, and
// is passed on as a cry (see Cry, MoreCries), not answered 没有找到.
func (s *Service) CriedLately(ctx context.Context, a Actor) (bool, error) {
	return s.Marks.Marked(ctx, "help-open:"+cryKey(a))
}

// moreCry returns the mark of the slot a cry of key takes to page again
// with words not yet passed on (said is their mark); "" when they were
// passed on already or the slots are taken.
func (s *Service) moreCry(ctx context.Context, key, said string) (string, error) {
	old, err := s.Marks.Marked(ctx, said)
	if err != nil || old {
		return "", err
	}
	for i := range MoreCries {
		slot := "help-more:" + key + ":" + strconv.Itoa(i)
		taken, err := s.Marks.Marked(ctx, slot)
		if err != nil {
			return "", err
		}
		if !taken {
			return slot, nil
		}
	}
	return "", nil
}

// criedWords is what a cry says, as a mark's name: its letters and digits,
// folded, hashed, urgent words aside (救命！ and 救命 are the same words,
// and so are 救命 我爸晕倒了 and 我爸晕倒了).
func criedWords(text string) string {
	var b strings.Builder
	// 救命 我爸心脏病药吃完了, then 我爸心脏病药吃完了: the same words.
	words, _ := orders.CutUrgent(nil, zh.Fold(text))
	for _, r := range words {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return shortSum(b.String())
}

// shortSum names text in a key or a mark: 16 hex digits of its SHA-256.
func shortSum(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}

// helpMark records that u heard of door from the cries of key.
func helpMark(key, door, u string) string { return "help-heard:" + key + ":" + door + ":" + u }
