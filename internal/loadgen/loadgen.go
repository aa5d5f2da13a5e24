// Package loadgen drives a running baogong's WeChat callback the way
// WeChat does, measures it and checks every answer: `baogong load`.
//
// Residents first bind an address (绑定 3栋2单元501), then send order
// messages from a closed loop of connections, each a text message with a
// fresh MsgId, signed, and encrypted in safe mode (built by internal/wxsign,
// which is independent of the SDK the service uses). Every answer is opened
// (decrypted and its signature checked in safe mode) and sorted: an answer
// with an order number confirms an order; busy and the rest are counted by
// kind. With an admin token the confirmed orders are then looked up through
// the admin API: each must exist exactly once, and no resident of the run
// may have an order they were not told about.
//
// With a baseline, a bare silenceper/wechat echo server runs in the same
// process on the same account and gets the same messages, in alternating
// rounds, so the report's ratio compares the service with the SDK alone on
// the same machine at the same moment.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/baogong/baogong/internal/wxsign"
)

// Options say what to load and how.
type Options struct {
	// URL is the service's callback, http://127.0.0.1:8080/wechat. It must
	// be a loopback address unless AllowRemote is set.
	URL         string
	AllowRemote bool
	// Account is the official account the service is configured with.
	Account wxsign.Account
	// ToUser is the account's original ID in the messages (gh_…).
	ToUser string
	Mode   Mode
	// Residents bind an address each, spread over Buildings, then take
	// turns sending Message.
	Residents int
	Buildings []string
	Message   string
	// Conns is the number of connections, each with one message in flight.
	Conns int
	// Duration and Count bound the measured phase (per target with a
	// baseline); the phase ends at the first bound reached. At least one
	// must be set.
	Duration time.Duration
	Count    int
	// Baseline runs the echo (see Echo) too; Rounds is how many times the
	// two take turns.
	Baseline bool
	Rounds   int
	// AdminToken, when set, checks the answers against GET /api/orders on
	// the URL's host, listing by Grids.
	AdminToken string
	Grids      []string
	// Communities, when set, spread the residents over several
	// communities of one account (round robin): each binds with its
	// community's name (绑定 阳光小区 3栋1单元101) in that community's
	// buildings, and the check lists each community's grids. Buildings
	// and Grids are then unused.
	Communities []Community
	// Jielong, when above 0, measures a lead's 接龙 of that many households
	// (in LeadBuildings, each ordering Message) instead of the order load.
	Jielong       int
	Lead          string
	LeadBuildings []string
	// PID, when set, is the service's process: its memory is read before
	// and after, and for Watch after the run (every 200 ms; the service's
	// jobs run each minute and may read every open order).
	PID   int
	Watch time.Duration
	// Timeout bounds one message (default 10 s; WeChat itself waits 5 s).
	Timeout time.Duration
	// Progress, when set, gets a line as each phase starts.
	Progress io.Writer
	// Redis, when set, reads the service's Redis INFO around each measured
	// service round (see RedisUse).
	Redis RedisInfo
}

// Community is one community of an account the load spreads over.
type Community struct {
	ID, Name         string
	Buildings, Grids []string
}

// Report is what a run measured.
type Report struct {
	Target    string `json:"target"`
	Mode      Mode   `json:"mode"`
	Conns     int    `json:"conns"`
	Residents int    `json:"residents"`
	Message   string `json:"message"`
	// Setup is the binding phase, Service the measured order messages,
	// Echo the baseline's. Moved counts residents who found their door
	// taken by an earlier run and bound another.
	Setup   *Summary `json:"setup,omitempty"`
	Moved   int      `json:"moved,omitempty"`
	Service *Summary `json:"service,omitempty"`
	Echo    *Summary `json:"echo,omitempty"`
	// Ratio is Service.PerSecond / Echo.PerSecond.
	Ratio  float64       `json:"ratio,omitempty"`
	Rounds int           `json:"rounds,omitempty"`
	Verify *Verification `json:"verify,omitempty"`
	// CPU is the CPU time per message of the measured rounds.
	CPU *CPU `json:"cpu,omitempty"`
	// Redis is what Redis spent per service message (with Options.Redis).
	Redis   *RedisUse `json:"redis,omitempty"`
	Jielong *Jielong  `json:"jielong,omitempty"`
	// MemoryBefore and MemoryAfter are the service's (with Options.PID);
	// WatchMaxRSSkB is the largest VmRSS seen while watching after the run.
	PID           int     `json:"pid,omitempty"`
	MemoryBefore  *Memory `json:"memory_before,omitempty"`
	MemoryAfter   *Memory `json:"memory_after,omitempty"`
	WatchSeconds  float64 `json:"watch_s,omitempty"`
	WatchMaxRSSkB int     `json:"watch_max_rss_kb,omitempty"`
	// Problems are wrong answers and failed checks; a run with any fails.
	Problems []string `json:"problems"`
}

// Run loads the service as o says and reports. It returns an error only
// when the run could not be made; what the service answered wrongly is in
// Report.Problems.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	u, err := parseTarget(o.URL)
	if err != nil {
		return nil, err
	}
	msgID := &atomic.Int64{}
	msgID.Store(time.Now().UnixNano())
	svc := &client{acct: o.Account, target: u, toUser: o.ToUser, mode: o.Mode, msgID: msgID, timeout: o.Timeout}
	run := strconv.FormatInt(time.Now().UnixNano()/1e6, 36)
	rep := &Report{Target: o.URL, Mode: o.Mode, Conns: o.Conns, Residents: o.Residents, Message: o.Message, PID: o.PID, Problems: []string{}}

	if o.PID != 0 {
		m, err := ReadMemory(o.PID)
		if err != nil {
			return nil, err
		}
		rep.MemoryBefore = &m
	}
	if o.Jielong > 0 {
		o.progress("接龙: lead %s pastes %d households, twice", o.Lead, o.Jielong)
		rep.Jielong = pasteJielong(ctx, svc, o.Lead, o.LeadBuildings, o.Jielong, o.Message, "load"+run)
		rep.Problems = append(rep.Problems, rep.Jielong.problems()...)
	} else if err := o.load(ctx, rep, svc, "load-"+run+"-"); err != nil {
		return rep, err
	}
	if o.PID != 0 {
		if err := o.watch(ctx, rep); err != nil {
			return rep, err
		}
	}
	return rep, ctx.Err()
}

// watch reads the service's memory after the run, for o.Watch.
func (o *Options) watch(ctx context.Context, rep *Report) error {
	if o.Watch > 0 {
		o.progress("watching pid %d for %v", o.PID, o.Watch)
	}
	start := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		m, err := ReadMemory(o.PID)
		if err != nil {
			return err
		}
		rep.MemoryAfter = &m
		rep.WatchMaxRSSkB = max(rep.WatchMaxRSSkB, m.RSSkB)
		if time.Since(start) >= o.Watch {
			if o.Watch > 0 {
				rep.WatchSeconds = time.Since(start).Seconds()
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// load runs the binding phase, the measured rounds and the check.
func (o *Options) load(ctx context.Context, rep *Report, svc *client, prefix string) error {
	comms := o.Communities
	if len(comms) == 0 {
		comms = []Community{{Buildings: o.Buildings, Grids: o.Grids}}
	}
	people, moved, setup := o.bind(ctx, svc, prefix, comms)
	rep.Setup = setup.summary()
	if moved > 0 {
		o.progress("setup: %d doors were taken by an earlier run; those residents moved to other doors", moved)
		rep.Moved = moved
	}
	var ready []resident
	var taken int
	for _, p := range people {
		switch {
		case p.bound:
			ready = append(ready, p)
		case p.taken:
			taken++
		}
	}
	if n := len(people) - len(ready); n > 0 {
		msg := fmt.Sprintf("%d of %d residents could not bind (see setup)", n, len(people))
		if taken > 0 {
			msg += fmt.Sprintf("; %d found their door taken by earlier runs %d times: bind into a fresh Redis or use other buildings", taken, maxMoves+1)
		}
		rep.Problems = append(rep.Problems, msg)
	}
	if len(ready) == 0 {
		if taken == len(people) {
			return errors.New("no resident could bind an address: every door tried was taken by an earlier run (load a fresh Redis)")
		}
		return errors.New("no resident could bind an address: is the service up, and are the buildings in its config?")
	}

	var turn atomic.Int64 // residents take turns across rounds
	orderMsg := func(int) (string, string) {
		r := ready[int(turn.Add(1)-1)%len(ready)]
		return r.openID, o.Message
	}
	service := newTally()
	judgeOrder := func(t *tally, from, _ string, oc outcome) {
		kind, id := classifyOrder(oc.reply)
		t.add(oc, kind)
		if oc.err == "" && kind == KindConfirmed {
			t.placed = append(t.placed, placed{id: id, openID: from, sent: oc.sent})
		}
	}
	var echo *tally
	var echoClient *client
	if o.Baseline {
		e, err := StartEcho(o.Account)
		if err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
		defer e.Close()
		ec := *svc
		if ec.target, err = parseTarget(e.URL); err != nil {
			return err
		}
		echoClient, echo = &ec, newTally()
	}
	rounds := max(o.Rounds, 1)
	var cpu cpuUse
	var rdb *RedisUse
	if o.Redis != nil {
		rdb = &RedisUse{}
	}
	for k := range rounds {
		n, ok := share(o.Count, rounds, k)
		if !ok {
			break
		}
		ph := phase{client: svc, conns: o.Conns, count: n, message: orderMsg, judge: judgeOrder}
		o.progress("round %d/%d: service", k+1, rounds)
		var before redisSnapshot
		if rdb != nil {
			var err error
			if before, err = readRedis(o.Redis); err != nil {
				return fmt.Errorf("redis INFO: %w", err)
			}
		}
		done := cpu.start(o.PID)
		service.merge(ph.bounded(o.Duration / time.Duration(rounds)).run(ctx))
		done(&cpu.serviceSvc, &cpu.serviceSelf)
		if rdb != nil {
			after, err := readRedis(o.Redis)
			if err != nil {
				return fmt.Errorf("redis INFO: %w", err)
			}
			rdb.add(before, after)
		}
		if echo != nil && ctx.Err() == nil {
			o.progress("round %d/%d: echo", k+1, rounds)
			ph.client, ph.judge = echoClient, judgeEcho
			done := cpu.start(o.PID)
			echo.merge(ph.bounded(o.Duration / time.Duration(rounds)).run(ctx))
			done(nil, &cpu.echoSelf)
		}
	}
	rep.Service = service.summary()
	rep.CPU = cpu.perMessage(o.PID, rep.Service.Messages, echo)
	if rdb != nil {
		rdb.perMessage(rep.Service.Messages)
		rep.Redis = rdb
	}
	if echo != nil {
		rep.Echo, rep.Rounds = echo.summary(), rounds
		if rep.Echo.PerSecond > 0 {
			rep.Ratio = rep.Service.PerSecond / rep.Echo.PerSecond
		}
		if n := rep.Echo.Messages - rep.Echo.Kinds[KindEcho]; n > 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("echo: %d messages not echoed", n))
		}
	}
	if o.AdminToken == "" {
		return nil
	}
	o.progress("verify: listing orders through the admin API")
	hc := &http.Client{Timeout: o.Timeout, Transport: &http.Transport{Proxy: nil}}
	admin := svc.target.Scheme + "://" + svc.target.Host
	v := &Verification{}
	for i, c := range comms {
		var mine []placed
		for _, p := range service.placed {
			if people[indexOf(p.openID, prefix)].community == i {
				mine = append(mine, p)
			}
		}
		vc, err := verify(ctx, hc, admin, o.AdminToken, c.ID, c.Grids, prefix, mine)
		if err != nil {
			return err
		}
		v.add(vc, c.ID)
	}
	rep.Verify = v
	rep.Problems = append(rep.Problems, v.problems(sumCounts(service.errors))...)
	return nil
}

func judgeEcho(t *tally, _, text string, oc outcome) {
	kind := KindEcho
	if oc.reply != text {
		kind = "echo_mismatch"
	}
	t.add(oc, kind)
}

// bounded returns p ending after d from now (d 0: no time bound).
func (p phase) bounded(d time.Duration) phase {
	if d > 0 {
		p.until = time.Now().Add(d)
	}
	return p
}

// share is round k's part of n messages over rounds; n 0 (no bound) gives
// 0 to every round. It is false when a bounded round has nothing left to
// send: a phase with count 0 would run unbounded.
func share(n, rounds, k int) (int, bool) {
	if n == 0 {
		return 0, true
	}
	s := n / rounds
	if k < n%rounds {
		s++
	}
	return s, s > 0
}

// indexOf is the resident number in an openid made by residents (a
// moved resident's openid carries its move after an "m").
func indexOf(openID, prefix string) int {
	n, _, _ := strings.Cut(openID[len(prefix):], "m")
	i, _ := strconv.Atoi(n)
	return i
}

// maxMoves is how many times a resident whose door is taken moves on.
const maxMoves = 4

// bind binds every resident of the run. A door a member holds already is
// bound only with that member's approval: the resident of a door an
// earlier run took (on the same Redis) moves, under a new openid, to the
// same place in another block of units, up to maxMoves times; moved counts
// the moves.
func (o *Options) bind(ctx context.Context, svc *client, prefix string, comms []Community) (people []resident, moved int, setup *tally) {
	first := runUnit(prefix)
	people = residentsIn(prefix, comms, o.Residents, first)
	setup = newTally()
	todo := make([]int, len(people))
	for i := range todo {
		todo[i] = i
	}
	o.progress("setup: %d residents bind their addresses in %d communities", len(people), len(comms))
	for move := 0; len(todo) > 0 && ctx.Err() == nil; move++ {
		if move > 0 {
			// Another block of units for the moved: a stride that is
			// not a divisor of the 60 run units.
			again := residentsIn(prefix, comms, o.Residents, (first+move*23)%60)
			for _, i := range todo {
				people[i].home = again[i].home
				people[i].openID = fmt.Sprintf("%s%06dm%d", prefix, i, move)
				people[i].taken = false
			}
			moved += len(todo)
		}
		ph := phase{client: svc, conns: o.Conns, count: len(todo),
			message: func(k int) (string, string) {
				r := people[todo[k]]
				where := address(r.home)
				if n := comms[r.community].Name; n != "" {
					where = n + " " + where
				}
				return r.openID, bindText(where)
			},
			judge: func(t *tally, from, _ string, oc outcome) {
				kind := classifyBind(oc.reply)
				t.add(oc, kind)
				if oc.err != "" {
					return
				}
				// Each resident is judged once, by one worker.
				switch i := indexOf(from, prefix); kind {
				case KindBound:
					people[i].bound = true
				case KindTaken:
					people[i].taken = true
				}
			},
		}
		setup.merge(ph.run(ctx))
		var next []int
		for _, i := range todo {
			if people[i].taken && move < maxMoves {
				next = append(next, i)
			}
		}
		todo = next
	}
	return people, moved, setup
}

func (o *Options) check() error {
	if !o.AllowRemote {
		if err := CheckLoopback(o.URL); err != nil {
			return err
		}
	}
	if o.Mode == "" {
		o.Mode = Plain
		if o.Account.EncodingAESKey != "" {
			o.Mode = Safe
		}
	}
	if o.Mode != Plain && o.Account.EncodingAESKey == "" {
		return fmt.Errorf("%s mode needs the account's EncodingAESKey", o.Mode)
	}
	if o.Account.Token == "" {
		return errors.New("the account's token is empty")
	}
	if o.ToUser == "" {
		o.ToUser = "gh_baogong_load"
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	switch {
	case o.Message == "":
		return errors.New("no message to send")
	case o.Conns < 1:
		return errors.New("connections must be at least 1")
	case o.Jielong > 0:
		if o.Lead == "" || len(o.LeadBuildings) == 0 {
			return errors.New("接龙 needs a lead and the lead's buildings")
		}
	case o.Duration <= 0 && o.Count <= 0:
		return errors.New("give a duration or a message count: the run must end by itself")
	case o.Residents < 1 || (len(o.Buildings) == 0 && len(o.Communities) == 0):
		return errors.New("need at least one resident and one building")
	}
	return nil
}

func (o *Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "baogong load: "+format+"\n", args...)
	}
}
