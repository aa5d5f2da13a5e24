package redisstore_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// TestScrubEveryKind: a person goes from every kind of key, whatever it
// is named, and the people next to them stay.
func TestScrubEveryKind(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	c := redistest.Community(t)
	cat := testCatalog(t, 10)
	s := redisstore.New(rdb, c, cat)
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	p := "bg:{" + c + "}:"
	me, other := "o-me-"+c, "o-me-"+c+"0" // other's id starts with mine
	phone := "13912345678"
	seed := map[string]func() error{
		"string named": func() error { return rdb.Set(ctx, p+"voice:"+me, "x", time.Hour).Err() },
		"claim":        func() error { return rdb.Set(ctx, p+"claim:1001", me, time.Hour).Err() },
		"roster": func() error {
			return rdb.Set(ctx, p+"roster:G1:1", `{"shares":[{"volunteer":"`+me+`","stops":[{"contact":"`+phone+`"}]},{"volunteer":"`+other+`"}]}`, time.Hour).Err()
		},
		"hash": func() error {
			return rdb.HSet(ctx, p+"people", me, `{"name":"易安澜"}`, other, `{"name":"林"}`).Err()
		},
		"hash record": func() error {
			return rdb.HSet(ctx, p+"outbox:notices", "n1", `{"id":"n1","openid":"`+me+`","text":"hi"}`, "n2", `{"id":"n2","openid":"`+other+`","text":"`+phone+`"}`).Err()
		},
		"set": func() error { return rdb.SAdd(ctx, p+"vol:G1", me, other).Err() },
		"zset": func() error {
			return rdb.ZAdd(ctx, p+"wait:EGG", redis.Z{Score: 1, Member: me}, redis.Z{Score: 2, Member: other}).Err()
		},
		"list": func() error {
			return rdb.RPush(ctx, p+"staff:audit", `{"who":"`+me+`","action":"x"}`, me, `{"who":"`+other+`"}`).Err()
		},
	}
	for name, f := range seed {
		if err := f(); err != nil {
			t.Fatal(name, err)
		}
	}
	// An order they placed, and one they deliver.
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	mine := order(t, cat, "501", at, veg(1))
	mine.PlacedBy, mine.Contact, mine.Note = me, phone, "放门口"
	theirs := order(t, cat, "502", at, veg(1))
	theirs.Assignee, theirs.Note = me, "敲门"
	for i, o := range []orders.Order{mine, theirs} {
		if _, _, err := s.PlaceOrder(ctx, o, "scrub-"+c+string(rune('a'+i)), nil); err != nil {
			t.Fatal(err)
		}
	}
	done, err := s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: me, Phones: []string{phone}, Name: "易安澜"}), "")
	if err != nil {
		t.Fatal(err)
	}
	if done.Orders != 2 {
		t.Errorf("orders changed: %d, want 2", done.Orders)
	}
	found, err := redistest.HoldingWords(ctx, rdb, me)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("left behind: %s", f)
	}
	found, err = redistest.Holding(ctx, rdb, "易安澜", "放门口")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if strings.Contains(f, p) {
			t.Errorf("left behind: %s", f)
		}
	}
	// Whole values of theirs went, neighbours stayed.
	if n, _ := rdb.Exists(ctx, p+"voice:"+me, p+"claim:1001").Result(); n != 0 {
		t.Errorf("%d keys of theirs stayed", n)
	}
	if ok, _ := rdb.SIsMember(ctx, p+"vol:G1", me).Result(); ok {
		t.Error("they are still a volunteer")
	}
	if _, err := rdb.ZScore(ctx, p+"wait:EGG", me).Result(); err != redis.Nil {
		t.Error("they still wait for eggs")
	}
	if ok, _ := rdb.SIsMember(ctx, p+"vol:G1", other).Result(); !ok {
		t.Error("the other volunteer went too")
	}
	if v, _ := rdb.HGet(ctx, p+"people", other).Result(); v == "" {
		t.Error("the other person went too")
	}
	if v, _ := rdb.HGet(ctx, p+"outbox:notices", "n1").Result(); v != "" {
		t.Error("a notice to them stayed")
	}
	// A phone in a value about someone else stays: it may be theirs too
	// (a household's shared phone).
	if v, _ := rdb.HGet(ctx, p+"outbox:notices", "n2").Result(); !strings.Contains(v, other) || !strings.Contains(v, phone) {
		t.Errorf("a notice to someone else: %s", v)
	}
	if items, _ := rdb.LRange(ctx, p+"staff:audit", 0, -1).Result(); len(items) != 2 {
		t.Errorf("audit: %q, want their entry kept without them, their bare id gone, the other's kept", items)
	}
	got, err := s.Order(ctx, "1002")
	if err != nil || got.Note != "敲门" || got.Assignee != "" {
		t.Errorf("the order they delivered: %+v %v", got, err)
	}
	// Again: nothing more to do.
	if again, err := s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: me, Phones: []string{phone}}), ""); err != nil || again.Orders+again.Keys != 0 {
		t.Errorf("second scrub: %+v %v", again, err)
	}
}

// TestPurgeWaitsForJobs: a purge closes the gate and waits for the job
// inside; a job arriving meanwhile waits for the purge.
func TestPurgeWaitsForJobs(t *testing.T) {
	ctx := context.Background()
	s := redisstore.New(redistest.Client(t), redistest.Community(t), testCatalog(t, 10))
	now := time.Now()
	if ok, err := s.EnterJob(ctx, "roster:1", now.Add(time.Minute)); !ok || err != nil {
		t.Fatalf("enter: %v %v", ok, err)
	}
	n, err := s.CloseGate(ctx, "purge-1", time.Minute, now)
	if err != nil || n != 1 {
		t.Fatalf("close gate with a job inside: %d %v, want 1 waiting", n, err)
	}
	if ok, _ := s.EnterJob(ctx, "picklist:1", now.Add(time.Minute)); ok {
		t.Error("a job got in while a purge waits")
	}
	if _, err := s.CloseGate(ctx, "purge-2", time.Minute, now); err == nil {
		t.Error("a second purge got the gate")
	}
	s.LeaveJob(ctx, "roster:1")
	if n, err := s.CloseGate(ctx, "purge-1", time.Minute, now); err != nil || n != 0 {
		t.Errorf("after the job left: %d %v", n, err)
	}
	s.OpenGate(ctx, "purge-1")
	if ok, _ := s.EnterJob(ctx, "picklist:1", now.Add(time.Minute)); !ok {
		t.Error("a job waits after the purge")
	}
	// A job that died holds the purge up no longer than its lease.
	s.LeaveJob(ctx, "picklist:1")
	s.EnterJob(ctx, "dead:1", now.Add(-time.Second))
	if n, err := s.CloseGate(ctx, "purge-3", time.Minute, now); err != nil || n != 0 {
		t.Errorf("a lapsed lease: %d %v", n, err)
	}
}

// TestScrubWhileWriting: values written while the scrub runs are read
// again, never overwritten with what was read before.
func TestScrubWhileWriting(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	c := redistest.Community(t)
	s := redisstore.New(rdb, c, testCatalog(t, 10))
	key := "bg:{" + c + "}:staff:audit"
	for range 200 {
		rdb.LPush(ctx, key, `{"who":"o-gone","action":"a"}`)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 200 {
			rdb.LPush(ctx, key, `{"who":"o-new","n":`+string(rune('0'+i%10))+`}`)
		}
	}()
	_, err := s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: "o-gone"}), "")
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	items, _ := rdb.LRange(ctx, key, 0, -1).Result()
	news := 0
	for _, it := range items {
		if strings.Contains(it, "o-new") {
			news++
		}
	}
	if news != 200 || len(items) != 400 {
		t.Errorf("%d items, %d new ones; want 400 and 200", len(items), news)
	}
	// A push during the scrub may have moved items past its tries: a
	// second scrub finishes them.
	s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: "o-gone"}), "")
	if found, _ := redistest.Holding(ctx, rdb, "o-gone"); len(found) != 0 {
		t.Errorf("left: %v", found)
	}
}

// BenchmarkScrub: one person erased from a community of 20 000 orders
// (with their household, queue and day indexes): how long 确认删除 takes
// in Redis and here. Redis reads the values (scrubfind.lua); only the
// keys that hold the person travel.
func BenchmarkScrub(b *testing.B) {
	ctx := context.Background()
	rdb := redistest.Client(b)
	c := redistest.Community(b)
	cat := testCatalog(b, 1000000)
	s := redisstore.New(rdb, c, cat)
	if err := s.SetStock(ctx, map[string]int{"VEG": 1000000, "EGG": 1000000}); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	const n = 20000
	for i := range n {
		o := order(b, cat, strconv.Itoa(100+i%900), at, veg(1))
		o.Address.Building = strconv.Itoa(1 + i/900)
		o.PlacedBy, o.Contact, o.Note = "o-bench-"+strconv.Itoa(i), "139"+fmt.Sprintf("%08d", i), "放门口"
		if _, _, err := s.PlaceOrder(ctx, o, "bench-"+c+"-"+strconv.Itoa(i), nil); err != nil {
			b.Fatal(err)
		}
	}
	keys, _ := rdb.DBSize(ctx).Result()
	b.ReportMetric(float64(keys), "keys")
	b.ResetTimer()
	for i := range b.N {
		e := orders.NewErasure(orders.Subject{OpenID: "o-bench-" + strconv.Itoa(i*7%n)})
		if _, err := s.Scrub(ctx, e, ""); err != nil {
			b.Fatal(err)
		}
	}
}
