package bot

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
)

// Tests of long pastes: a thousand households and more, every entry
// accounted for, and a paste Redis stalls in the middle of.

// longListHousehold is the household of longList's entry n (1-based).
func longListHousehold(n int) string {
	i := n - 1
	return fmt.Sprintf("3-%d-%d", 1+i%4, 101+i/4)
}

// openOrdersByHousehold counts each household's orders that are not
// cancelled.
func openOrdersByHousehold(t *testing.T, e *env) map[string]int {
	t.Helper()
	list, err := e.store.Orders(context.Background(), orders.Filter{Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, o := range list {
		if o.Status != orders.StatusCancelled {
			n[o.Household()]++
		}
	}
	return n
}

// TestThousandHouseholdPaste: a 1005-entry 接龙 is answered in full (the
// entries numbered 1000 and after included, once read as description and
// dropped); pasted again it changes nothing. Its speed is
// BenchmarkLeadPaste1000's to measure.
func TestThousandHouseholdPaste(t *testing.T) {
	e := newEnv(t, nil)
	const n = 1005
	list := longList("全小区", n, "挂面%d袋")
	start := time.Now()
	got := e.say("lead-3", list)
	took := time.Since(start)
	if !strings.HasPrefix(got, fmt.Sprintf("接龙已登记：共%d户\n新下单%d户", n, n)) {
		t.Fatalf("paste: %s", got)
	}
	t.Logf("%d households answered in %v", n, took)
	have := openOrdersByHousehold(t, e)
	for k := 1; k <= n; k++ {
		if hh := longListHousehold(k); have[hh] != 1 {
			t.Errorf("entry %d (%s) has %d orders, want 1", k, hh, have[hh])
		}
	}
	if got := e.say("lead-3", list); !strings.HasPrefix(got, fmt.Sprintf("接龙已登记：共%d户\n没变%d户", n, n)) {
		t.Errorf("re-paste: %s", got)
	}
}

// TestRemovedHouseholdComesBack: a household taken out of the list (its
// order cancelled) and put back with the same line orders again; it used
// to find its cancelled order under the same request id and be told 没变.
func TestRemovedHouseholdComesBack(t *testing.T) {
	e := newEnv(t, nil)
	full := "#接龙 蔬菜\n1. 3-2-501 蔬菜包1份\n2. 3-2-502 鸡蛋1盒"
	e.say("lead-3", full)
	if got := e.say("lead-3", "#接龙 蔬菜\n1. 3-2-501 蔬菜包1份"); !strings.Contains(got, "已取消：3栋2单元502") {
		t.Fatalf("removal: %s", got)
	}
	if got := e.say("lead-3", "#接龙 蔬菜\n1. 3-2-501 蔬菜包1份"); strings.Contains(got, "502") {
		t.Errorf("a household removed before is reported again: %s", got)
	}
	if got := e.say("lead-3", full); !strings.Contains(got, "新下单1户，没变1户") {
		t.Errorf("put back: %s", got)
	}
	if have := openOrdersByHousehold(t, e); have["3-2-502"] != 1 || have["3-2-501"] != 1 {
		t.Errorf("open orders by household: %v", have)
	}
}

// freezer freezes a redis-server once a client has taken its n-th block
// of order ids (one per call writing a paste's households), so the write
// that follows is in flight when the server stops.
type freezer struct {
	srv    *redistest.Server
	after  int32
	d      time.Duration
	calls  atomic.Int32
	thawed chan struct{}
}

func newFreezer(srv *redistest.Server, after int, d time.Duration) *freezer {
	return &freezer{srv: srv, after: int32(after), d: d, thawed: make(chan struct{})}
}

func (*freezer) DialHook(next redis.DialHook) redis.DialHook { return next }

func (f *freezer) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if cmd.Name() == "incrby" && err == nil && f.calls.Add(1) == f.after {
			thawed, ferr := f.srv.Freeze(f.d)
			if ferr != nil {
				panic(ferr)
			}
			go func() { <-thawed; close(f.thawed) }()
		}
		return err
	}
}

func (*freezer) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// pastedReply is what a reply to a paste says, read back.
type pastedReply struct {
	households int
	unsure     map[int]bool // entries that may have been ordered
	notDone    map[int]bool // entries not tried
}

var (
	reHouseholds = regexp.MustCompile(`共(\d+)户`)
	reUnsure     = regexp.MustCompile(`可能已经下单：(\S+)（(\d+)户）`)
	reNotDone    = regexp.MustCompile(`这次没来得及处理：(\S+)（(\d+)户）`)
	reSpan       = regexp.MustCompile(`^第(\d+)(?:–(\d+))?条$`)
)

func readPasted(t *testing.T, reply string) pastedReply {
	t.Helper()
	m := reHouseholds.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("no household count in %q", reply)
	}
	r := pastedReply{unsure: map[int]bool{}, notDone: map[int]bool{}}
	r.households, _ = strconv.Atoi(m[1])
	for re, set := range map[*regexp.Regexp]map[int]bool{reUnsure: r.unsure, reNotDone: r.notDone} {
		m := re.FindStringSubmatch(reply)
		if m == nil {
			continue
		}
		for _, span := range strings.Split(m[1], "、") {
			sm := reSpan.FindStringSubmatch(span)
			if sm == nil {
				t.Fatalf("span %q in %q", span, reply)
			}
			from, _ := strconv.Atoi(sm[1])
			to := from
			if sm[2] != "" {
				to, _ = strconv.Atoi(sm[2])
			}
			for k := from; k <= to; k++ {
				set[k] = true
			}
		}
		if want, _ := strconv.Atoi(m[2]); len(set) != want {
			t.Errorf("%q names %d entries, says %d", m[0], len(set), want)
		}
	}
	return r
}

// TestPasteWhileRedisFreezes stops redis-server (SIGSTOP) in the middle of
// a 1000-household paste, with the client timeouts of production. The
// lead is told in time (WeChat gives up at 5 s) what was ordered, what was
// not and what may have been, and each is true once Redis runs again; the
// same paste then completes the list without doubling anyone.
func TestPasteWhileRedisFreezes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		freeze time.Duration
		unsure bool // the reply cannot know the batch in flight
	}{
		// Redis answers again before the paste's deadline: the write in
		// flight is looked up and reported exactly.
		{"thaws in time", 2800 * time.Millisecond, false},
		// Redis is still frozen when the reply must go: the batch in
		// flight may or may not have been written.
		{"stays frozen", 4000 * time.Millisecond, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.Own(t)
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DialTimeout: time.Second,
				ReadTimeout: time.Second, WriteTimeout: time.Second, MaxRetries: 1}) // as cmd/baogong
			defer rdb.Close()
			e := newEnv(t, rdb)
			f := newFreezer(srv, 4, tt.freeze) // after 300 households
			rdb.AddHook(f)
			list := longList("全小区", 1000, "挂面%d袋")

			start := time.Now()
			got := e.say("lead-3", list)
			took := time.Since(start)
			t.Logf("answered after %v:\n%s", took, got)
			if took > 5*time.Second {
				t.Errorf("answered after %v: WeChat gave up at 5s", took)
			}
			select {
			case <-f.thawed:
			case <-time.After(10 * time.Second):
				t.Fatal("redis-server was never frozen, or never thawed")
			}
			time.Sleep(100 * time.Millisecond) // writes held in its sockets run

			r := readPasted(t, got)
			if !strings.HasPrefix(got, "系统繁忙，这次接龙只登记了一部分") || len(r.notDone) == 0 {
				t.Errorf("an interrupted paste reads as complete: %s", got)
			}
			if tt.unsure != (len(r.unsure) > 0) {
				t.Errorf("households in doubt: %d, want some: %v", len(r.unsure), tt.unsure)
			}
			have := openOrdersByHousehold(t, e)
			placed := 0
			for k := 1; k <= 1000; k++ {
				n := have[longListHousehold(k)]
				switch {
				case r.notDone[k] && n != 0:
					t.Errorf("entry %d: told not done, has %d orders", k, n)
				case r.unsure[k] && n > 1, !r.notDone[k] && !r.unsure[k] && n != 1:
					t.Errorf("entry %d: has %d orders (unsure %v)", k, n, r.unsure[k])
				case !r.notDone[k] && !r.unsure[k]:
					placed++
				}
			}
			if placed != r.households || placed+len(r.unsure)+len(r.notDone) != 1000 {
				t.Errorf("told %d placed, %d unsure, %d not done; %d placed", r.households, len(r.unsure), len(r.notDone), placed)
			}

			// The lead pastes the same list again: it completes.
			again := e.say("lead-3", list)
			if !strings.HasPrefix(again, "接龙已登记：共1000户") {
				t.Errorf("re-paste: %s", again)
			}
			have = openOrdersByHousehold(t, e)
			for k := 1; k <= 1000; k++ {
				if n := have[longListHousehold(k)]; n != 1 {
					t.Errorf("after the re-paste entry %d has %d orders, want 1", k, n)
				}
			}
			if len(have) != 1000 {
				t.Errorf("%d households with orders, want 1000", len(have))
			}
		})
	}
}
