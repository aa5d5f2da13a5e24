package orders

import (
	"strings"
	"testing"
	"time"
)

func TestErasureBlank(t *testing.T) {
	e := NewErasure(Subject{OpenID: "o-res-1", Phones: []string{"139 1234 5678"}, Name: "易安澜"})
	e.AddMedia("http://mmbiz.qpic.cn/rx-1.jpg")
	tests := []struct {
		in, want string
		found    bool
	}{
		{"o-res-1", "", true},
		{`{"openid":"o-res-1","grid":"G1"}`, `{"openid":"","grid":"G1"}`, true},
		{"o-res-10", "o-res-10", false},         // another person
		{"xo-res-1", "xo-res-1", false},         // part of a longer id
		{"bg:{c}:u:o-res-1", "bg:{c}:u:", true}, // a key named after them
		{"m:o-res-1:123", "m::123", true},       // a message key
		{"电话13912345678", "电话", true},           // a phone after words
		{"913912345678", "913912345678", false}, // part of a longer number
		{"1391234567", "1391234567", false},     // shorter
		{"志愿者易安澜到了", "志愿者到了", true},             // a name anywhere
		{"易安", "易安", false},                     // part of the name
		{"照片：http://mmbiz.qpic.cn/rx-1.jpg。", "照片：。", true},
		{"o-res-1 13912345678 易安澜", "  ", true}, // all at once
		{"", "", false},
	}
	for _, tt := range tests {
		got, found := e.Blank(tt.in)
		if got != tt.want || found != tt.found {
			t.Errorf("Blank(%q) = %q, %v; want %q, %v", tt.in, got, found, tt.want, tt.found)
		}
	}
	// Phones and names go only from a value that is about them: one that
	// holds their id (or media).
	for _, tt := range []struct {
		in, want string
		found    bool
	}{
		{`{"who":"o-res-1","note":"13912345678 易安澜"}`, `{"who":"","note":" "}`, true},
		{`{"name":"易安澜","phone":"13912345678"}`, `{"name":"易安澜","phone":"13912345678"}`, false},
		{"照片 http://mmbiz.qpic.cn/rx-1.jpg 易安澜", "照片  ", true},
	} {
		if got, found := e.Tied(tt.in); got != tt.want || found != tt.found {
			t.Errorf("Tied(%q) = %q, %v; want %q, %v", tt.in, got, found, tt.want, tt.found)
		}
	}
	if got, _ := e.BlankIDs("o-res-1 13912345678 易安澜"); got != " 13912345678 易安澜" {
		t.Errorf("BlankIDs took phones or names: %q", got)
	}
	for in, want := range map[string]bool{"o-res-1": true, " o-res-1 ": true, "o-res-10": false, "13912345678": false} {
		if e.IsID(in) != want {
			t.Errorf("IsID(%q) = %v", in, !want)
		}
	}
	for in, want := range map[string]bool{`{"id":"n1","openid":"o-res-1","text":"x"}`: true, `{"openid":"o-res-10"}`: false, `{"to":"o-res-1"}`: false} {
		if e.Owns(in) != want {
			t.Errorf("Owns(%q) = %v", in, !want)
		}
	}
	p := Pseudonym("o-res-1")
	if p == Pseudonym("o-res-10") || p != Pseudonym("o-res-1") || !e.MentionsID("bg:{c}:rate:"+p+":29000") {
		t.Errorf("pseudonym %q: stable, distinct and erased with its person", p)
	}
	if !NewErasure().Empty() || e.Empty() || !NewErasure(Subject{Phones: []string{"12"}, Name: "李"}).Empty() || Everyone(nil).Empty() {
		t.Error("Empty: a short phone or a one-character name names nobody; everyone is somebody")
	}
}

func TestRedact(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	home := Address{Building: "3", Unit: "2", Room: "501"}
	base := func() Order {
		return Order{ID: "1001", Address: home, Lines: []Line{{SKU: "VEG", Qty: 1}},
			TotalFen: 5000, Status: StatusDelivered, PlacedBy: "o-me", Channel: ChannelWeChat, Contact: "13912345678",
			Assignee: "o-vol", ClaimedBy: "o-vol", Note: "放门口 易安澜", Pay: Payment{Status: PayPaid, PaidFen: 5000, By: "o-vol", Collections: []Handover{{Fen: 5000, By: "o-vol", At: at}}},
			Rx:      &Prescription{MediaID: "M1", PicURL: "http://p/1.jpg", SentBy: "o-me", By: "o-pharm", Note: "核对过"},
			History: []Event{{At: at, Status: StatusPending, By: "o-me"}, {At: at, Status: StatusDelivered, By: "o-vol", Note: "o-me 家门口"}},
			Day:     "2026-11-24", CreatedAt: at, UpdatedAt: at}
	}
	// Everyone: only what the 台账 needs stays, and who delivered and
	// took the money by name.
	names := func(id string) string { return map[string]string{"o-vol": "志愿者林师傅"}[id] }
	o := base()
	if !Redact(&o, Everyone(names)) {
		t.Fatal("nothing redacted")
	}
	if o.PlacedBy != "" || o.Assignee != "" || o.ClaimedBy != "" || o.Contact != "" || o.Note != "" ||
		o.Rx.MediaID != "" || o.Rx.PicURL != "" || o.Rx.SentBy != "" || o.Rx.By != "" || o.Rx.Note != "" || o.History[0].By != "" || o.History[1].Note != "" {
		t.Errorf("left: %+v", o)
	}
	if o.Pay.By != "~志愿者林师傅" || o.History[1].By != "~志愿者林师傅" || o.Pay.Collections[0].By != "~志愿者林师傅" {
		t.Errorf("who delivered and took the money: %q %q", o.History[1].By, o.Pay.By)
	}
	if o.ID != "1001" || o.TotalFen != 5000 || o.Status != StatusDelivered || o.Pay.PaidFen != 5000 || len(o.Lines) != 1 || o.Address.Room != "501" || o.Day != "2026-11-24" {
		t.Errorf("the 台账's fields changed: %+v", o)
	}
	if Redact(&o, Everyone(names)) {
		t.Error("a second redaction changed something")
	}
	// The one who placed it: their note, phone and photo go; the
	// volunteer and the pharmacy stay.
	o = base()
	Redact(&o, NewErasure(Subject{OpenID: "o-me", Phones: []string{"13912345678"}}))
	if o.PlacedBy != "" || o.Contact != "" || o.Note != "" || o.Rx.MediaID != "" || o.History[0].By != "" || o.History[1].Note != "家门口" {
		t.Errorf("their data left: %+v", o)
	}
	if o.Assignee != "o-vol" || o.Rx.By != "o-pharm" || o.Pay.By != "o-vol" {
		t.Errorf("others' data went: %+v", o)
	}
	// The volunteer: their id goes; the household's note and phone stay,
	// their name in it too (it is the household's note).
	o = base()
	Redact(&o, NewErasure(Subject{OpenID: "o-vol", Name: "易安澜"}))
	if o.Assignee != "" || o.ClaimedBy != "" || o.Pay.By != "" || o.Pay.Collections[0].By != "" || o.History[1].By != "" || o.Note != "放门口 易安澜" {
		t.Errorf("volunteer's data: %+v", o)
	}
	if o.PlacedBy != "o-me" || o.Contact != "13912345678" || o.Rx.MediaID != "M1" {
		t.Errorf("household's data went: %+v", o)
	}
	// A lead's 接龙 for a household: the household's phone and note stay
	// when the lead goes; the photo its member sent goes with them.
	o = base()
	o.PlacedBy, o.Channel = "o-lead", ChannelJielong
	Redact(&o, NewErasure(Subject{OpenID: "o-lead", Phones: []string{"13912345678"}}))
	if o.PlacedBy != "" || o.Contact != "13912345678" || o.Note != "放门口 易安澜" {
		t.Errorf("the lead's erasure took the household's data: %+v", o)
	}
	o = base()
	o.PlacedBy, o.Channel = "o-lead", ChannelJielong
	Redact(&o, NewErasure(Subject{OpenID: "o-me"}))
	if o.Rx.MediaID != "" || o.Rx.PicURL != "" || o.Contact != "13912345678" {
		t.Errorf("the member's photo on the lead's order: %+v", o)
	}
}

func TestSettledBefore(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		st   Status
		want bool
	}{{StatusDelivered, true}, {StatusReceived, true}, {StatusCancelled, true}, {StatusPending, false}, {StatusAssigned, false}, {StatusAwaitingRx, false}} {
		if got := SettledBefore(Order{Status: tt.st, UpdatedAt: at}, at.Add(time.Hour)); got != tt.want {
			t.Errorf("%s: %v", tt.st, got)
		}
	}
	if SettledBefore(Order{Status: StatusDelivered, UpdatedAt: at}, at) {
		t.Error("settled at the limit is not before it")
	}
}

func TestRoundEnd(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	for _, tt := range []struct{ slot, want time.Time }{
		{time.Date(2026, 11, 24, 7, 0, 0, 0, sh), time.Date(2026, 11, 25, 0, 0, 0, 0, sh)},
		{time.Date(2026, 11, 24, 20, 30, 0, 0, sh), time.Date(2026, 11, 25, 8, 30, 0, 0, sh)},
	} {
		if got := RoundEnd(tt.slot, sh); !got.Equal(tt.want) {
			t.Errorf("RoundEnd(%v) = %v, want %v", tt.slot, got, tt.want)
		}
	}
}

// A pseudonym never changes: keys already in Redis are named by it, and
// an erasure finds them by it.
func TestPseudonymIsStable(t *testing.T) {
	for _, c := range []struct{ openid, want string }{
		{"", "p5b765b358aefac7a"},
		{"o-res-1", "p90acc5c878b0ca6e"},
		{"oMgHVjngRipVsoxg6TuX3vz6glDg", "pabdbf1897803f325"},
		{strings.Repeat("长", 40), "p03efdb440d029261"}, // longer than the stack buffer
	} {
		if got := Pseudonym(c.openid); got != c.want {
			t.Errorf("Pseudonym(%q) = %q, want %q", c.openid, got, c.want)
		}
	}
}
