package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// TestClusterFailover runs the real binary on a real six-node Redis Cluster
// (three masters, three replicas, cluster-node-timeout 2 s) while
// residents order through /wechat, and kills (SIGKILL) the master that
// serves the community's slot in the middle of it. Its replica takes over;
// the service must follow within seconds (replies, the admin API, jobs),
// and no order a resident was told of (下单成功！订单号 N) may be lost.
func TestClusterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("failover takes about 20 s")
	}
	cl := redistest.OwnCluster(t, redistest.ClusterConfig{Masters: 3, Replicas: 1, NodeTimeout: 2 * time.Second})
	s := startServiceOn(t, fmt.Sprintf("{addrs: [%s], min_replicas_ack: 1}", strings.Join(cl.Addrs, ", ")))
	s.env = append(s.env, "BAOGONG_LIMITS_MESSAGES_PER_MINUTE=100000")
	// A morning: at startup the service catches up the day's jobs due by
	// then, and after 20:00 that is the cutoff, which the test runs by
	// hand after the failover (a second 截单 of a day is refused).
	s.pin(shAt(t, "2026-11-30 10:00:00"))
	s.serve()
	c := &chaos{t: t, s: s, client: &http.Client{Timeout: wechatWait, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	c.msgID.Store(s.msgID + 1_000_000)
	rs := c.residents("fo", 48)

	tr := &traffic{c: c, residents: rs, stop: make(chan struct{})}
	tr.start(8)
	admin := &adminProbe{s: s, stop: make(chan struct{}), done: make(chan struct{})}
	go admin.run()

	time.Sleep(2 * time.Second)
	key := "bg:{" + s.community + "}:orders"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	old, err := cl.MasterFor(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	if err := cl.Kill(old); err != nil {
		t.Fatal(err)
	}
	promoted, err := cl.WaitFailover(key, old, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	failedOver := time.Since(killed)

	// Orders must flow again within seconds of the failover. The new
	// master has no replica until the old one rejoins: its orders are
	// written and said to be received (收到您的订单), not acknowledged.
	const within = 10 * time.Second
	resumed, ok := tr.waitWrittenSentAfter(killed, failedOver+within)
	if !ok {
		t.Errorf("no order written in %v after the kill (the replica took over after %v)", failedOver+within, failedOver.Round(time.Millisecond))
	}
	// The dead node comes back, as a replica of the new master: orders
	// are acknowledged on a replica again.
	if err := cl.Restart(old); err != nil {
		t.Fatal(err)
	}
	if err := cl.WaitInSync(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	rejoined := time.Since(killed)
	time.Sleep(2 * time.Second)
	tr.halt()
	close(admin.stop)
	<-admin.done

	// Jobs run on the new master.
	if code, body := s.admin("POST", "/api/jobs/cutoff/run"); code != http.StatusOK {
		t.Errorf("cutoff job after the failover: %d %s", code, body)
	}

	time.Sleep(settle)
	all := c.orders()
	lost, told, unconfirmed, unconfirmedLost := 0, 0, 0, 0
	for _, x := range tr.done {
		id, placed := placedID(x.m.reply)
		if !placed {
			if id, ok := receivedID(x.m.reply); ok {
				unconfirmed++
				if o, ok := all.byID[id]; !ok || o.PlacedBy != x.r.openid {
					unconfirmedLost++
				}
			}
			continue
		}
		told++
		if o, ok := all.byID[id]; !ok || o.PlacedBy != x.r.openid {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged order %s of %s (answered %v after the kill) is not there after the failover: %+v",
					id, x.r.openid, x.answered.Sub(killed).Round(time.Millisecond), o)
			}
		}
	}
	kinds := tr.kindsAfter(killed)
	t.Logf("killed master %s; replica %s took over after %v; first order written %v after the kill; admin API failed until %v after it; old master back in sync after %v",
		old, promoted, failedOver.Round(time.Millisecond), resumed.Round(time.Millisecond), admin.lastFailure(killed).Round(time.Millisecond), rejoined.Round(time.Millisecond))
	t.Logf("%d messages, %d orders acknowledged, %d of them lost; %d received unconfirmed, %d of them lost; replies after the kill: %v",
		len(tr.done), told, lost, unconfirmed, unconfirmedLost, kinds)
	if lost > 0 {
		t.Errorf("%d of %d acknowledged orders lost", lost, told)
	}
	if a := admin.lastFailure(killed); a > failedOver+within {
		t.Errorf("admin API failed until %v after the kill", a.Round(time.Millisecond))
	}
	// After the old master is back as a replica, every order is
	// acknowledged again.
	if n := tr.notPlacedSentAfter(killed.Add(rejoined + time.Second)); n > 0 {
		t.Errorf("%d orders sent with a replica in sync were not acknowledged", n)
	}
}

// traffic is residents ordering one after another, several at a time,
// as long as it runs.
type traffic struct {
	c         *chaos
	residents []*resident
	stop      chan struct{}
	wg        sync.WaitGroup
	mu        sync.Mutex
	done      []sentOrder
	next      int
}

// sentOrder is one order message, when it was first sent and when its
// answer came.
type sentOrder struct {
	r              *resident
	m              message
	sent, answered time.Time
}

func (tr *traffic) start(workers int) {
	for range workers {
		tr.wg.Add(1)
		go func() {
			defer tr.wg.Done()
			for {
				select {
				case <-tr.stop:
					return
				default:
				}
				tr.mu.Lock()
				r := tr.residents[tr.next%len(tr.residents)]
				tr.next++
				tr.mu.Unlock()
				x := sentOrder{r: r, m: tr.c.message(r, chaosOrderText), sent: time.Now()}
				tr.c.deliver(&x.m, true)
				x.answered = time.Now()
				tr.mu.Lock()
				tr.done = append(tr.done, x)
				tr.mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
}

func (tr *traffic) halt() {
	close(tr.stop)
	tr.wg.Wait()
}

// receivedID reads the answer to an order written without a replica's
// confirmation (see bot.textPlacedUnconfirmed).
func receivedID(reply string) (string, bool) {
	m := reReceived.FindStringSubmatch(reply)
	if m == nil {
		return "", false
	}
	return m[1], true
}

var reReceived = regexp.MustCompile(`^收到您的订单（订单号 (\d+)）`)

// waitWrittenSentAfter waits up to timeout from t0 for an order sent after
// t0 to be written (acknowledged or received), and returns when its answer
// came, from t0.
func (tr *traffic) waitWrittenSentAfter(t0 time.Time, timeout time.Duration) (time.Duration, bool) {
	for time.Since(t0) < timeout {
		tr.mu.Lock()
		for _, x := range tr.done {
			_, placed := placedID(x.m.reply)
			_, received := receivedID(x.m.reply)
			if (placed || received) && x.sent.After(t0) {
				tr.mu.Unlock()
				return x.answered.Sub(t0), true
			}
		}
		tr.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	return 0, false
}

// kindsAfter counts the replies to orders sent after t0 by kind.
func (tr *traffic) kindsAfter(t0 time.Time) map[string]int {
	out := map[string]int{}
	for _, x := range tr.done {
		if x.sent.After(t0) {
			out[kindName(&x.m)]++
		}
	}
	return out
}

// notPlacedSentAfter counts the orders sent after t0 that were not placed.
func (tr *traffic) notPlacedSentAfter(t0 time.Time) int {
	n := 0
	for _, x := range tr.done {
		if _, ok := placedID(x.m.reply); !ok && x.sent.After(t0) {
			n++
		}
	}
	return n
}

// adminProbe lists orders through the admin API every 100 ms and
// remembers when that failed.
type adminProbe struct {
	s        *service
	stop     chan struct{}
	done     chan struct{}
	mu       sync.Mutex
	failures []time.Time
}

func (a *adminProbe) run() {
	defer close(a.done)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-a.stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
		req, _ := http.NewRequest("GET", a.s.base+"/api/orders?limit=1", nil)
		req.Header.Set("Authorization", "Bearer "+e2eAdmin)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if err != nil || resp.StatusCode != http.StatusOK {
			a.mu.Lock()
			a.failures = append(a.failures, time.Now())
			a.mu.Unlock()
		}
	}
}

// lastFailure is how long after t0 the admin API last failed (0: never).
func (a *adminProbe) lastFailure(t0 time.Time) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.failures) == 0 {
		return 0
	}
	return a.failures[len(a.failures)-1].Sub(t0)
}
