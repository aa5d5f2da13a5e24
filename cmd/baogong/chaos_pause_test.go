package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
)

// TestChaosRedisClientPaused pauses Redis (CLIENT PAUSE ALL) for 2.5 s in
// the middle of a burst of orders. Unlike a frozen process, a paused
// Redis accepts connections and reads commands but runs none; a command
// whose client gave up and closed its connection meanwhile is dropped,
// one whose connection is still open runs when the pause ends.
func TestChaosRedisClientPaused(t *testing.T) {
	rs := redistest.Own(t)
	c := newChaos(t, rs.Addr)
	for round := 1; round <= 2; round++ {
		c.round(fmt.Sprintf("pause %d", round), 300, 40, 2500*time.Millisecond, func() {
			slow := slowDown(rs)
			clientPause(t, rs, 2500*time.Millisecond)
			slow()
		})
	}
}

// clientPause pauses every client of rs for d (CLIENT PAUSE ALL) and
// returns when the pause is over.
func clientPause(t *testing.T, rs *redistest.Server, d time.Duration) {
	t.Helper()
	admin := redistest.ClientOf(rs)
	defer admin.Close()
	if err := admin.Do(context.Background(), "CLIENT", "PAUSE", d.Milliseconds(), "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
}

// TestChaosCancelsWhileRedisStalls sends a burst of residents' 取消 <订单号>
// while Redis freezes (SIGSTOP) or pauses its clients (CLIENT PAUSE),
// WeChat delivering again what got no answer. What a resident is told
// holds: 已取消 means the order is cancelled, 系统繁忙 that it is not,
// a delivery of the same message again gets the same answer, and the
// stock an order held comes back exactly once.
func TestChaosCancelsWhileRedisStalls(t *testing.T) {
	rs := redistest.Own(t)
	c := newChaos(t, rs.Addr)
	rdb := redistest.ClientOf(rs)
	defer rdb.Close()
	faults := []struct {
		name  string
		fault func()
	}{
		{"cancels, redis frozen", freeze(t, rs, 2500*time.Millisecond)},
		{"cancels, clients paused", func() {
			slow := slowDown(rs)
			clientPause(t, rs, 2500*time.Millisecond)
			slow()
		}},
	}
	for _, f := range faults {
		c.cancelRound(f.name, rdb, 80, 10, f.fault)
	}
}

var reCancelled = regexp.MustCompile(`已取消订单 (\d+)`)

// cancelRound has nBusy+nLate new residents each order a bag of rice,
// then sends their cancels as a burst with fault in its middle, and checks
// every reply against the orders and the stock.
func (c *chaos) cancelRound(name string, rdb *redis.Client, nBusy, nLate int, fault func()) {
	c.t.Helper()
	const sku, text = "RICE-5KG", "大米1袋"
	tag := strings.NewReplacer(" ", "", ",", "").Replace(name)
	busy := c.residents(tag+"b", nBusy)
	late := c.residents(tag+"l", nLate)
	all := append(busy[:len(busy):len(busy)], late...)
	id := map[*resident]string{}
	for _, r := range all {
		m := c.message(r, text)
		c.deliver(&m, r.safe)
		n, ok := placedID(m.reply)
		if !ok {
			c.t.Fatalf("%s: order before the fault: %q", name, m.reply)
		}
		id[r] = n
		r.order = c.message(r, "取消 "+n)
	}
	stockKey := "bg:{" + c.s.community + "}:stock:left"
	before, err := rdb.HGet(context.Background(), stockKey, sku).Int()
	if err != nil {
		c.t.Fatal(err)
	}
	c.burst(busy, late, 2500*time.Millisecond, fault)
	time.Sleep(settle)

	f := findings{}
	status := c.statuses()
	check := func(r *resident, m *message, first string) {
		st := status[id[r]]
		switch {
		case !m.answered:
			f.add("no answer in WeChat's three deliveries", r, fmt.Sprint(m.err))
		case reCancelled.MatchString(m.reply):
			if st != "cancelled" {
				f.add("told 已取消 but the order is not cancelled", r, st)
			}
		case strings.Contains(m.reply, "没有办成"):
			if st == "cancelled" {
				f.add("told 系统繁忙 (nothing done) but the order is cancelled", r, m.reply)
			}
		case strings.Contains(m.reply, "可能"):
		default:
			f.add("reply of no known kind", r, fmt.Sprintf("%q", m.reply))
		}
		if first != "" && m.reply != first && reCancelled.MatchString(first) {
			f.add("a cancel delivered again is answered otherwise", r, fmt.Sprintf("first %q, again %q", first, m.reply))
		}
	}
	for _, r := range all {
		check(r, &r.order, "")
	}
	dups := c.deliverAgain(all)
	status = c.statuses()
	for _, r := range dups {
		check(r, r.dup, r.order.reply)
	}
	cancelled := 0
	for _, r := range all {
		if status[id[r]] == "cancelled" {
			cancelled++
		}
	}
	after, err := rdb.HGet(context.Background(), stockKey, sku).Int()
	if err != nil {
		c.t.Fatal(err)
	}
	if after != before+cancelled {
		f.add("stock does not match the cancels", all[0], fmt.Sprintf("%d left before, %d cancelled, %d left after", before, cancelled, after))
	}
	// Whoever was not told 已取消 sends the cancel again: every order
	// ends cancelled, its stock given back once.
	c.parallel(all, func(r *resident) {
		if status[id[r]] == "cancelled" {
			return
		}
		m := c.message(r, "取消 "+id[r])
		r.again = &m
		c.deliver(r.again, r.safe)
	})
	status = c.statuses()
	for _, r := range all {
		if st := status[id[r]]; st != "cancelled" {
			f.add("not cancelled after sending again", r, fmt.Sprintf("%s; replies %q", st, r.replies()))
		}
	}
	if after, _ := rdb.HGet(context.Background(), stockKey, sku).Int(); after != before+len(all) {
		f.add("stock does not match once all are cancelled", all[0], fmt.Sprintf("%d left before, %d orders, %d left after", before, len(all), after))
	}
	c.t.Logf("%s: %d residents; %s", name, len(all), deliveries(all))
	f.report(c.t, name, len(all))
}

// statuses reads every order's status by id.
func (c *chaos) statuses() map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for _, o := range c.allOrders("") {
		out[o.ID] = o.Status
	}
	return out
}
