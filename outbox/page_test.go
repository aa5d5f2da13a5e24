package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
)

// The page keeps one entry per notice: keptPrefix must be how a notice's
// JSON starts, whatever its id holds.
func TestKeptPrefix(t *testing.T) {
	for _, id := range []string{"f1", "delivered:1001", "tpl-refused:tpl/1:<o&u>", "引号\"", ""} {
		b, err := json.Marshal(orders.Notice{ID: id, OpenID: "o", Text: "t", Via: orders.ViaTemplate})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), keptPrefix(id)) {
			t.Errorf("%q: %s does not start with %s", id, b, keptPrefix(id))
		}
		if other := keptPrefix(id + "x"); strings.HasPrefix(string(b), other) {
			t.Errorf("%q: %s starts with another notice's prefix %s", id, b, other)
		}
	}
}

// drainAll drains until nothing is pending, stepping the clock past
// backoffs.
func (e *wxEnv) drainAll() {
	e.t.Helper()
	for i := 0; e.pending() > 0; i++ {
		if i > 50 {
			e.t.Fatalf("still %d pending", e.pending())
		}
		if _, err := e.box.Drain(context.Background()); err != nil {
			e.t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
	}
}

// recentIDs is what the person's page lists under 最近的通知.
func (e *wxEnv) recentIDs(openid string) map[string]bool {
	e.t.Helper()
	m, err := e.box.Mailbox(context.Background(), openid)
	if err != nil {
		e.t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, n := range m.Recent {
		ids[n.ID] = true
	}
	return ids
}

// TestTemplateRetriedByCustomKeptOnce: a template that failed
// (shown on the page before it went) and then reached the person as a
// customer-service message (they wrote meanwhile) is kept once: the page
// keeps 30 entries, and a second one of the same notice pushed the oldest
// out early (found by a review).
func TestTemplateRetriedByCustomKeptOnce(t *testing.T) {
	e := newWXEnv(t, "tpl-delivered")
	e.box.Links = pageLinks{}
	const who = "oUserR1"
	e.enqueue(notice("g0", who)) // the oldest, by template
	e.drainAll()
	e.enqueue(notice("f0", who))
	e.api.FailNext(fakewechat.PathTemplateSend, -1, 1)
	if _, err := e.box.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.wrote(who) // they write: the retry goes as a customer-service message
	e.clock.Advance(time.Minute)
	e.drain(1)
	if s := e.api.SentTo(who); len(s) != 2 || s[1].Kind == "template" {
		t.Fatalf("sent %+v, want g0 by template, f0 by custom", s)
	}
	raw, _ := e.rdb.LRange(context.Background(), e.box.kept(who), 0, -1).Result()
	if len(raw) != 2 {
		t.Errorf("the page keeps %d entries of 2 notices: %v", len(raw), raw)
	}
	for i := 1; i <= keptPerPerson-2; i++ {
		e.enqueue(notice(fmt.Sprintf("m%02d", i), who))
		e.drainAll()
	}
	// 30 notices reached them: the page keeps 30.
	if got := e.recentIDs(who); len(got) != keptPerPerson || !got["g0"] {
		t.Fatalf("the page lists %d of %d notices (g0 there: %v)", len(got), keptPerPerson, got["g0"])
	}
}

// TestHeldAfterRefusedTemplateKeptOnce: a notice shown before a
// template WeChat refused is held; opening the page delivers it, and the
// page keeps it once (it kept the template's entry and the page's).
func TestHeldAfterRefusedTemplateKeptOnce(t *testing.T) {
	e := newWXEnv(t, "")
	e.box.Links = pageLinks{}
	e.box.Templates = map[string]string{"delivery": "tpl-unknown"}
	const who = "oUserR2"
	e.enqueue(notice("h1", who))
	e.drain(1)
	m, err := e.box.Mailbox(context.Background(), who)
	if err != nil || len(m.Held) != 1 {
		t.Fatalf("held %+v %v", m, err)
	}
	// The page is opened: what it shows held is delivered (adminapi).
	if n, err := e.box.Delivered(context.Background(), who, m.Held, orders.ViaPage); err != nil || n != 1 {
		t.Fatalf("delivered %d %v", n, err)
	}
	raw, _ := e.rdb.LRange(context.Background(), e.box.kept(who), 0, -1).Result()
	if len(raw) != 1 {
		t.Errorf("the page keeps %d entries of one notice: %v", len(raw), raw)
	}
}

// TestShowOnCluster: a template's notices go on the page (showScript)
// on a real Redis Cluster.
func TestShowOnCluster(t *testing.T) {
	c, err := redistest.StartCluster(3)
	if err != nil {
		t.Skipf("no cluster: %v", err)
	}
	t.Cleanup(c.Stop)
	rdb := c.Client()
	defer rdb.Close()
	ctx := context.Background()
	clock := newTestClock()
	s := &stubSender{}
	o := New(rdb, "cluster-show", s, slog.New(slog.DiscardHandler))
	o.Now, o.Coalesce, o.Templates, o.Links = clock.Now, -1, map[string]string{"delivery": "tpl"}, pageLinks{}
	if err := o.Enqueue(ctx, notice("s1", "u1"), notice("s2", "u1")); err != nil {
		t.Fatal(err)
	}
	if sent, err := o.Drain(ctx); err != nil || sent != 2 {
		t.Fatalf("drain: %d, %v", sent, err)
	}
	m, err := o.Mailbox(ctx, "u1")
	if err != nil || len(m.Recent) != 2 {
		t.Fatalf("page %+v %v", m, err)
	}
}
