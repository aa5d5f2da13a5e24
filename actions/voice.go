package actions

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// Voices without words (issue 19). WeChat is withdrawing the speech
// recognition of official accounts: an elder's voice may arrive with no
// words, and no transcription service may be configured. PassVoice then
// keeps the voice (WeChat's copy expires in three days) and passes it to a
// person who can listen and order for the household: the building's lead,
// or the grid's volunteers, or staff, the first of them who can be reached
// now (see urgent.Reacher), as a voice message after a text naming the
// household and the one line that orders for it.

// MediaStore keeps media people send (orders/redisstore).
type MediaStore interface {
	SaveMedia(ctx context.Context, key, contentType string, data []byte, ttl time.Duration) error
	// Media returns what is kept under key (orders.ErrNotFound once gone).
	Media(ctx context.Context, key string) ([]byte, string, error)
	// ClaimMediaView gives the viewing of key by viewer to device, the
	// first to ask: it reports whether device holds it.
	ClaimMediaView(ctx context.Context, key, viewer, device string, ttl time.Duration) (bool, error)
}

// MediaLinks makes signed, expiring links to media baogong keeps.
type MediaLinks interface {
	Media(key string) string
	// RxPhoto is the link of the prescription photo kept under key for
	// supplier's contact viewer (an openid, which the link does not
	// carry): short-lived, and refused to anyone else (ViewRxPhoto).
	RxPhoto(key, supplier, viewer string) string
}

// VoiceTTL is how long a passed voice is kept: as long as its link.
const VoiceTTL = 3 * 24 * time.Hour

// VoiceKey is the media key of openid's voice of message key: named by
// the sender's pseudonym (so erasing them removes it) and a digest of the
// message, so its link names neither.
func VoiceKey(openid, key string) string {
	return "voice:" + orders.Pseudonym(openid) + ":" + shortSum(key)
}

// Voice is a voice message's audio.
type Voice struct {
	Data        []byte
	ContentType string
}

// VoiceTo says who a voice was passed to.
type VoiceTo int

// Who hears a voice.
const (
	VoiceNobody VoiceTo = iota // no lead, volunteer or staff to pass it to
	VoiceLead
	VoiceVolunteers
	VoiceStaff
)

// VoiceResult is what PassVoice did.
type VoiceResult struct {
	To VoiceTo
	// Reached: someone it went to can be reached now; else it waits for
	// their next message.
	Reached bool
}

// PassVoice keeps the bound actor's voice and passes it on (see above).
// The actor's message key names the voice and its notices, so a retry
// passes nothing twice.
func (s *Service) PassVoice(ctx context.Context, a Actor, v Voice) (res VoiceResult, err error) {
	defer func() { s.done(ctx, a, "pass_voice", err) }()
	if a.Home == nil || s.Media == nil {
		return res, ErrForbidden
	}
	bd := *a.Home
	tiers := []struct {
		who []string
		to  VoiceTo
	}{
		{s.leadsOf(ctx, bd.Address.Building), VoiceLead},
		{s.gridVolunteers(ctx, bd.Grid), VoiceVolunteers},
		{s.Community.Admins, VoiceStaff},
	}
	var to []string
	for _, t := range tiers {
		if len(t.who) == 0 {
			continue
		}
		reached, err := s.canReach(ctx, "voice", t.who)
		if err != nil {
			return res, err
		}
		if reached || res.To == VoiceNobody {
			// The first tier anyone can be reached in; else the first
			// there is, whose people hear it on their next message.
			to, res.To, res.Reached = t.who, t.to, reached
		}
		if reached {
			break
		}
	}
	if res.To == VoiceNobody {
		return res, nil
	}
	key := VoiceKey(a.OpenID, a.Key)
	if err := s.Media.SaveMedia(ctx, key, v.ContentType, v.Data, VoiceTTL); err != nil {
		return res, err
	}
	link := ""
	if s.Links != nil {
		link = s.Links.Media(key)
	}
	ns := make([]orders.Notice, len(to))
	for i, u := range to {
		ns[i] = orders.Notice{ID: "voice:" + a.Key + ":" + u, OpenID: u, Kind: "voice", Voice: key, URL: link,
			Text: textVoicePassed(bd.Address, link, res.To == VoiceLead), Brief: voiceBrief(bd.Address)}
	}
	if err := s.Outbox.Enqueue(ctx, ns...); err != nil {
		return res, err
	}
	s.record(ctx, a, auditVoice, bd.Address.String(), fmt.Sprint(len(to)))
	return res, nil
}

// gridVolunteers returns grid's volunteers: the config's and those added.
func (s *Service) gridVolunteers(ctx context.Context, grid string) []string {
	for _, g := range s.Community.Grids {
		if g.ID != grid {
			continue
		}
		added, err := s.People.Volunteers(ctx, grid)
		if err != nil {
			s.Log.ErrorContext(ctx, "volunteers", "err", err)
		}
		return slices.Clone(g.Team(added))
	}
	return nil
}

// canReach reports whether any of who can be reached now by a notice of
// kind (everyone, when the outbox cannot say).
func (s *Service) canReach(ctx context.Context, kind string, who []string) (bool, error) {
	r := urgent.ReacherOf(s.Outbox)
	if r == nil {
		return true, nil
	}
	ok, err := r.CanReach(ctx, kind, who)
	if err != nil {
		return false, err
	}
	return slices.Contains(ok, true), nil
}

// reachCry makes a cry for help honest about WeChat's rules (see
// urgent.Reacher): when none of to can be reached now, the community's
// staff are paged too (Staff when one of them can be); when nobody at all
// can, it is Held: they all find it on the reply to their next message,
// and the sender is told to phone.
func (s *Service) reachCry(ctx context.Context, to []string, r urgent.Reach) ([]string, urgent.Reach) {
	if r == urgent.Nobody {
		return to, r
	}
	reached, err := s.canReach(ctx, "urgent", to)
	if err != nil {
		s.Log.ErrorContext(ctx, "who a cry can reach", "err", err)
		return to, r
	}
	if reached {
		return to, r
	}
	var staff []string
	for _, a := range s.Community.Admins {
		if !slices.Contains(to, a) {
			staff = append(staff, a)
		}
	}
	if len(staff) > 0 {
		if ok, err := s.canReach(ctx, "urgent", staff); err == nil && ok {
			return append(to, staff...), urgent.Staff
		}
	}
	return append(to, staff...), urgent.Held
}
