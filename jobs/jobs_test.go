package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// recorder is a Notifier that keeps notices by id, like the outbox: a
// notice id queued twice is kept once.
type recorder struct {
	mu    sync.Mutex
	byID  map[string]Notice
	order []string
}

func (r *recorder) Enqueue(_ context.Context, ns ...Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID = map[string]Notice{}
	}
	for _, n := range ns {
		if _, ok := r.byID[n.ID]; !ok {
			r.byID[n.ID] = n
			r.order = append(r.order, n.ID)
		}
	}
	return nil
}

func (r *recorder) to(openid string) []Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Notice
	for _, id := range r.order {
		if r.byID[id].OpenID == openid {
			out = append(out, r.byID[id])
		}
	}
	return out
}

type fakeLinks struct{}

func (fakeLinks) Roster(grid string, slot time.Time, v string) string {
	return fmt.Sprintf("https://bg.test/r/%s/%d/%s", grid, slot.Unix(), v)
}
func (fakeLinks) Picklist(s, day string) string { return "https://bg.test/p/" + s + "/" + day }

type fixture struct {
	store *redisstore.Store
	cat   *catalog.Catalog
	rec   *recorder
	comm  *orders.Community
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{cat: cat, rec: &recorder{}, comm: &orders.Community{
		Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3", "5"}, Volunteers: []string{"vol-a", "vol-b"}}, {ID: "G2", Buildings: []string{"6"}}},
		Leads: []orders.Lead{{OpenID: "lead-3", Buildings: []string{"3"}}},
	}}
	f.store = redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	f.store.SetStock(context.Background(), map[string]int{"VEG-A": 1000, "EGG-30": 1000, "MED-IBU": 1000, "MED-INS": 20})
	return f
}

func (f *fixture) runner(now time.Time) *Runner {
	return &Runner{Store: f.store, Catalog: f.cat, Community: f.comm, Location: shanghai, Notify: f.rec, Links: fakeLinks{},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
}

func (f *fixture) place(t *testing.T, b, u, room string, at time.Time, items ...orders.ItemRequest) orders.Order {
	t.Helper()
	return f.placeWith(t, nil, b, u, room, at, items...)
}

// placeWith places an order as the bot does, after prepare (if any) has
// set what the bot would (Urgent, say).
func (f *fixture) placeWith(t *testing.T, prepare func(*orders.Order), b, u, room string, at time.Time, items ...orders.ItemRequest) orders.Order {
	t.Helper()
	a := orders.Address{Building: b, Unit: u, Room: room}
	grid, _ := f.comm.GridOf(b)
	o, err := orders.NewOrder(f.cat, a, grid, items, "openid-"+room, orders.ChannelWeChat, at, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(&o)
	}
	days, err := f.comm.Calendar.Read(context.Background(), f.store, at, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	o.Day = days.Open
	key := "req-" + a.Household() + at.String()
	if o.Urgent {
		key = "req-urgent-" + a.Household() + at.String()
	}
	o, _, err = f.store.PlaceOrder(context.Background(), o, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var (
	veg = orders.ItemRequest{SKU: "VEG-A", Qty: 1}
	egg = orders.ItemRequest{SKU: "EGG-30", Qty: 1}
	ibu = orders.ItemRequest{SKU: "MED-IBU", Qty: 1}
)

func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCutoffMovesLaterOrdersToNextDay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before := f.place(t, "3", "1", "101", at("2026-11-24", "19:59"), veg)
	res, err := f.runner(at("2026-11-24", "20:00")).Run(ctx, Cutoff, at("2026-11-24", "20:00"))
	if err != nil || !res.Published || res.Day != "2026-11-24" {
		t.Fatalf("cutoff: %+v %v", res, err)
	}
	again, _ := f.runner(at("2026-11-24", "20:00")).Run(ctx, Cutoff, at("2026-11-24", "20:00"))
	if again.Published {
		t.Error("second cutoff of the same day published again")
	}
	after := f.place(t, "3", "1", "102", at("2026-11-24", "20:01"), veg)
	if before.Day != "2026-11-24" || after.Day != "2026-11-25" {
		t.Errorf("days: before %s after %s", before.Day, after.Day)
	}
}

func TestPicklistOncePerSupplierAndDay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.place(t, "3", "1", "101", at("2026-11-24", "09:00"), veg, ibu)
	f.place(t, "6", "2", "202", at("2026-11-24", "10:00"), egg, egg)
	f.place(t, "5", "1", "301", at("2026-11-23", "10:00"), veg) // yesterday: not today's list
	slot := at("2026-11-24", "20:05")
	r := f.runner(slot)
	res, err := r.Run(ctx, Picklist, slot)
	if err != nil || !res.Published {
		t.Fatalf("picklist: %+v %v", res, err)
	}
	if res2, _ := r.Run(ctx, Picklist, slot); res2.Published {
		t.Error("second run published again")
	}
	sm := f.rec.to("sm-boss")
	if len(sm) != 1 || !strings.Contains(sm[0].Text, "合计：蔬菜包1份、鸡蛋2盒") || strings.Contains(sm[0].Text, "布洛芬") {
		t.Errorf("supermarket notice: %+v", sm)
	}
	ph := f.rec.to("ph-boss")
	if len(ph) != 1 || !strings.Contains(ph[0].Text, "布洛芬缓释胶囊1盒") || strings.Contains(ph[0].Text, "蔬菜包") {
		t.Errorf("pharmacy notice: %+v", ph)
	}
	if !strings.Contains(sm[0].Text, "https://bg.test/p/sm-xinyi/2026-11-24") {
		t.Errorf("no link: %s", sm[0].Text)
	}
}

// TestRosterExactlyOnceAcrossReplicas runs the roster job for one slot on
// two replicas at once, and again: every volunteer and lead hears once,
// and every due order is assigned once.
func TestRosterExactlyOnceAcrossReplicas(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 12 {
		f.place(t, []string{"3", "5"}[i%2], "1", fmt.Sprintf("%d", 101+i), at("2026-11-23", "15:00"), veg)
	}
	f.place(t, "3", "2", "501", at("2026-11-24", "08:00"), egg) // today's, cutoff not passed: next round
	slot := at("2026-11-24", "07:00")
	var wg sync.WaitGroup
	results := make([]Result, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := f.runner(slot).Run(ctx, Roster, slot)
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	published := map[string]int{}
	for _, r := range results {
		for _, g := range r.Grids {
			if g.Published {
				published[g.Grid]++
			}
		}
	}
	if published["G1"] != 1 || published["G2"] != 1 {
		t.Errorf("runs that published each grid's roster: %v, want 1 each", published)
	}
	a, b := f.rec.to("vol-a"), f.rec.to("vol-b")
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("volunteer notices: a %d b %d", len(a), len(b))
	}
	// Shares keep a building together: 6 stops each, one building each.
	for _, n := range append(a, b...) {
		if !strings.Contains(n.Text, "您负责6户") || strings.Contains(n.Text, "3栋") == strings.Contains(n.Text, "5栋") {
			t.Errorf("share: %s", n.Text)
		}
		if !strings.Contains(n.Text, "https://bg.test/r/G1/") {
			t.Errorf("no roster link: %s", n.Text)
		}
	}
	if l := f.rec.to("lead-3"); len(l) != 1 || !strings.Contains(l[0].Text, "3栋：6户 6单") {
		t.Errorf("lead notice: %+v", l)
	}
	open, _ := f.store.OpenOrders(ctx, "G1")
	assigned := 0
	for _, o := range open {
		if o.Status == orders.StatusAssigned {
			assigned++
			if !o.Slot.Equal(slot) || (o.Assignee != "vol-a" && o.Assignee != "vol-b") {
				t.Errorf("assignment %+v", o)
			}
		}
	}
	if assigned != 12 {
		t.Errorf("%d assigned, want 12 (today's order waits)", assigned)
	}
}

func TestCatchUpRunsMissedSlotsOfToday(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.place(t, "3", "1", "101", at("2026-11-23", "15:00"), veg)
	s := Schedules{Roster: {"0 7 * * *", "0 13 * * *"}, Cutoff: {"0 20 * * *"}}
	// A replica starts at 09:30: it publishes 07:00, not 13:00 or 20:00.
	f.runner(at("2026-11-24", "09:30")).CatchUp(ctx, s)
	if _, err := f.store.Roster(ctx, "G1", at("2026-11-24", "07:00")); err != nil {
		t.Errorf("07:00 not caught up: %v", err)
	}
	if _, err := f.store.Roster(ctx, "G1", at("2026-11-24", "13:00")); err == nil {
		t.Error("13:00 published before its time")
	}
	if closed, _ := f.store.DayClosed(ctx, "2026-11-24"); closed {
		t.Error("cutoff ran before 20:00")
	}
	if n := len(f.rec.to("vol-a")) + len(f.rec.to("vol-b")); n != 1 {
		t.Errorf("%d roster notices, want 1", n)
	}
	// Starting again changes nothing.
	f.runner(at("2026-11-24", "09:40")).CatchUp(ctx, s)
	if n := len(f.rec.to("vol-a")) + len(f.rec.to("vol-b")); n != 1 {
		t.Errorf("second start: %d roster notices, want 1", n)
	}
}

// TestCatchUpInTimeOrder: a replica starting at 20:30 publishes the
// missed 13:00 round before it closes the day, so that round does not
// take an order placed at 15:00 that the 20:00 cutoff closed.
func TestCatchUpInTimeOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	late := f.place(t, "3", "1", "101", at("2026-11-24", "15:00"), veg)
	s := Schedules{Roster: {"0 7 * * *", "0 13 * * *"}, Cutoff: {"0 20 * * *"}, Picklist: {"5 20 * * *"}}
	f.runner(at("2026-11-24", "20:30")).CatchUp(ctx, s)
	ro, err := f.store.Roster(ctx, "G1", at("2026-11-24", "13:00"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range ro.Shares {
		if len(sh.Stops) > 0 {
			t.Errorf("the 13:00 round took orders closed at 20:00: %+v", sh)
		}
	}
	if closed, _ := f.store.DayClosed(ctx, "2026-11-24"); !closed {
		t.Error("the 20:00 cutoff was not caught up")
	}
	if o, _ := f.store.Order(ctx, late.ID); o.Status != orders.StatusPending {
		t.Errorf("order %s: %s, want pending for tomorrow's round", o.ID, o.Status)
	}
	if sent, _ := f.store.Marked(ctx, "picklist:2026-11-24"); !sent {
		t.Error("the 20:05 pick list was not caught up")
	}
}

// TestSchedulesCalendar: the schedules say when order days close and
// when their goods go out, several roster specs being one set of rounds.
func TestSchedulesCalendar(t *testing.T) {
	cal := Schedules{Cutoff: {"0 20 * * *"}, Roster: {"0 13 * * *", "30 7 * * *"}}.Calendar()
	for _, c := range []struct {
		now, open, cutoff, delivery string
		closed                      bool
	}{
		{"08:00", "2026-11-24", "2026-11-24 20:00", "2026-11-25 07:30", false},
		{"20:30", "2026-11-25", "2026-11-25 20:00", "2026-11-26 07:30", true},
	} {
		d := cal.At(at("2026-11-24", c.now), shanghai, c.closed)
		n := d.Note(d.Open)
		if d.Open != c.open || n.Cutoff.Format("2006-01-02 15:04") != c.cutoff || n.Delivery.Format("2006-01-02 15:04") != c.delivery {
			t.Errorf("%s: open %s, closes %v, delivered %v", c.now, d.Open, n.Cutoff, n.Delivery)
		}
	}
	if none := (Schedules{}).Calendar(); none.Cutoff != nil || none.Rounds != nil {
		t.Errorf("no schedules: %+v", none)
	}
}

func TestSlots(t *testing.T) {
	specs := []string{"0 7 * * *", "0 13 * * *"}
	got := SlotsToday(specs, at("2026-11-24", "13:00"), shanghai)
	if len(got) != 2 || !got[0].Equal(at("2026-11-24", "07:00")) || !got[1].Equal(at("2026-11-24", "13:00")) {
		t.Errorf("SlotsToday = %v", got)
	}
	if c := CurrentSlot(specs, at("2026-11-24", "06:59"), shanghai); !c.Equal(at("2026-11-23", "13:00")) {
		t.Errorf("CurrentSlot early = %v", c)
	}
	if c := CurrentSlot(specs, at("2026-11-24", "12:00"), shanghai); !c.Equal(at("2026-11-24", "07:00")) {
		t.Errorf("CurrentSlot = %v", c)
	}
	if err := (Schedules{Roster: {"61 7 * * *"}}).Validate(); err == nil {
		t.Error("bad spec accepted")
	}
}

// TestUndeliveredStopsGoOnTheNextRound: a stop the 07:00 volunteer did not
// finish is on the 13:00 roster (a review found such orders orphaned).
func TestUndeliveredStopsGoOnTheNextRound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.place(t, "3", "1", "101", at("2026-11-23", "15:00"), veg)
	b := f.place(t, "3", "1", "102", at("2026-11-23", "15:00"), veg)
	r := f.runner(at("2026-11-24", "13:00"))
	if _, err := r.Run(ctx, Roster, at("2026-11-24", "07:00")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Transition(ctx, a.ID, orders.StatusDelivered, "vol-a", "", at("2026-11-24", "09:00")); err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(ctx, Roster, at("2026-11-24", "13:00"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Grids[0].Stops != 1 {
		t.Fatalf("13:00 roster has %d stops, want the 1 left", res.Grids[0].Stops)
	}
	left, _ := f.store.Order(ctx, b.ID)
	if left.Status != orders.StatusAssigned || !left.Slot.Equal(at("2026-11-24", "13:00")) {
		t.Errorf("left-over order: %s %s", left.Status, left.Slot)
	}
}

// TestObserveHearsEveryRun: Observe gets each run with who started it and
// what it published.
func TestObserveHearsEveryRun(t *testing.T) {
	f := newFixture(t)
	r := f.runner(at("2026-11-24", "20:00"))
	var runs []orders.JobRun
	r.Observe = func(_ context.Context, run orders.JobRun) { runs = append(runs, run) }
	ctx := By(context.Background(), "console")
	r.Run(ctx, Cutoff, at("2026-11-24", "20:00"))
	r.Run(ctx, Cutoff, at("2026-11-24", "20:00"))
	if len(runs) != 2 || runs[0].How != "console" || !runs[0].Published || runs[1].Published || runs[0].Job != Cutoff {
		t.Fatalf("runs %+v", runs)
	}
	var res Result
	if err := json.Unmarshal(runs[0].Result, &res); err != nil || res.Day != "2026-11-24" {
		t.Errorf("result %s: %v", runs[0].Result, err)
	}
}

// The calendar's schedules remember their last answer: asked again, at
// the same instant in another zone, or at another time, they answer as
// the cron specs do.
func TestCalendarSchedulesAnswerAsCron(t *testing.T) {
	specs := Schedules{Cutoff: {"0 20 * * *"}, Roster: {"0 9 * * *", "30 15 * * 1-5"}}
	cal := specs.Calendar()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 4, 23, 59, 59, 0, shanghai)
	for i, at := range []time.Time{
		base, base, base.In(time.UTC), base, base.Add(time.Second), base.Add(9 * time.Hour),
		base.Add(9 * time.Hour), base.AddDate(0, 0, 1), base.In(time.UTC).Add(-8 * time.Hour), base,
	} {
		for name, got := range map[string]orders.Schedule{Cutoff: cal.Cutoff, Roster: cal.Rounds} {
			var want time.Time
			for _, spec := range specs[name] {
				s, _ := Parser.Parse(spec)
				if n := s.Next(at); want.IsZero() || n.Before(want) {
					want = n
				}
			}
			if n := got.Next(at); !n.Equal(want) || n.Location() != want.Location() {
				t.Errorf("%d: %s after %v: %v, cron says %v", i, name, at, n, want)
			}
		}
	}
}
