package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
)

// The chaos tests of issue 8: bursts of order messages through the real
// binary's /wechat, signed as WeChat signs them, while Redis freezes, the
// service is killed, or Redis crashes and replays its AOF. What they hold
// the service to is what a resident needs:
//
//   - every reply is one of three kinds: placed (下单成功！订单号 N), maybe
//     (the outcome is unknown: it tells how to check, 我的订单), or busy
//     (系统繁忙: nothing was done);
//   - "placed N": order N exists, is the resident's and holds what was
//     asked; "busy": the message ordered nothing; a reply that says the
//     message is still being processed (处理中) promises an order, so one
//     must exist once the fault is over; "maybe" allows either;
//   - WeChat's deliveries of one MsgId (up to three, 5 s apart, while it
//     gets no answer, and again later as a duplicate) order at most once,
//     and a duplicate of a placed message gets the same order number;
//   - a resident who was not given an order number checks 我的订单 (after
//     "maybe") or sends again with a new MsgId, and every resident ends
//     with exactly one order.

const (
	// wechatWait is how long WeChat waits for an answer; without one it
	// delivers the message again, wechatDeliveries times in all.
	wechatWait       = 5 * time.Second
	wechatDeliveries = 3
	// chaosOrder is what every resident orders: 挂面 has no stock and no
	// limit in the demo catalog, so only the faults decide the outcome.
	chaosOrderText = "挂面1袋"
	chaosSKU       = "NOODLE"
	// settle is how long the tests wait after a burst before they read
	// the orders, so commands Redis ran late have landed.
	settle = 1500 * time.Millisecond
)

// TestChaosRedisFrozen freezes Redis (SIGSTOP) for 2.5 s in the middle of
// a burst: residents in flight at every step of their message, and others
// arriving all through the freeze.
func TestChaosRedisFrozen(t *testing.T) {
	rs := redistest.Own(t)
	c := newChaos(t, rs.Addr)
	for round := 1; round <= 3; round++ {
		c.round(fmt.Sprintf("freeze %d", round), 300, 40, 2500*time.Millisecond, freeze(t, rs, 2500*time.Millisecond))
	}
}

// freeze returns a fault that slows rs down, freezes it (SIGSTOP) for d
// and lets it run on.
func freeze(t *testing.T, rs *redistest.Server, d time.Duration) func() {
	return func() {
		slow := slowDown(rs)
		if err := rs.Pause(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(d)
		if err := rs.Resume(); err != nil {
			t.Fatal(err)
		}
		slow()
	}
}

// TestChaosServiceKilled kills the service with SIGKILL in the middle of a
// burst and starts it again on the same Redis and config; WeChat delivers
// every unanswered message again 5 and 10 s after its first delivery.
func TestChaosServiceKilled(t *testing.T) {
	rs := redistest.Own(t)
	c := newChaos(t, rs.Addr)
	for round := 1; round <= 2; round++ {
		c.round(fmt.Sprintf("kill -9 %d", round), 300, 30, 1500*time.Millisecond, func() {
			slow := slowDown(rs)
			c.s.cmd.Process.Signal(syscall.SIGKILL)
			<-c.s.exited
			slow()
			c.s.serve()
		})
	}
}

// TestChaosRedisRestarted kills Redis (SIGKILL) in the middle of a burst and
// starts it again a second later on the same port and directory: with
// appendfsync always, every order acknowledged before the crash is
// replayed from the AOF.
func TestChaosRedisRestarted(t *testing.T) {
	rs := redistest.OwnWith(t, redistest.Options{AppendFsync: "always"})
	c := newChaos(t, rs.Addr)
	for round := 1; round <= 2; round++ {
		c.round(fmt.Sprintf("redis restart %d", round), 300, 30, 1500*time.Millisecond, func() {
			slow := slowDown(rs)
			if err := rs.Kill(); err != nil {
				t.Fatal(err)
			}
			slow()
			time.Sleep(time.Second)
			if err := rs.Restart(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// slowDown slows rs down (see redistest.Server.Slow) until the messages in
// flight all wait for it, and returns the stop. A fault struck at a random
// moment of a fast Redis rarely meets a message between its last read and
// its write, the moment where an unknown outcome turns into a wrong answer;
// struck now, it meets about one message in eight there.
func slowDown(rs *redistest.Server) (stop func()) {
	stop = rs.Slow()
	time.Sleep(50 * time.Millisecond)
	return stop
}

// burstWorkers send a burst back to back. Fewer than the service's Redis
// pool (10 per core), so a message never waits for a connection and its
// write follows its last read at once.
const burstWorkers = 16

// chaos drives the real service like WeChat and its residents do.
type chaos struct {
	t      *testing.T
	s      *service
	client *http.Client
	msgID  atomic.Int64
	nonce  atomic.Int64
	homes  int // households handed out, so each resident has their own
}

func newChaos(t *testing.T, redisAddr string) *chaos {
	s := startService(t, redisAddr)
	s.serve()
	c := &chaos{t: t, s: s, client: &http.Client{
		Timeout:   wechatWait,
		Transport: &http.Transport{MaxIdleConnsPerHost: 200},
	}}
	c.msgID.Store(s.msgID + 1_000_000)
	return c
}

// resident is one household's WeChat user and what they sent.
type resident struct {
	openid, address string
	safe            bool
	order           message  // the order sent in the burst
	dup             *message // WeChat delivering order's MsgId again, later
	check           *message // 我的订单
	again           *message // the order sent again, with a new MsgId
}

// message is one MsgId and its fate.
type message struct {
	body       []byte
	reply      string
	answered   bool
	deliveries int
	err        error
}

func (c *chaos) message(r *resident, text string) message {
	return message{body: wxsign.TextXML("gh_e2e", r.openid, text, c.msgID.Add(1), c.s.now())}
}

// residents binds n new residents, each to a household of their own.
func (c *chaos) residents(prefix string, n int) []*resident {
	c.t.Helper()
	buildings := []string{"3", "5", "6", "8"}
	rs := make([]*resident, n)
	for i := range rs {
		h := c.homes
		c.homes++
		r := &resident{openid: fmt.Sprintf("chaos-%s-%d", prefix, i), safe: true,
			address: fmt.Sprintf("%s栋%d单元%d", buildings[h%4], h/4%6+1, 101+h/24)}
		r.order = c.message(r, chaosOrderText)
		rs[i] = r
	}
	var failed atomic.Bool
	c.parallel(rs, func(r *resident) {
		m := c.message(r, "绑定 "+r.address)
		c.deliver(&m, r.safe)
		if !strings.HasPrefix(m.reply, "已绑定") {
			c.t.Errorf("bind %s: %q %v", r.openid, m.reply, m.err)
			failed.Store(true)
		}
	})
	if failed.Load() {
		c.t.FailNow()
	}
	return rs
}

// deliver posts m as WeChat does: again after wechatWait without an answer
// (a timeout or a refused connection), wechatDeliveries times in all.
func (c *chaos) deliver(m *message, safe bool) {
	start := time.Now()
	for k := range wechatDeliveries {
		time.Sleep(time.Until(start.Add(time.Duration(k) * wechatWait)))
		m.deliveries = k + 1
		reply, err := c.post(m.body, safe)
		if err == nil {
			m.reply, m.answered, m.err = reply, true, nil
			return
		}
		m.err = err
	}
}

func (c *chaos) post(body []byte, safe bool) (string, error) {
	build := c.s.acct.Plain
	if safe {
		build = c.s.acct.Safe
	}
	// Signed at the service's time, as WeChat's clock and the service's
	// agree (a pinned service checks the age against its test clock).
	req, err := build(c.s.base+"/wechat", body, c.s.now(), "n"+strconv.FormatInt(c.nonce.Add(1), 10))
	if err != nil {
		return "", err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, raw)
	}
	r, err := c.s.acct.OpenReply(raw, safe)
	return r.Content, err
}

// parallel runs f for every resident, 64 at a time.
func (c *chaos) parallel(rs []*resident, f func(*resident)) {
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(r)
		}()
	}
	wg.Wait()
}

// burst sends the order of each of busy, burstWorkers at a time back to
// back, runs fault on the test goroutine once a third of them are answered
// (so burstWorkers messages are in flight, at every step of their
// handling), and sends the orders of late one by one, evenly spread over
// spread from the start of the fault.
func (c *chaos) burst(busy, late []*resident, spread time.Duration, fault func()) {
	queue := make(chan *resident, len(busy))
	for _, r := range busy {
		queue <- r
	}
	close(queue)
	var done atomic.Int64
	trigger := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for range burstWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range queue {
				c.deliver(&r.order, r.safe)
				if done.Add(1) >= int64(len(busy)/3) {
					once.Do(func() { close(trigger) })
				}
			}
		}()
	}
	<-trigger
	start := time.Now()
	for i, r := range late {
		at := start.Add(spread * time.Duration(2*i+1) / time.Duration(2*len(late)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(at))
			c.deliver(&r.order, r.safe)
		}()
	}
	fault()
	wg.Wait()
}

// round runs one burst with its fault, then checks every reply against
// the orders, lets WeChat deliver a third of the messages again, lets the
// residents without an order number check and send again, and checks that
// each resident ends with exactly one order.
func (c *chaos) round(name string, nBusy, nLate int, spread time.Duration, fault func()) {
	c.t.Helper()
	tag := strings.NewReplacer(" ", "", "-", "").Replace(name)
	busy := c.residents(tag+"b", nBusy)
	late := c.residents(tag+"l", nLate)
	all := append(slices.Clip(busy), late...)
	began := time.Now()
	c.burst(busy, late, spread, fault)
	time.Sleep(settle)
	f := findings{}
	orders := c.orders()
	kinds := map[string]int{}
	for i, r := range all {
		group := "burst"
		if i >= len(busy) {
			group = "late"
		}
		kinds[group+" "+kindName(&r.order)]++
		f.reply(r, &r.order, orders, "")
	}

	// WeChat delivers a third of the messages again (a lost answer, a
	// retry after 5 s): nothing may be ordered twice, and a placed
	// message keeps its order number.
	dups := c.deliverAgain(all)
	orders = c.orders()
	for _, r := range dups {
		first, _ := placedID(r.order.reply)
		f.reply(r, r.dup, orders, first)
		kinds["again "+kindName(r.dup)]++
	}

	// Residents without an order number do what the reply told them:
	// after a "maybe" they look at 我的订单, which shows their order if
	// there is one; else they send the order again, as a new message.
	before := orders
	c.parallel(all, func(r *resident) {
		if r.acknowledged() {
			return
		}
		last := r.order
		if r.dup != nil {
			last = *r.dup
		}
		if k, _ := kindOf(last.reply); k == kindMaybe || !last.answered {
			m := c.message(r, "我的订单")
			r.check = &m
			c.deliver(r.check, r.safe)
			if len(before.of[r.openid]) > 0 {
				return
			}
		}
		m := c.message(r, chaosOrderText)
		r.again = &m
		c.deliver(r.again, r.safe)
	})
	time.Sleep(settle)
	orders = c.orders()
	for _, r := range all {
		if r.check != nil {
			for _, o := range before.of[r.openid] {
				if !strings.Contains(r.check.reply, o.ID) {
					f.add("我的订单 does not show the order", r, fmt.Sprintf("order %s, 我的订单 %q", o.ID, r.check.reply))
				}
			}
		}
		if r.again != nil {
			if _, ok := placedID(r.again.reply); !ok {
				f.add("sent again after the fault, not placed", r, r.again.reply)
			}
			f.reply(r, r.again, orders, "")
		}
		if n := len(orders.of[r.openid]); n != 1 {
			f.add("does not end with exactly one order", r, fmt.Sprintf("%d orders; replies %q", n, r.replies()))
		}
	}
	c.t.Logf("%s: %d residents, %s; replies %v; %s",
		name, len(all), time.Since(began).Round(time.Millisecond), kinds, deliveries(all))
	f.report(c.t, name, len(all))
}

// deliverAgain has WeChat deliver the order message of a third of all
// again (a lost answer, a retry after 5 s) and waits for late commands
// to land; it returns those residents, their dup set.
func (c *chaos) deliverAgain(all []*resident) []*resident {
	var dups []*resident
	for i, r := range all {
		if i%3 == 0 {
			d := message{body: r.order.body}
			r.dup = &d
			dups = append(dups, r)
		}
	}
	c.parallel(dups, func(r *resident) { c.deliver(r.dup, r.safe) })
	time.Sleep(settle)
	return dups
}

// Reply kinds; see the comment at the top of the file.
const (
	kindPlaced = "placed"
	kindMaybe  = "maybe"
	kindBusy   = "busy"
	kindOther  = "other"
)

var rePlaced = regexp.MustCompile(`下单成功！订单号 (\d+)`)

func kindOf(reply string) (kind string, id string) {
	if m := rePlaced.FindStringSubmatch(reply); m != nil {
		return kindPlaced, m[1]
	}
	switch {
	case strings.Contains(reply, "我的订单"):
		return kindMaybe, ""
	case strings.Contains(reply, "系统繁忙"):
		return kindBusy, ""
	}
	return kindOther, ""
}

func placedID(reply string) (string, bool) {
	k, id := kindOf(reply)
	return id, k == kindPlaced
}

// promises reports whether a reply says the message is still being
// handled: that is a promise of an order, not a "maybe".
func promises(reply string) bool { return strings.Contains(reply, "处理中") }

func kindName(m *message) string {
	if !m.answered {
		return "unanswered"
	}
	k, _ := kindOf(m.reply)
	if k == kindMaybe && promises(m.reply) {
		return "maybe(处理中)"
	}
	return k
}

// acknowledged reports whether r was given an order number.
func (r *resident) acknowledged() bool {
	for _, m := range []*message{&r.order, r.dup} {
		if m != nil {
			if _, ok := placedID(m.reply); ok {
				return true
			}
		}
	}
	return false
}

func (r *resident) replies() []string {
	out := []string{r.order.reply}
	for _, m := range []*message{r.dup, r.check, r.again} {
		if m != nil {
			out = append(out, m.reply)
		}
	}
	return out
}

func deliveries(all []*resident) string {
	again := 0
	for _, r := range all {
		if r.order.deliveries > 1 {
			again++
		}
	}
	return fmt.Sprintf("%d burst messages needed WeChat's retry", again)
}

// chaosOrders are the community's orders, by id and by who placed them
// (cancelled ones left out).
type chaosOrders struct {
	byID map[string]chaosOrderJSON
	of   map[string][]chaosOrderJSON
}

type chaosOrderJSON struct {
	ID       string `json:"id"`
	PlacedBy string `json:"placed_by"`
	Status   string `json:"status"`
	Items    []struct {
		SKU string `json:"sku"`
		Qty int    `json:"qty"`
	} `json:"items"`
}

// orders reads every order through the admin API.
func (c *chaos) orders() chaosOrders {
	c.t.Helper()
	return c.ordersIn("")
}

// ordersIn reads every order of community ("": the only one).
func (c *chaos) ordersIn(community string) chaosOrders {
	c.t.Helper()
	out := chaosOrders{byID: map[string]chaosOrderJSON{}, of: map[string][]chaosOrderJSON{}}
	for _, o := range c.allOrders(community) {
		if o.Status == "cancelled" {
			continue
		}
		out.byID[o.ID] = o
		out.of[o.PlacedBy] = append(out.of[o.PlacedBy], o)
	}
	return out
}

// allOrders reads every order of community ("": the only one), cancelled
// ones too, through the admin API.
func (c *chaos) allOrders(community string) []chaosOrderJSON {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.s.base+"/api/orders?limit=10000&community="+community, nil)
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	resp, err := c.client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Orders []chaosOrderJSON }
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET /api/orders: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		c.t.Fatal(err)
	}
	return list.Orders
}

// findings collects broken promises by kind, with examples.
type findings map[string][]string

func (f findings) add(what string, r *resident, detail string) {
	f[what] = append(f[what], fmt.Sprintf("%s: %s", r.openid, detail))
}

// reply checks one answered (or unanswered) message of r against the
// orders read after it; first is the number an earlier delivery of the
// same MsgId was given, if any.
func (f findings) reply(r *resident, m *message, o chaosOrders, first string) {
	if !m.answered {
		f.add("no answer in WeChat's three deliveries", r, fmt.Sprint(m.err))
		return
	}
	have := len(o.of[r.openid])
	kind, id := kindOf(m.reply)
	switch {
	case kind == kindOther:
		f.add("reply of no known kind", r, fmt.Sprintf("%q", m.reply))
	case kind == kindPlaced:
		f.told(r, id, m.reply, o)
	case kind == kindBusy && have > 0:
		f.add("told 系统繁忙 although an order was placed", r, fmt.Sprintf("%q, orders %s", m.reply, ids(o.of[r.openid])))
	case kind == kindMaybe && promises(m.reply) && have == 0:
		f.add("told still processing (处理中) but no order was ever placed", r, fmt.Sprintf("%q", m.reply))
	}
	if first != "" && id != first {
		f.add("a placed message delivered again is not given its order number", r, fmt.Sprintf("first 订单号 %s, again %q", first, m.reply))
	}
	if r.again == nil && have > 1 {
		f.add("one message, several orders", r, ids(o.of[r.openid]))
	}
}

// told checks that order id, which r was told of, exists, is r's and
// holds what r ordered.
func (f findings) told(r *resident, id, reply string, o chaosOrders) {
	got, ok := o.byID[id]
	switch {
	case !ok:
		f.add("told an order number that does not exist", r, fmt.Sprintf("%q", reply))
	case got.PlacedBy != r.openid:
		f.add("told an order number of someone else", r, fmt.Sprintf("%s is %s's", id, got.PlacedBy))
	case len(got.Items) != 1 || got.Items[0].SKU != chaosSKU || got.Items[0].Qty != 1:
		f.add("told an order number of an order with other goods", r, fmt.Sprintf("%s: %+v", id, got.Items))
	}
}

func ids(list []chaosOrderJSON) string {
	var s []string
	for _, o := range list {
		s = append(s, o.ID)
	}
	return strings.Join(s, ",")
}

func (f findings) report(t *testing.T, round string, n int) {
	t.Helper()
	var whats []string
	for w := range f {
		whats = append(whats, w)
	}
	slices.Sort(whats)
	for _, w := range whats {
		ex := f[w]
		t.Errorf("%s: %s: %d times (%d residents), e.g.\n\t%s", round, w, len(ex), n, strings.Join(ex[:min(len(ex), 3)], "\n\t"))
	}
}
