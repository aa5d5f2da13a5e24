package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/outbox"
)

// erasingSender runs an erasure in the middle of the send to during, as
// 确认删除 can land while a notice is on its way to WeChat, then answers
// err (Custom) or tplErr (Template).
type erasingSender struct {
	during      string
	erase       func()
	erased      bool
	err, tplErr error
}

func (s *erasingSender) send(openid string) {
	if openid == s.during && !s.erased {
		s.erased = true
		s.erase()
	}
}

func (s *erasingSender) Custom(_ context.Context, n outbox.Notice) error {
	s.send(n.OpenID)
	return s.err
}

func (s *erasingSender) Voice(context.Context, string, []byte) error { return nil }

func (s *erasingSender) Template(_ context.Context, n outbox.Notice, _ string) error {
	s.send(n.OpenID)
	return s.tplErr
}

// TestErasedWhileANoticeIsSent: a person is erased while a notice to
// them, or one to their lead that names their id, is being sent. Whatever
// the send's outcome (delivered by either way, retried, dead-lettered,
// held), nothing of theirs is written back when it is recorded: not the
// notice, not a notices page, not their window. (The outbox wrote back
// the copy in hand, found by a review.) The lead's notice goes its way
// without their id.
func TestErasedWhileANoticeIsSent(t *testing.T) {
	type tcase struct {
		name        string
		window      bool
		err, tplErr error
		want        string // what the lead's notice became
		during      string // whose send the erasure lands in
	}
	var cases []tcase
	for _, c := range []tcase{
		{name: "delivered", window: true, want: "done"},
		{name: "by template", want: "done"},
		{name: "retried", window: true, err: errors.New("dial tcp: connection refused"), want: "pending"},
		{name: "template retried", tplErr: errors.New("dial tcp: connection refused"), want: "pending"},
		{name: "dead", window: true, err: fmt.Errorf("%w: errcode=43004", orders.ErrPermanent), want: "dead"},
		{name: "held", window: true, err: fmt.Errorf("%w: errcode=45015", orders.ErrOutsideWindow), want: "held"},
	} {
		for _, during := range []string{"them", "lead"} {
			c.during = during
			cases = append(cases, c)
		}
	}
	for _, c := range cases {
		t.Run(c.name+" during the send to "+c.during, func(t *testing.T) {
			ctx := context.Background()
			rdb := redistest.Client(t)
			comm := redistest.Community(t)
			s := redisstore.New(rdb, comm, testCatalog(t, 10))
			me, lead := "o-erased-"+comm, "o-lead-"+comm
			now := time.Now()
			snd := &erasingSender{during: me, err: c.err, tplErr: c.tplErr}
			if c.during == "lead" {
				snd.during = lead
			}
			box := outbox.New(rdb, comm, snd, slog.New(slog.DiscardHandler))
			box.Coalesce = -1
			box.Now = func() time.Time { return now }
			if !c.window {
				box.Templates = map[string]string{orders.TplDelivery: "tpl-delivery"}
			}
			snd.erase = func() {
				if _, err := s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: me}), ""); err != nil {
					t.Error(err)
				}
			}
			if c.window {
				openWindows(t, rdb, comm, now, me, lead)
			}
			sendBoth(t, box, me, lead)
			if !snd.erased {
				t.Fatal("no send to " + snd.during)
			}
			writtenBack(t, rdb, comm, me)
			p := "bg:{" + comm + "}:"
			// The lead's notice went its way all the same.
			switch c.want {
			case "done":
				if n, _ := rdb.ZScore(ctx, p+"outbox:done", "to-lead").Result(); n == 0 {
					t.Error("the lead's notice is not recorded delivered")
				}
			case "pending":
				if n, _ := box.Pending(ctx); n != 1 {
					t.Errorf("%d pending, want the lead's", n)
				}
			case "dead":
				if dead, _ := box.Dead(ctx); len(dead) != 1 || dead[0].ID != "to-lead" {
					t.Errorf("dead %+v, want the lead's", dead)
				}
			case "held":
				if held, _ := box.Held(ctx, lead); len(held) != 1 || held[0].ID != "to-lead" {
					t.Errorf("held %+v, want the lead's", held)
				}
			}
		})
	}
}

// openWindows opens each of who's window for pushes for an hour from now.
func openWindows(t *testing.T, rdb *redis.Client, comm string, now time.Time, who ...string) {
	t.Helper()
	for _, w := range who {
		if err := rdb.HSet(context.Background(), outbox.ReachKey(comm, w), "until", now.Add(time.Hour).UnixMilli(), "cap", 5, "used", 0, "ev", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// sendBoth queues a notice to me and one to lead that names me, and
// drains them.
func sendBoth(t *testing.T, box *outbox.Outbox, me, lead string) {
	t.Helper()
	ctx := context.Background()
	err := box.Enqueue(ctx,
		outbox.Notice{ID: "to-them", OpenID: me, Kind: "delivered", Text: "您订的蔬菜包已放到3栋2单元501门口"},
		outbox.Notice{ID: "to-lead", OpenID: lead, Kind: "delivered", Text: "已送到3栋2单元501，微信号 " + me})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := box.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// erasedCommunity is a community on a real Redis, its store, a resident
// to erase (me) and their lead.
func erasedCommunity(t *testing.T) (*redis.Client, string, *redisstore.Store, string, string) {
	rdb := redistest.Client(t)
	comm := redistest.Community(t)
	return rdb, comm, redisstore.New(rdb, comm, testCatalog(t, 10)), "o-erased-" + comm, "o-lead-" + comm
}

// scrubber erases me from s's community when called, as 确认删除 does.
func scrubber(t *testing.T, s *redisstore.Store, me string) func() {
	return func() {
		if _, err := s.Scrub(context.Background(), orders.NewErasure(orders.Subject{OpenID: me}), ""); err != nil {
			t.Error(err)
		}
	}
}

// ownClientBox is an outbox of comm on a Redis client of its own (hooks
// on it see only the outbox's commands).
func ownClientBox(t *testing.T, rdb *redis.Client, comm string, snd outbox.Sender) (*redis.Client, *outbox.Outbox) {
	obx := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr, Protocol: 2})
	t.Cleanup(func() { obx.Close() })
	box := outbox.New(obx, comm, snd, slog.New(slog.DiscardHandler))
	box.Coalesce = -1
	return obx, box
}

// sendToLead queues a notice to lead that names me, and drains it.
func sendToLead(t *testing.T, box *outbox.Outbox, me, lead string) {
	t.Helper()
	ctx := context.Background()
	if err := box.Enqueue(ctx, outbox.Notice{ID: "to-lead", OpenID: lead, Kind: "delivered", Text: "已送到3栋2单元501，微信号 " + me}); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// writtenBack fails t for every key of comm that still names me.
func writtenBack(t *testing.T, rdb *redis.Client, comm, me string) {
	t.Helper()
	found, err := redistest.HoldingWords(context.Background(), rdb, me, orders.Pseudonym(me))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if strings.Contains(f, "bg:{"+comm+"}:") {
			t.Errorf("written back: %s", f)
		}
	}
}

// TestErasedWhileHeldNoticesAreDelivered: the lead's page (or reply) read
// a held notice naming a resident; the resident's erasure lands before
// Delivered records it. The lead's notices page gets the notice as the
// erasure left it, not the copy read before (which it got, found by a
// review).
func TestErasedWhileHeldNoticesAreDelivered(t *testing.T) {
	ctx := context.Background()
	rdb, comm, s, me, lead := erasedCommunity(t)
	box := outbox.New(rdb, comm, &erasingSender{}, slog.New(slog.DiscardHandler))
	box.Coalesce = -1
	sendToLead(t, box, me, lead)     // no window, no template: held
	held, err := box.Held(ctx, lead) // the page (or the reply) reads them
	if err != nil || len(held) != 1 {
		t.Fatalf("held %v %v", held, err)
	}
	if _, err := s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: me}), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Delivered(ctx, lead, held, orders.ViaPage); err != nil {
		t.Fatal(err)
	}
	writtenBack(t, rdb, comm, me)
}

// TestErasedWhileRequeued: an admin requeues dead notices; the erasure
// lands between Requeue's read of the bodies and its script. Nothing of
// the resident comes back (the copies read did, found by a review).
func TestErasedWhileRequeued(t *testing.T) {
	ctx := context.Background()
	rdb, comm, s, me, lead := erasedCommunity(t)
	// The outbox's own client: after its HMGET of the notices, the
	// erasure runs (through the store's client).
	obx, box := ownClientBox(t, rdb, comm, &erasingSender{err: fmt.Errorf("%w: errcode=43004", orders.ErrPermanent)})
	openWindows(t, rdb, comm, time.Now(), me, lead)
	sendBoth(t, box, me, lead)
	if dead, _ := box.Dead(ctx); len(dead) != 2 {
		t.Fatalf("dead %v", dead)
	}
	obx.AddHook(afterHMGet{scrubber(t, s, me)})
	if _, err := box.Requeue(ctx, "to-them", "to-lead"); err != nil {
		t.Fatal(err)
	}
	writtenBack(t, rdb, comm, me)
}

// afterHMGet runs fn once, after the first HMGET.
type afterHMGet struct{ fn func() }

func (h afterHMGet) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h afterHMGet) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h afterHMGet) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	done := false
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if !done && cmd.Name() == "hmget" {
			done = true
			h.fn()
		}
		return err
	}
}

// TestErasedWhileANoticeIsMoved: the erasure lands while the outbox asks
// Route where the lead is heard (another community of the account). What
// moves there, where this erasure never looks, is the notice as the
// erasure left it (it was the copy read before, found by a review).
func TestErasedWhileANoticeIsMoved(t *testing.T) {
	rdb, comm, s, me, lead := erasedCommunity(t)
	other := redistest.Community(t)
	box := outbox.New(rdb, comm, &erasingSender{}, slog.New(slog.DiscardHandler))
	there := outbox.New(rdb, other, &erasingSender{}, slog.New(slog.DiscardHandler))
	box.Coalesce = -1
	erased := false
	erase := scrubber(t, s, me)
	box.Route = func(context.Context, string) *outbox.Outbox {
		if !erased {
			erased = true
			erase()
		}
		return there
	}
	sendToLead(t, box, me, lead)
	writtenBack(t, rdb, other, me) // nor moved with their id after the erasure
}

// TestErasedMidSendDeadKeepsItsReason: the lead's notice is refused for
// good (43004) while an erasure takes a resident's id out of it. It is
// dead-lettered as the erasure left it, with the reason it died (the
// console and /api/notices show it) and its attempt counted.
func TestErasedMidSendDeadKeepsItsReason(t *testing.T) {
	ctx := context.Background()
	rdb, comm, s, me, lead := erasedCommunity(t)
	snd := &erasingSender{during: lead, err: fmt.Errorf("%w: errcode=43004", orders.ErrPermanent), erase: scrubber(t, s, me)}
	_, box := ownClientBox(t, rdb, comm, snd)
	openWindows(t, rdb, comm, time.Now(), lead)
	sendToLead(t, box, me, lead)
	dead, err := box.Dead(ctx)
	if err != nil || len(dead) != 1 {
		t.Fatalf("dead %v %v", dead, err)
	}
	if n := dead[0]; strings.Contains(n.Text, me) || !strings.Contains(n.LastError, "43004") || n.Attempts != 1 {
		t.Errorf("dead notice %+v: want it redacted, with its reason (43004) and its attempt", n)
	}
	writtenBack(t, rdb, comm, me)
}

// TestErasedWhileRequeuedStartsAfresh: Requeue promises Attempts and
// LastError cleared; with an erasure between its read and its script, the
// requeued notice is the erased one, still with both cleared (it kept the
// dead body's, and would have died at its first failure).
func TestErasedWhileRequeuedStartsAfresh(t *testing.T) {
	ctx := context.Background()
	rdb, comm, s, me, lead := erasedCommunity(t)
	obx, box := ownClientBox(t, rdb, comm, &erasingSender{err: fmt.Errorf("%w: errcode=43004", orders.ErrPermanent)})
	openWindows(t, rdb, comm, time.Now(), lead)
	sendToLead(t, box, me, lead)
	obx.AddHook(afterHMGet{scrubber(t, s, me)})
	if n, err := box.Requeue(ctx, "to-lead"); err != nil || n != 1 {
		t.Fatalf("requeued %d %v", n, err)
	}
	body, err := rdb.HGet(ctx, outbox.NoticesKey(comm), "to-lead").Result()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, me) || strings.Contains(body, "attempts") || strings.Contains(body, "last_error") {
		t.Errorf("requeued body %s: want it redacted, attempts and last_error cleared", body)
	}
}
