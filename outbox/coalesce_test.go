package outbox

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestOutboxCoalescesNoticesToOnePerson: notices to one person queued
// within Coalesce of each other go as one customer-service message (one
// of the few WeChat allows); a notice to someone else, or much later,
// goes on its own.
func TestOutboxCoalescesNoticesToOnePerson(t *testing.T) {
	e := newWXEnv(t, "")
	e.box.Coalesce = 2 * time.Second
	e.wrote("oVol", "oOther")
	page := func(id string) Notice {
		n := notice(id, "oVol")
		n.Kind, n.Text = "urgent", "【急】"+id
		return n
	}
	e.enqueue(page("p1"))
	e.clock.Advance(time.Second)
	e.enqueue(page("p2"))
	e.clock.Advance(500 * time.Millisecond)
	e.enqueue(notice("o1", "oOther"))
	e.drain(0) // the first waits a moment for others
	e.clock.Advance(500 * time.Millisecond)
	e.drain(2) // p1 is due; p2, due later, goes with it
	sent := e.api.SentTo("oVol")
	if len(sent) != 1 || sent[0].Text != "【2条通知】\n\n【急】p1\n\n【急】p2" {
		t.Fatalf("sent to the volunteer: %+v", sent)
	}
	if e.api.Budget("oVol") != 4 {
		t.Errorf("budget left %d, want 4 (one message for both)", e.api.Budget("oVol"))
	}
	e.clock.Advance(1500 * time.Millisecond)
	e.drain(1)
	if s := e.api.SentTo("oOther"); len(s) != 1 {
		t.Fatalf("sent to the other: %+v", s)
	}
	e.clock.Advance(time.Minute)
	e.enqueue(page("p3"))
	e.clock.Advance(2 * time.Second)
	e.drain(1)
	if s := e.api.SentTo("oVol"); len(s) != 2 || s[1].Text != "【急】p3" {
		t.Fatalf("a later notice: %+v", s)
	}
}

// TestOutboxBudgetIsNotOverspent: more notices, spread out, than a
// person's window allows: the model stops at the budget, so WeChat never
// refuses (45047); the rest are held for their next message, which opens
// a new budget.
func TestOutboxBudgetIsNotOverspent(t *testing.T) {
	e := newWXEnv(t, "")
	e.wrote("oVol")
	for i := range 8 {
		e.enqueue(notice("b"+strings.Repeat("x", i), "oVol"))
		e.drain(1)
		e.clock.Advance(time.Minute)
	}
	if s, r := e.api.SentTo("oVol"), e.api.Refusals(); len(s) != 5 || len(r) != 0 {
		t.Fatalf("sent %d, refused %+v", len(s), r)
	}
	h, _ := e.box.Held(context.Background(), "oVol")
	if len(h) != 3 {
		t.Fatalf("held %d, want 3", len(h))
	}
	// Their next message carries the three; its arrival opens a budget.
	got := arrive(t, e.rdb, e.community, "oVol", e.clock.Now(), "m")
	if got[0] != int64(3) {
		t.Fatalf("held read %v", got)
	}
	e.api.Interact("oVol", true)
	e.enqueue(notice("after", "oVol"))
	e.drain(1)
	if s := e.api.SentTo("oVol"); len(s) != 6 {
		t.Fatalf("after writing again: %d sent", len(s))
	}
}

// TestOutboxForwardsVoices: a notice with a voice goes as its text, then
// the voice as a voice message (two of the budget); with one left, the
// text alone (it links the voice).
func TestOutboxForwardsVoices(t *testing.T) {
	e := newWXEnv(t, "")
	media := mediaMap{"voice:1": []byte("#!AMR\nhello")}
	e.box.Media = media
	e.wrote("oLead")
	n := notice("v1", "oLead")
	n.Kind, n.Text, n.Voice = "voice", "【语音】3栋2单元501的住户发来一段语音", "voice:1"
	e.enqueue(n)
	e.drain(1)
	s := e.api.SentTo("oLead")
	if len(s) != 2 || s[0].Text != n.Text || s[1].MediaID == "" {
		t.Fatalf("sent %+v", s)
	}
	if got, _ := e.api.Media(s[1].MediaID); string(got) != "#!AMR\nhello" {
		t.Errorf("forwarded %q", got)
	}
	// Budget 3 left: spend two, then a voice notice sends its text only.
	e.enqueue(notice("x1", "oLead"))
	e.drain(1)
	e.enqueue(notice("x2", "oLead"))
	e.drain(1)
	n.ID = "v2"
	e.enqueue(n)
	e.drain(1)
	if s := e.api.SentTo("oLead"); len(s) != 5 || s[4].Text != n.Text || len(e.api.Refusals()) != 0 {
		t.Fatalf("with one message left: %+v refused %+v", s, e.api.Refusals())
	}
}

type mediaMap map[string][]byte

func (m mediaMap) Media(_ context.Context, key string) ([]byte, string, error) {
	return m[key], "audio/amr", nil
}

// TestOutboxMovesNoticesToTheCommunityThatHearsThePerson: on an account of
// several communities, a person writes to one community's bot; a notice
// another community queues for them goes through the first, whose model
// knows their window (and whose replies would carry it).
func TestOutboxMovesNoticesToTheCommunityThatHearsThePerson(t *testing.T) {
	e := newWXEnv(t, "")
	home := e.box
	other := e.outbox(e.sender)
	other.prefix = "bg:{" + e.community + "-b}:"
	other.community = e.community + "-b"
	p := "bg:{" + other.community + "}:outbox:"
	other.keys = []string{p + "due", p + "notices", p + "dead", p + "done"}
	route := func(context.Context, string) *Outbox { return home }
	home.Route, other.Route = route, route
	e.wrote("oSupplier") // in home's community
	if err := other.Enqueue(context.Background(), notice("pl1", "oSupplier")); err != nil {
		t.Fatal(err)
	}
	if n, err := other.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("other drained %d, %v", n, err)
	}
	if len(e.api.Sent()) != 0 {
		t.Fatal("sent from a community that does not know the person's window")
	}
	e.drain(1)
	if s := e.api.SentTo("oSupplier"); len(s) != 1 || s[0].Kind != "custom" {
		t.Fatalf("sent %+v", s)
	}
	// Moved again after a crash: nothing twice.
	if err := home.Enqueue(context.Background(), notice("pl1", "oSupplier")); err != nil || e.pending() != 0 {
		t.Fatalf("re-moved: pending %d, %v", e.pending(), err)
	}
}

// TestOutboxMergesWhatFits: notices too long to go together go in two
// messages, none cut short.
func TestOutboxMergesWhatFits(t *testing.T) {
	e := newWXEnv(t, "")
	e.wrote("oVol")
	long := notice("long", "oVol")
	long.Text = "【配送任务】" + strings.Repeat("3栋1单元101 蔬菜包1份\n", 68)
	short := notice("short", "oVol")
	short.Text, short.CreatedAt = "【任务有变】蔬菜包缺货", time.Now().Add(time.Second)
	e.enqueue(long, short)
	e.drain(1)
	e.drain(1)
	s := e.api.SentTo("oVol")
	if len(s) != 2 || s[0].Text != long.Text || s[1].Text != short.Text {
		t.Fatalf("sent %d: %+v", len(s), s)
	}
}

// TestOutboxPurgeForgetsWhatPeopleKeysHold: the office's purge leaves no
// notice text in a person's keys: held notices (and their place among
// those out of reach), pending ids, the notices kept for their page.
func TestOutboxPurgeForgetsWhatPeopleKeysHold(t *testing.T) {
	e := newWXEnv(t, "")
	ctx := context.Background()
	e.wrote("oSeen")
	e.enqueue(notice("h1", "oHeld"), notice("k1", "oSeen"))
	e.drain(2)
	if box, _ := e.box.Mailbox(ctx, "oSeen"); len(box.Recent) != 1 {
		t.Fatalf("kept %+v", box)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.box.Purge(ctx, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if un, _ := e.box.Unreachable(ctx); len(un) != 0 {
		t.Errorf("still out of reach after the purge: %+v", un)
	}
	if n, _ := e.rdb.ZCard(ctx, e.box.held("oHeld")).Result(); n != 0 {
		t.Errorf("%d held ids left", n)
	}
	if box, _ := e.box.Mailbox(ctx, "oSeen"); len(box.Recent)+len(box.Held) != 0 {
		t.Errorf("notices page after the purge: %+v", box)
	}
	got := arrive(t, e.rdb, e.community, "oHeld", e.clock.Now(), "m")
	if got[0] != int64(0) {
		t.Errorf("the next message would carry %v", got)
	}
}
