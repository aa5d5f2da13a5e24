package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

const (
	wxTestAppID  = "wxoutbox00000001"
	wxTestSecret = "outbox-test-app-secret-5f3c"
	// secretPhone stands for personal data in notice texts: it must never
	// reach a log.
	secretPhone = "13800138000"
)

// wxFake is the fake WeChat API of one test (see fakewechat.Install).
type wxFake = fakewechat.Faulty

func newWXFake(t *testing.T) *wxFake { return fakewechat.Install(t, wxTestAppID, wxTestSecret) }

// testClock is an injectable clock that moves only when told.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// syncBuffer collects log output from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// wxEnv is an Outbox over the shared redis-server sending through the real
// silenceper client to a fake WeChat API.
type wxEnv struct {
	t         *testing.T
	rdb       redis.UniversalClient
	community string
	api       *wxFake
	tokens    *wechat.TokenCache
	sender    *wechat.WeChatSender
	box       *Outbox
	clock     *testClock
	logs      *syncBuffer
	log       *slog.Logger
}

func newWXEnv(t *testing.T, templateID string) *wxEnv {
	t.Helper()
	e := &wxEnv{t: t, rdb: redistest.Client(t), community: redistest.Community(t), clock: newTestClock(), logs: &syncBuffer{}}
	e.api = newWXFake(t)
	e.log = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.tokens = wechat.NewTokenCache(e.rdb, wxTestAppID, e.log)
	// Tokens cached by an earlier test belong to an earlier fake.
	if err := e.rdb.Del(context.Background(), "bg:wechat:"+wxTestAppID+":"+wechat.TokenKeyPrefix+"_access_token_"+wxTestAppID).Err(); err != nil {
		t.Fatal(err)
	}
	acct := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: wxTestAppID, AppSecret: wxTestSecret, Token: "outbox-test-token", Cache: e.tokens,
	})
	e.sender = wechat.NewWeChatSender(acct, e.tokens, e.log)
	e.box = e.outbox(e.sender)
	if templateID != "" {
		e.box.Templates = map[string]string{"delivery": templateID}
		e.api.AddTemplate(templateID)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", e.logs)
		}
		for _, secret := range []string{secretPhone, wxTestSecret} {
			if strings.Contains(e.logs.String(), secret) {
				t.Errorf("logs show %q:\n%s", secret, e.logs)
			}
		}
	})
	return e
}

// outbox returns another replica of e's outbox, on e's clock. Notices
// are due as they are queued: coalescing has its own tests.
func (e *wxEnv) outbox(s Sender) *Outbox {
	o := New(e.rdb, e.community, s, e.log)
	o.Now, o.Coalesce = e.clock.Now, -1
	return o
}

// wrote makes openids have written to the account just now, as WeChat
// and the message path both see it: their windows open.
func (e *wxEnv) wrote(openids ...string) {
	e.t.Helper()
	for _, id := range openids {
		e.api.Interact(id, true)
		arrive(e.t, e.rdb, e.community, id, e.box.now(), "m")
	}
}

// arriveScript runs the message path's arrival (ArrivalLua) alone.
var arriveScript = redis.NewScript(ArrivalLua + `
reach_arrive(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
return held_read(KEYS[2], KEYS[3], 20)`)

// arrive records that openid wrote (how "m") or clicked ("e") at at, as
// the message path does, and returns what it read of their held notices
// (count, then bodies).
func arrive(t testing.TB, rdb redis.UniversalClient, community, openid string, at time.Time, how string) []any {
	t.Helper()
	args := append([]any{at.UnixMilli(), how}, ArrivalArgs()...)
	res, err := arriveScript.Run(context.Background(), rdb, []string{ReachKey(community, openid), HeldKey(community, openid), NoticesKey(community)}, args...).Slice()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (e *wxEnv) enqueue(ns ...Notice) {
	e.t.Helper()
	if err := e.box.Enqueue(context.Background(), ns...); err != nil {
		e.t.Fatal(err)
	}
}

// drain runs one Drain and checks how many it delivered.
func (e *wxEnv) drain(want int) {
	e.t.Helper()
	sent, err := e.box.Drain(context.Background())
	if err != nil {
		e.t.Fatalf("drain: %v", err)
	}
	if sent != want {
		e.t.Fatalf("drain delivered %d, want %d", sent, want)
	}
}

func (e *wxEnv) pending() int {
	e.t.Helper()
	n, err := e.box.Pending(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *wxEnv) dead() []Notice {
	e.t.Helper()
	ns, err := e.box.Dead(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return ns
}

// stored reads a pending or dead notice as Redis holds it.
func (e *wxEnv) stored(id string) Notice {
	e.t.Helper()
	s, err := e.rdb.HGet(context.Background(), e.box.keys[1], id).Result()
	if err != nil {
		e.t.Fatalf("notice %s: %v", id, err)
	}
	var n Notice
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *wxEnv) dueAt(id string) time.Time {
	e.t.Helper()
	ms, err := e.rdb.ZScore(context.Background(), e.box.keys[0], id).Result()
	if err != nil {
		e.t.Fatalf("due time of %s: %v", id, err)
	}
	return time.UnixMilli(int64(ms)).UTC()
}

func notice(id, openid string) Notice {
	return Notice{
		ID: id, OpenID: openid, Kind: "delivered",
		Text:  "您的订单已送达 3号楼 联系电话 " + secretPhone,
		Brief: &orders.Brief{What: "订单已送达", Where: "3号楼", Status: "已送达", Ref: id},
	}
}

func TestOutboxDelivers(t *testing.T) {
	e := newWXEnv(t, "")
	e.wrote("oUser1")
	e.enqueue(notice("o1", "oUser1"))
	if n := e.pending(); n != 1 {
		t.Fatalf("pending %d, want 1", n)
	}
	e.drain(1)
	sent := e.api.Sent()
	if len(sent) != 1 || sent[0].Kind != "custom" || sent[0].ToUser != "oUser1" || sent[0].Text != notice("o1", "").Text {
		t.Fatalf("sent %+v", sent)
	}
	if n := e.pending(); n != 0 {
		t.Errorf("pending %d after delivery", n)
	}
	if d := e.dead(); len(d) != 0 {
		t.Errorf("dead %+v", d)
	}
	e.drain(0) // nothing left, nothing resent
	if len(e.api.Sent()) != 1 {
		t.Errorf("resent: %+v", e.api.Sent())
	}
}

func TestOutboxEnqueueIsIdempotent(t *testing.T) {
	e := newWXEnv(t, "")
	e.wrote("oUser1")
	n := notice("order-42:delivered", "oUser1")
	e.enqueue(n, n)
	e.enqueue(n)
	if p := e.pending(); p != 1 {
		t.Fatalf("pending %d after enqueueing one ID three times, want 1", p)
	}
	e.drain(1)
	e.enqueue(n) // a caller retrying after the notice went out
	if p := e.pending(); p != 0 {
		t.Fatalf("a delivered ID was queued again (pending %d)", p)
	}
	e.drain(0)
	if s := e.api.Sent(); len(s) != 1 {
		t.Fatalf("sent %d messages, want 1", len(s))
	}

	// Without IDs every notice is new, even with equal content.
	anon := notice("", "oUser2")
	e.enqueue(anon, anon)
	if p := e.pending(); p != 2 {
		t.Fatalf("pending %d after two notices without ID, want 2", p)
	}
	ids, _ := e.rdb.ZRange(context.Background(), e.box.keys[0], 0, -1).Result()
	if len(ids) != 2 || ids[0] == ids[1] || len(ids[0]) > 32 {
		t.Fatalf("assigned IDs %q", ids)
	}
	if got := e.stored(ids[0]); !got.CreatedAt.Equal(e.clock.Now()) || got.OpenID != "oUser2" {
		t.Errorf("stored %+v", got)
	}

	if err := e.box.Enqueue(context.Background(), Notice{OpenID: "oUser3"}); err == nil {
		t.Error("a notice without text was accepted")
	}
	if err := e.box.Enqueue(context.Background(), Notice{Text: "x"}); err == nil {
		t.Error("a notice without openid was accepted")
	}
}

func TestOutboxRetriesWithBackoff(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(*wxEnv)
	}{
		{"system error -1", func(e *wxEnv) { e.api.FailNext(fakewechat.PathCustomSend, -1, 3) }},
		{"quota 45009", func(e *wxEnv) { e.api.FailNext(fakewechat.PathCustomSend, 45009, 3) }},
		{"quota 43117", func(e *wxEnv) { e.api.FailNext(fakewechat.PathCustomSend, 43117, 3) }},
		// A proxy error, whose text quotes the URL with the access token.
		{"http 502", func(e *wxEnv) {
			if _, err := e.sender.Account.GetAccessToken(); err != nil { // so the 502s hit the sends
				e.t.Fatal(err)
			}
			e.api.Bad.Store(3)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newWXEnv(t, "")
			e.wrote("oUser1")
			tc.fault(e)
			e.enqueue(notice("r1", "oUser1"))
			start := e.clock.Now()
			for i, wait := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
				e.drain(0)
				n := e.stored("r1")
				if n.Attempts != i+1 || n.LastError == "" {
					t.Fatalf("after failure %d: attempts %d, last error %q", i+1, n.Attempts, n.LastError)
				}
				if strings.Contains(n.LastError, "access_token=") && !strings.Contains(n.LastError, "access_token=REDACTED") {
					t.Fatalf("last error shows the token: %q", n.LastError)
				}
				if got, want := e.dueAt("r1"), e.clock.Now().Add(wait); !got.Equal(want) {
					t.Fatalf("after failure %d due %v, want %v", i+1, got, want)
				}
				e.clock.Advance(wait - time.Millisecond)
				e.drain(0) // not due yet
				e.clock.Advance(time.Millisecond)
			}
			e.drain(1)
			if s := e.api.Sent(); len(s) != 1 || s[0].Kind != "custom" {
				t.Fatalf("sent %+v", s)
			}
			if e.pending() != 0 || len(e.dead()) != 0 {
				t.Fatal("notice left behind")
			}
			if got := e.clock.Now().Sub(start); got != 14*time.Second {
				t.Errorf("delivered after %v, want 14s", got)
			}
		})
	}
}

func TestOutboxBackoffIsCapped(t *testing.T) {
	o := New(nil, "c", nil, nil)
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, 64 * time.Second, 128 * time.Second, 256 * time.Second, 512 * time.Second,
		10 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if got := o.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := o.backoff(1000); got != 10*time.Minute {
		t.Errorf("backoff(1000) = %v", got)
	}
}

func TestOutboxMaxAttemptsDeadLetters(t *testing.T) {
	e := newWXEnv(t, "tpl")
	e.box.MaxAttempts = 3
	e.wrote("oUser1")
	e.api.FailNext(fakewechat.PathCustomSend, -1, 100)
	e.enqueue(notice("m1", "oUser1"))
	for range 3 {
		e.drain(0)
		e.clock.Advance(10 * time.Minute)
	}
	if p := e.pending(); p != 0 {
		t.Fatalf("pending %d after MaxAttempts", p)
	}
	d := e.dead()
	if len(d) != 1 || d[0].ID != "m1" || d[0].Attempts != 3 || !strings.Contains(d[0].LastError, "errcode=-1") {
		t.Fatalf("dead %+v", d)
	}
	e.drain(0)
	if s := e.api.Sent(); len(s) != 0 {
		t.Fatalf("sent %+v", s)
	}
	if !strings.Contains(e.logs.String(), "dead-lettered") || !strings.Contains(e.logs.String(), "oUser1") {
		t.Errorf("no dead-letter log:\n%s", e.logs)
	}

	// An admin requeues it once WeChat is well again (and the person
	// wrote again: three failed sends used their budget).
	e.api.FailNext(fakewechat.PathCustomSend, 0, 0)
	e.wrote("oUser1")
	moved, err := e.box.Requeue(context.Background(), "m1", "unknown")
	if err != nil || moved != 1 {
		t.Fatalf("requeue: %d, %v", moved, err)
	}
	if n := e.stored("m1"); n.Attempts != 0 || n.LastError != "" {
		t.Fatalf("requeued notice keeps its failures: %+v", n)
	}
	e.drain(1)
	if len(e.dead()) != 0 || len(e.api.Sent()) != 1 {
		t.Fatalf("after requeue: dead %v, sent %v", e.dead(), e.api.Sent())
	}
}

func TestOutboxTwoReplicasDeliverOnce(t *testing.T) {
	e := newWXEnv(t, "")
	e.box.Now = time.Now // real time: leases must really hold
	e.api.SetDelay(20 * time.Millisecond)
	const total = 40
	var ns []Notice
	for i := range total {
		ns = append(ns, notice(fmt.Sprintf("two-%02d", i), fmt.Sprintf("oUser%02d", i)))
		e.wrote(fmt.Sprintf("oUser%02d", i))
	}
	e.enqueue(ns...)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var replicas [2]*Outbox
	var counts [2]*stubSender
	for i := range replicas {
		counts[i] = &stubSender{fn: func(n Notice) error { return e.sender.Custom(context.Background(), n) }}
		o := e.outbox(counts[i])
		o.Now = time.Now
		o.Batch = 3
		o.PollInterval = 5 * time.Millisecond
		replicas[i] = o
		wg.Go(func() { o.Run(ctx) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a duplicate in flight would land now
	cancel()
	wg.Wait()

	t.Logf("sends per replica: %d, %d", counts[0].calls.Load(), counts[1].calls.Load())
	sent := e.api.Sent()
	seen := map[string]int{}
	for _, s := range sent {
		seen[s.ToUser]++
	}
	for user, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d messages", user, n)
		}
	}
	if len(sent) != total || len(seen) != total {
		t.Fatalf("sent %d messages to %d users, want %d", len(sent), len(seen), total)
	}
}

// stubSender answers every way of sending from a function, counting
// calls.
type stubSender struct {
	calls atomic.Int32
	fn    func(Notice) error
}

func (s *stubSender) Custom(_ context.Context, n Notice) error {
	s.calls.Add(1)
	if s.fn == nil {
		return nil
	}
	return s.fn(n)
}

func (s *stubSender) Voice(_ context.Context, openid string, _ []byte) error {
	return s.Custom(context.Background(), Notice{ID: "voice", OpenID: openid})
}

func (s *stubSender) Template(_ context.Context, n Notice, _ string) error {
	return s.Custom(context.Background(), n)
}

func TestOutboxLeaseFencesAnExpiredHolder(t *testing.T) {
	e := newWXEnv(t, "")
	ctx := context.Background()
	e.wrote("oUser1", "oUser2")
	e.enqueue(notice("f1", "oUser1"))

	// Replica A claims the notice, then stalls past its lease.
	a := e.outbox(&stubSender{})
	held, err := a.claim(ctx, e.clock.Now())
	if err != nil || len(held) != 1 {
		t.Fatalf("claim: %v, %v", held, err)
	}
	b := e.outbox(e.sender)
	if sent, err := b.Drain(ctx); err != nil || sent != 0 {
		t.Fatalf("B took a leased notice: %d, %v", sent, err)
	}
	e.clock.Advance(DefaultLease - time.Millisecond)
	if sent, _ := b.Drain(ctx); sent != 0 {
		t.Fatal("B took the notice before the lease ended")
	}
	e.clock.Advance(time.Millisecond)
	if sent, err := b.Drain(ctx); err != nil || sent != 1 {
		t.Fatalf("B after the lease: %d, %v", sent, err)
	}

	// A wakes up with a temporary failure: its reschedule must not bring
	// the delivered notice back.
	failing := &stubSender{fn: func(Notice) error { return errors.New("timeout") }}
	a.sender = failing
	if n, err := a.deliver(ctx, "oUser1", held); err != nil || n != 0 {
		t.Fatalf("stale deliver: %v, %v", n, err)
	}
	if p := e.pending(); p != 0 {
		t.Fatalf("a stale holder resurrected the notice (pending %d)", p)
	}
	if len(e.dead()) != 0 || len(e.api.Sent()) != 1 {
		t.Fatal("stale holder changed the outcome")
	}

	// Now B's send fails and B reschedules; A's stale permanent failure
	// must not dead-letter the notice B holds.
	e.enqueue(notice("f2", "oUser2"))
	held, err = a.claim(ctx, e.clock.Now())
	if err != nil || len(held) != 1 {
		t.Fatalf("claim: %v, %v", held, err)
	}
	e.clock.Advance(DefaultLease)
	b.sender = failing
	if sent, err := b.Drain(ctx); err != nil || sent != 0 {
		t.Fatalf("B: %d, %v", sent, err)
	}
	bDue := e.dueAt("f2")
	a.sender = &stubSender{fn: func(Notice) error { return fmt.Errorf("%w: gone", ErrPermanent) }}
	if n, err := a.deliver(ctx, "oUser2", held); err != nil || n != 0 {
		t.Fatalf("stale deliver: %v, %v", n, err)
	}
	if len(e.dead()) != 0 || e.pending() != 1 || !e.dueAt("f2").Equal(bDue) || e.stored("f2").LastError != "timeout" {
		t.Fatalf("a stale holder overrode B: dead %v, due %v (B set %v), stored %+v", e.dead(), e.dueAt("f2"), bDue, e.stored("f2"))
	}
}

func TestOutboxSenderPanicIsRetried(t *testing.T) {
	e := newWXEnv(t, "")
	var s stubSender
	s.fn = func(Notice) error {
		if s.calls.Load() == 1 {
			panic("boom")
		}
		return nil
	}
	e.box = e.outbox(&s)
	e.wrote("oUser1")
	e.enqueue(notice("p1", "oUser1"))
	e.drain(0)
	if n := e.stored("p1"); n.Attempts != 1 || !strings.Contains(n.LastError, "panicked") {
		t.Fatalf("after panic: %+v", n)
	}
	e.clock.Advance(2 * time.Second)
	e.drain(1)
}

func TestOutboxRunWakesOnEnqueueAndStops(t *testing.T) {
	e := newWXEnv(t, "")
	e.box.Now = time.Now
	e.box.PollInterval = time.Hour // only the wake-up can deliver in time
	e.wrote("oUser1")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		e.box.Run(ctx)
		close(done)
	}()
	time.Sleep(50 * time.Millisecond) // Run is waiting now
	e.enqueue(notice("w1", "oUser1"))
	deadline := time.Now().Add(5 * time.Second)
	for len(e.api.Sent()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(e.api.Sent()) != 1 {
		t.Fatal("Run did not send the enqueued notice")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after ctx ended")
	}
}

func TestOutboxShutdownHandsBackUnsent(t *testing.T) {
	e := newWXEnv(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	s := &stubSender{fn: func(Notice) error { cancel(); return nil }}
	e.box = e.outbox(s)
	e.wrote("oUser1", "oUser2", "oUser3")
	e.enqueue(notice("s1", "oUser1"), notice("s2", "oUser2"), notice("s3", "oUser3"))
	sent, err := e.box.Drain(ctx)
	if !errors.Is(err, context.Canceled) || sent != 1 || s.calls.Load() != 1 {
		t.Fatalf("drain: sent %d, calls %d, err %v", sent, s.calls.Load(), err)
	}
	// The other two are due again at once, not at the lease's end.
	e.box.sender = &stubSender{}
	e.drain(2)
}

func TestOutboxRedisDown(t *testing.T) {
	srv := redistest.Own(t)
	// Fail fast: go-redis redials five times by default.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: 200 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
	defer rdb.Close()
	var s stubSender
	var logs syncBuffer
	o := New(rdb, "down", &s, slog.New(slog.NewTextHandler(&logs, nil)))
	o.PollInterval = 10 * time.Millisecond
	ctx := context.Background()
	if err := o.Enqueue(ctx, notice("d1", "oUser1")); err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	if sent, err := o.Drain(ctx); err == nil || sent != 0 {
		t.Fatalf("drain with redis down: %d, %v", sent, err)
	}
	if err := o.Enqueue(ctx, notice("d2", "oUser1")); err == nil {
		t.Error("enqueue with redis down succeeded")
	}
	if _, err := o.Pending(ctx); err == nil {
		t.Error("pending with redis down succeeded")
	}
	if _, err := o.Dead(ctx); err == nil {
		t.Error("dead with redis down succeeded")
	}
	if s.calls.Load() != 0 {
		t.Error("sent without a claim")
	}

	rctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	o.Run(rctx) // logs and keeps going until ctx ends
	if !strings.Contains(logs.String(), "drain failed") {
		t.Errorf("Run did not log the failure:\n%s", logs.String())
	}
}

// TestOutboxOnCluster runs every script on a real Redis Cluster, which
// refuses keys not declared in KEYS or in different slots.
func TestOutboxOnCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a cluster")
	}
	c, err := redistest.StartCluster(3)
	if err != nil {
		if os.Getenv(redistest.Required) == "" {
			t.Skipf("no cluster: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	rdb := c.Client()
	defer rdb.Close()
	ctx := context.Background()
	clock := newTestClock()
	fail := map[string]error{"c2": errors.New("quota"), "c3": fmt.Errorf("%w: unsubscribed", ErrPermanent)}
	s := &stubSender{fn: func(n Notice) error { return fail[n.ID] }}
	o := New(rdb, "cluster-outbox", s, slog.New(slog.DiscardHandler))
	o.Now, o.Coalesce = clock.Now, -1
	for _, u := range []string{"u1", "u2", "u3"} {
		arrive(t, rdb, "cluster-outbox", u, clock.Now(), "m")
	}
	if err := o.Enqueue(ctx, notice("c1", "u1"), notice("c2", "u2"), notice("c3", "u3"), notice("c1", "u1")); err != nil {
		t.Fatal(err)
	}
	if sent, err := o.Drain(ctx); err != nil || sent != 1 {
		t.Fatalf("drain: %d, %v", sent, err)
	}
	held, err := o.claim(ctx, clock.Now().Add(time.Hour))
	if err != nil || len(held) != 1 {
		t.Fatalf("claim: %v %v", held, err)
	}
	if still, err := o.renew(ctx, held); err != nil || len(still) != 1 {
		t.Fatalf("renew: %v %v", still, err)
	}
	o.release(held)
	dead, err := o.Dead(ctx)
	if err != nil || len(dead) != 1 || dead[0].ID != "c3" {
		t.Fatalf("dead: %+v, %v", dead, err)
	}
	if n, err := o.Requeue(ctx, "c3"); err != nil || n != 1 {
		t.Fatalf("requeue: %d %v", n, err)
	}
	if p, err := o.Pending(ctx); err != nil || p != 2 {
		t.Fatalf("pending: %d %v", p, err)
	}
}

// TestMain stops the shared redis-server when the tests end, so none is
// left running after the package's tests.
func TestMain(m *testing.M) { redistest.Main(m) }
