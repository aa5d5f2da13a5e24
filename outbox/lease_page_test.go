package outbox

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
)

// funcSender answers Custom with custom.
type funcSender struct{ custom func(Notice) error }

func (s funcSender) Custom(_ context.Context, n Notice) error       { return s.custom(n) }
func (s funcSender) Voice(context.Context, string, []byte) error    { return nil }
func (s funcSender) Template(context.Context, Notice, string) error { return nil }

// TestDeliveredAfterALostLeaseIsOnThePage: replica A's send outlasts its
// lease; replica B takes the notice over and its send fails (a retry
// writes Attempts into the body); then A's send is accepted. The notice
// reached the person, so it belongs on their notices page: a body changed
// by B's retry is bookkeeping, not an erasure's redaction (found by a
// review of the first version of the erasure fix).
func TestDeliveredAfterALostLeaseIsOnThePage(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	comm := redistest.Community(t)
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	me := "o-page-" + comm
	arrive(t, rdb, comm, me, t0, "m") // they wrote: their window is open
	b := New(rdb, comm, funcSender{func(Notice) error { return errors.New("dial tcp: connection refused") }}, slog.New(slog.DiscardHandler))
	b.Coalesce, b.Now = -1, func() time.Time { return t0.Add(3 * time.Minute) }
	a := New(rdb, comm, funcSender{func(Notice) error {
		if _, err := b.Drain(ctx); err != nil {
			t.Error(err)
		}
		return nil
	}}, slog.New(slog.DiscardHandler))
	a.Coalesce, a.Now = -1, func() time.Time { return t0 }
	if err := a.Enqueue(ctx, Notice{ID: "n1", OpenID: me, Kind: "delivered", Text: "您订的蔬菜包已送到"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.ZScore(ctx, a.keys[3], "n1").Result(); n == 0 {
		t.Fatal("not recorded delivered")
	}
	box, err := a.Mailbox(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(box.Recent) != 1 {
		t.Errorf("notices page %+v: the delivered notice is missing", box)
	}
}

// TestNoticeFieldsClassified: every JSON field of orders.Notice and
// orders.Brief is content (an erasure may change it, and a copy in hand
// that differs there must not be written back) or the outbox's own
// bookkeeping: a field added later must be put in one list.
func TestNoticeFieldsClassified(t *testing.T) {
	known := map[string]bool{}
	for _, list := range [][]string{noticeContent, noticeBookkeeping, noticeIdentity} {
		for _, f := range list {
			known[f] = true
		}
	}
	check := func(typ reflect.Type, known map[string]bool) {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !known[name] {
				t.Errorf("%s.%s (json %q) is in no list of outbox.go's fields", typ.Name(), f.Name, name)
			}
		}
	}
	check(reflect.TypeOf(orders.Notice{}), known)
	brief := map[string]bool{}
	for _, f := range briefContent {
		brief[f] = true
	}
	check(reflect.TypeOf(orders.Brief{}), brief)
}

// stepSender runs each Custom through the next of steps, and refuses
// every template as unknown.
type stepSender struct{ steps []func() error }

func (s *stepSender) Custom(context.Context, Notice) error {
	f := s.steps[0]
	s.steps = s.steps[1:]
	return f()
}
func (s *stepSender) Voice(context.Context, string, []byte) error { return nil }
func (s *stepSender) Template(context.Context, Notice, string) error {
	return orders.ErrTemplateRefused
}

// TestRebookedNoticeKeptOnce: an erasure changes a notice twice while it
// is sent (Redis then holds it re-encoded, see rebook), it reaches the
// page before its template is refused, and a reply delivers it: the page
// keeps it once (found by a review: the re-encoded entry did not start
// with its id, and stayed beside the new one).
func TestRebookedNoticeKeptOnce(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	comm := redistest.Community(t)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	me := "o-kept-" + comm
	arrive(t, rdb, comm, me, now, "m") // they wrote: their window is open
	redact := func(name string) {
		body := rdb.HGet(ctx, NoticesKey(comm), "n1").Val()
		rdb.HSet(ctx, NoticesKey(comm), "n1", strings.Replace(body, name, "某某", 1))
	}
	snd := &stepSender{steps: []func() error{
		func() error { redact("张三"); return errors.New("dial tcp: connection refused") },
		func() error { redact("李四"); return orders.ErrOutsideWindow },
	}}
	o := New(rdb, comm, snd, slog.New(slog.DiscardHandler))
	o.Coalesce, o.Now = -1, func() time.Time { return now }
	o.Templates = map[string]string{orders.TplDelivery: "tpl-d"}
	if err := o.Enqueue(ctx, Notice{ID: "n1", OpenID: me, Kind: "delivered", Text: "张三李四的蔬菜包已送到",
		Brief: &orders.Brief{What: "送到了"}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := o.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	held, err := o.Held(ctx, me)
	if err != nil || len(held) != 1 || strings.ContainsAny(held[0].Text, "张李") {
		t.Fatalf("held %+v %v", held, err)
	}
	if _, err := o.Delivered(ctx, me, held, orders.ViaReply); err != nil {
		t.Fatal(err)
	}
	if kept := rdb.LRange(ctx, o.kept(me), 0, -1).Val(); len(kept) != 1 {
		t.Errorf("the notices page keeps n1 %d times: %q", len(kept), kept)
	}
}
