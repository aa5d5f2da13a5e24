package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// TestSenderTokenKey checks the key the sender drops is the one silenceper
// caches the token under.
func TestSenderTokenKey(t *testing.T) {
	e := newWXEnv(t, "")
	tok, err := e.sender.Account.GetAccessToken()
	if err != nil {
		t.Fatal(err)
	}
	if got := e.tokens.Get(e.sender.TokenKey()); got != tok {
		t.Fatalf("cache[%q] = %v, want the library's token", e.sender.TokenKey(), got)
	}
}

func TestSenderRefreshesRejectedTokenOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(*wxFake)
	}{
		{"tokens invalidated", func(f *wxFake) { f.InvalidateTokens() }},
		{"40001", func(f *wxFake) { f.FailNext(fakewechat.PathCustomSend, 40001, 1) }},
		{"42001", func(f *wxFake) { f.FailNext(fakewechat.PathCustomSend, 42001, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newWXEnv(t, "")
			e.wrote("oUser1", "oUser2")
			e.enqueue(notice("t1", "oUser1"))
			e.drain(1) // caches a token
			tc.fault(e.api)
			e.enqueue(notice("t2", "oUser2"))
			e.drain(1)
			if got := e.api.TokenFetches(); got != 2 {
				t.Errorf("token fetches %d, want 2 (first, then one refresh)", got)
			}
			if s := e.api.SentTo("oUser2"); len(s) != 1 {
				t.Fatalf("sent to oUser2: %+v", s)
			}
			if !strings.Contains(e.logs.String(), "token rejected") {
				t.Error("refresh not logged")
			}
		})
	}

	t.Run("only once", func(t *testing.T) {
		e := newWXEnv(t, "")
		e.wrote("oUser3")
		e.api.FailNext(fakewechat.PathCustomSend, 40001, 2)
		e.enqueue(notice("t3", "oUser3"))
		e.drain(0)
		if got := e.api.TokenFetches(); got != 2 {
			t.Errorf("token fetches %d, want 2 (first, then one refresh)", got)
		}
		if n := e.stored("t3"); n.Attempts != 1 || !strings.Contains(n.LastError, "40001") {
			t.Fatalf("stored %+v", n)
		}
		e.clock.Advance(2 * time.Second)
		e.drain(1) // temporary: the next round succeeds
	})
}

// TestSenderTemplateOutsideTheWindow: someone who never wrote gets the
// template of the notice's kind at once (no customer-service message is
// tried), with its brief, a link and a client_msg_id; sent again after a
// lost answer, WeChat shows it once.
func TestSenderTemplateOutsideTheWindow(t *testing.T) {
	e := newWXEnv(t, "tpl-delivered")
	e.box.Links = pageLinks{}
	e.enqueue(notice("f1", "oUser1"))
	e.drain(1)
	s := e.api.Sent()
	if len(s) != 1 || s[0].Kind != "template" || s[0].TemplateID != "tpl-delivered" || s[0].ToUser != "oUser1" {
		t.Fatalf("sent %+v", s)
	}
	want := "thing1: 订单已送达\nthing2: 3号楼\nphrase3: 已送达\ntime4: 2026年11月24日 10:00\ncharacter_string5: f1"
	if s[0].Text != want || len(s[0].Blank) != 0 {
		t.Errorf("template data:\n%s\nwant:\n%s", s[0].Text, want)
	}
	if !strings.Contains(string(s[0].Raw), `"client_msg_id":"f1"`) || s[0].URL != "https://bg.example/n/oUser1" {
		t.Errorf("no client_msg_id or link: %s", s[0].Raw)
	}
	if strings.Contains(string(s[0].Raw), secretPhone) {
		t.Error("the template carries the text")
	}
	if r := e.api.Refusals(); len(r) != 0 {
		t.Errorf("a customer-service message was tried: %+v", r)
	}
	// The same notice sent again (its answer was lost): shown once.
	n := notice("f1", "oUser1")
	n.CreatedAt = e.clock.Now()
	if err := e.sender.Template(context.Background(), n, "tpl-delivered"); err != nil {
		t.Fatal(err)
	}
	if s := e.api.Sent(); len(s) != 1 {
		t.Fatalf("a resend was shown again: %+v", s)
	}
}

// TestSenderTemplateOfItsOwnFields: a template picked from WeChat's
// library has fields of its own. Sent in the default layout, every one of
// them shows blank; with its layout (wechat.template_fields) each shows
// its part, in the form its type takes.
func TestSenderTemplateOfItsOwnFields(t *testing.T) {
	e := newWXEnv(t, "")
	e.api.AddTemplateFields("tpl-lib", "thing3", "thing7", "phrase2", "date5", "character_string9", "thing11")
	n := notice("f1001", "oUser1")
	n.Brief.Ref = "1001"
	n.CreatedAt = e.clock.Now()
	send := func() fakewechat.Sent {
		t.Helper()
		e.api.Reset()
		n.ID += "x" // another client_msg_id
		if err := e.sender.Template(context.Background(), n, "tpl-lib"); err != nil {
			t.Fatal(err)
		}
		s := e.api.Sent()
		if len(s) != 1 {
			t.Fatalf("sent %+v", s)
		}
		return s[0]
	}
	if s := send(); len(s.Blank) != 6 {
		t.Errorf("in the default layout: blank %v, want all six", s.Blank)
	}
	e.sender.Layouts = map[string]wechat.Layout{"tpl-lib": {What: "thing3", Where: "thing7", Status: "phrase2", Time: "date5", Ref: "character_string9"}}
	s := send()
	want := "thing3: 订单已送达\nthing7: 3号楼\nphrase2: 已送达\ndate5: 2026年11月24日 10:00\ncharacter_string9: 1001\nthing11: "
	if s.Text != want || len(s.Blank) != 1 {
		t.Errorf("in its layout:\n%s\nwant:\n%s (only thing11, which has no part, blank)", s.Text, want)
	}
}

type pageLinks struct{}

func (pageLinks) Notices(openid string) string { return "https://bg.example/n/" + openid }

// TestSenderHeldWithoutTemplate: with no template for its kind, a notice
// to someone out of reach is held (not dead-lettered, not retried), and
// what their next message's arrival reads is that notice.
func TestSenderHeldWithoutTemplate(t *testing.T) {
	e := newWXEnv(t, "")
	e.enqueue(notice("w1", "oUser1"))
	e.drain(1)
	if len(e.dead()) != 0 || e.pending() != 0 || len(e.api.Sent()) != 0 || len(e.api.Refusals()) != 0 {
		t.Fatalf("dead %v, pending %d, sent %v, refused %v", e.dead(), e.pending(), e.api.Sent(), e.api.Refusals())
	}
	got := arrive(t, e.rdb, e.community, "oUser1", e.clock.Now(), "m")
	if len(got) != 2 || got[0] != int64(1) || !strings.Contains(got[1].(string), `"id":"w1"`) {
		t.Fatalf("held read %v", got)
	}
	un, err := e.box.Unreachable(context.Background())
	if err != nil || len(un) != 1 || un[0].OpenID != "oUser1" || un[0].Held != 1 {
		t.Fatalf("unreachable %+v, %v", un, err)
	}
	n := e.stored("w1")
	if k, err := e.box.Delivered(context.Background(), "oUser1", []Notice{n}, orders.ViaReply); err != nil || k != 1 {
		t.Fatalf("delivered %d, %v", k, err)
	}
	if un, _ := e.box.Unreachable(context.Background()); len(un) != 0 {
		t.Fatalf("still unreachable: %+v", un)
	}
	// Delivered: its id is not queued again.
	e.enqueue(notice("w1", "oUser1"))
	if e.pending() != 0 {
		t.Fatal("a delivered held notice was queued again")
	}
	box, err := e.box.Mailbox(context.Background(), "oUser1")
	if err != nil || len(box.Held) != 0 || len(box.Recent) != 1 || box.Recent[0].Via != orders.ViaReply {
		t.Fatalf("mailbox %+v, %v", box, err)
	}
}

// TestSenderBudgetSpentFallsBack: 45047 (the person's budget spent, which
// the model did not know) is not retried: with a template the notice
// goes as one, without it is held; the model learns the budget is spent.
func TestSenderBudgetSpentFallsBack(t *testing.T) {
	for _, tpl := range []string{"", "tpl-d"} {
		t.Run("template="+tpl, func(t *testing.T) {
			e := newWXEnv(t, tpl)
			e.wrote("oUser1")
			e.api.FailNext(fakewechat.PathCustomSend, 45047, 1)
			e.enqueue(notice("b1", "oUser1"))
			e.drain(1)
			if len(e.dead()) != 0 || e.pending() != 0 {
				t.Fatalf("dead %v pending %d", e.dead(), e.pending())
			}
			s := e.api.Sent()
			if tpl != "" && (len(s) != 1 || s[0].Kind != "template") {
				t.Fatalf("sent %+v", s)
			}
			if tpl == "" && len(s) != 0 {
				t.Fatalf("sent %+v", s)
			}
			w, err := e.box.Reachable(context.Background(), "delivered", []string{"oUser1"})
			if err != nil || (tpl == "" && w[0] != Hold) || (tpl != "" && w[0] != Template) {
				t.Fatalf("reachable %v, %v", w, err)
			}
		})
	}
}

// TestSenderRefusedTemplateHeldAndToldOnce: a template id WeChat does not
// know (40037) holds the notice and tells staff once, however many
// notices try it.
func TestSenderRefusedTemplateHeldAndToldOnce(t *testing.T) {
	e := newWXEnv(t, "")
	e.box.Templates = map[string]string{"delivery": "tpl-unknown"}
	e.box.Staff = []string{"staff-1"}
	e.enqueue(notice("x1", "oUser1"), notice("x2", "oUser2"))
	e.drain(2)
	e.enqueue(notice("x3", "oUser3"))
	e.drain(2) // and the word to staff, held too: they never wrote
	if len(e.dead()) != 0 {
		t.Fatalf("dead %+v", e.dead())
	}
	held := 0
	for _, u := range []string{"oUser1", "oUser2", "oUser3"} {
		h, _ := e.box.Held(context.Background(), u)
		held += len(h)
	}
	if held != 3 {
		t.Fatalf("held %d, want 3", held)
	}
	staff, _ := e.box.Held(context.Background(), "staff-1")
	if len(staff) != 1 || !strings.Contains(staff[0].Text, "tpl-unknown") {
		t.Fatalf("staff told %+v (a 40037 must be told once)", staff)
	}
	if p, _ := e.box.Problems(context.Background()); len(p) != 1 || p[0] != "tpl-unknown" {
		t.Fatalf("problems %v", p)
	}
	if r := e.api.Refusals(); len(r) != 1 || r[0].ErrCode != 40037 {
		t.Fatalf("the refused template was tried again: %+v", r)
	}
}

func TestSenderPermanentErrorsDeadLetter(t *testing.T) {
	for _, code := range []int{43004, 40003} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			e := newWXEnv(t, "tpl")
			e.wrote("oUser1")
			e.api.FailNext(fakewechat.PathCustomSend, code, 1)
			e.enqueue(notice("p1", "oUser1"))
			e.drain(0)
			d := e.dead()
			if len(d) != 1 || d[0].Attempts != 1 || !strings.Contains(d[0].LastError, fmt.Sprint(code)) {
				t.Fatalf("dead %+v", d)
			}
		})
	}
	t.Run("unfollowed, by template", func(t *testing.T) {
		e := newWXEnv(t, "tpl")
		e.api.Unfollow("oUser1")
		e.enqueue(notice("p2", "oUser1"))
		e.drain(0)
		if d := e.dead(); len(d) != 1 || !strings.Contains(d[0].LastError, "43004") {
			t.Fatalf("dead %+v", d)
		}
	})
}

// TestSenderRedactsSecrets: the library's HTTP errors quote URLs holding
// the app secret (token fetch) or the access token (sends).
func TestSenderRedactsSecrets(t *testing.T) {
	e := newWXEnv(t, "")
	e.wrote("oUser1")
	e.api.Bad.Store(1) // the token fetch
	e.enqueue(notice("s1", "oUser1"))
	e.drain(0)
	n := e.stored("s1")
	if strings.Contains(n.LastError, wxTestSecret) || !strings.Contains(n.LastError, "secret=REDACTED") {
		t.Fatalf("last error %q", n.LastError)
	}
	e.clock.Advance(2 * time.Second)
	e.drain(1)
}

func TestSenderNotBuiltByConstructor(t *testing.T) {
	err := (&wechat.WeChatSender{}).Custom(context.Background(), notice("x", "oUser1"))
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("err %v", err)
	}
}

// pageWatcher is the real sender, which looks at the person's notices
// page at the moment a template (which links to it) goes out.
type pageWatcher struct {
	Sender
	box    *Outbox
	onPage map[string][]string // notice id -> ids on the page when it went
}

func (p *pageWatcher) Template(ctx context.Context, n Notice, tpl string) error {
	m, err := p.box.Mailbox(ctx, n.OpenID)
	if err != nil {
		return err
	}
	for _, x := range append(m.Held, m.Recent...) {
		p.onPage[n.ID] = append(p.onPage[n.ID], x.ID)
	}
	return p.Sender.Template(ctx, n, tpl)
}

// TestTemplateLinksToAPageThatShowsIt: a template's link opens the
// person's notices page, and WeChat shows the template at once: the page
// shows the notice before the template goes, and once afterwards. (The
// page used to get it only after the send was recorded: opened at once,
// it said 现在没有通知.) A notice held after WeChat refused the template
// is shown once, among those held.
func TestTemplateLinksToAPageThatShowsIt(t *testing.T) {
	e := newWXEnv(t, "tpl-delivered")
	w := &pageWatcher{Sender: e.sender, onPage: map[string][]string{}}
	box := e.outbox(w)
	box.Templates, box.Links, w.box = e.box.Templates, pageLinks{}, box
	e.enqueue(notice("f1", "oUser1"))
	if sent, err := box.Drain(context.Background()); err != nil || sent != 1 {
		t.Fatalf("drain: %d, %v", sent, err)
	}
	if got := w.onPage["f1"]; len(got) != 1 || got[0] != "f1" {
		t.Fatalf("when the template went, the page showed %v, want [f1]", got)
	}
	m, err := box.Mailbox(context.Background(), "oUser1")
	if err != nil || len(m.Held) != 0 || len(m.Recent) != 1 || m.Recent[0].ID != "f1" || m.Recent[0].Via != orders.ViaTemplate {
		t.Fatalf("the page after: %+v, %v", m, err)
	}

	// A template that failed and went at the second try: on the page
	// once.
	e.enqueue(notice("f3", "oUser3"))
	e.api.FailNext(fakewechat.PathTemplateSend, -1, 1)
	if _, err := box.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if sent, err := box.Drain(context.Background()); err != nil || sent != 1 {
		t.Fatalf("the second try: %d, %v", sent, err)
	}
	if raw, _ := e.rdb.LRange(context.Background(), box.kept("oUser3"), 0, -1).Result(); len(raw) != 1 {
		t.Fatalf("the page keeps %d entries of one notice: %v", len(raw), raw)
	}

	// Refused: held, on the page once.
	box.Templates = map[string]string{"delivery": "tpl-unknown"}
	e.enqueue(notice("f2", "oUser2"))
	if _, err := box.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, err = box.Mailbox(context.Background(), "oUser2")
	if err != nil || len(m.Held) != 1 || m.Held[0].ID != "f2" || len(m.Recent) != 0 {
		t.Fatalf("the page of a held notice: %+v, %v", m, err)
	}
}
