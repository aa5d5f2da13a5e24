package jobs

import (
	"context"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// TestRoundsTellOnlyWhatIsNew: the 13:00 round carries over what the
// 07:00 round left undelivered, labelled 上一轮未送, and tells nobody
// whose list holds nothing new; a round with a new order tells the
// volunteer and lead it concerns, with the carried stops labelled, and
// no one else.
func TestRoundsTellOnlyWhatIsNew(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.comm.Grids[0].Volunteers = []string{"vol-a"}
	f.comm.Grids[1].Volunteers = []string{"vol-c"}
	a := f.place(t, "3", "1", "101", at("2026-11-23", "15:00"), veg)
	f.place(t, "3", "1", "102", at("2026-11-23", "15:00"), egg)
	f.place(t, "5", "1", "101", at("2026-11-23", "15:00"), veg)
	f.place(t, "6", "1", "101", at("2026-11-23", "15:00"), veg)
	sent := func() [3]int {
		return [3]int{len(f.rec.to("vol-a")), len(f.rec.to("vol-c")), len(f.rec.to("lead-3"))}
	}
	r := f.runner(at("2026-11-24", "07:00"))
	first, err := r.Run(ctx, Roster, at("2026-11-24", "07:00"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sent(); got != [3]int{1, 1, 1} || !first.Grids[0].Shares[0].Told {
		t.Fatalf("07:00: notices to vol-a, vol-c, lead-3: %v; %+v", got, first.Grids)
	}
	if _, err := f.store.Transition(ctx, a.ID, orders.StatusDelivered, "vol-a", "", at("2026-11-24", "09:00")); err != nil {
		t.Fatal(err)
	}

	// 13:00: the stops left, all known to their volunteers.
	res, err := r.Run(ctx, Roster, at("2026-11-24", "13:00"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Grids[0].Stops != 2 || res.Grids[1].Stops != 1 || len(res.Grids[0].Leads) != 0 {
		t.Fatalf("13:00: %+v", res.Grids)
	}
	for _, g := range res.Grids {
		for _, sh := range g.Shares {
			if sh.Told {
				t.Errorf("13:00 told %s again with nothing new", sh.Volunteer)
			}
		}
	}
	if got := sent(); got != [3]int{1, 1, 1} {
		t.Errorf("13:00 sent the same lists again: %v", got)
	}
	ro, err := f.store.Roster(ctx, "G1", at("2026-11-24", "13:00"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range ro.Shares {
		for _, st := range sh.Stops {
			if !st.Carried {
				t.Errorf("stop %s of the 13:00 round not labelled carried", st.OrderID)
			}
		}
	}

	// A new order of building 3 for the next round: vol-a and lead-3
	// hear, the carried stops labelled; vol-c (nothing new) does not.
	f.place(t, "3", "2", "501", at("2026-11-24", "10:00"), veg)
	if _, err := r.Run(ctx, Cutoff, at("2026-11-24", "20:00")); err != nil {
		t.Fatal(err)
	}
	if _, err = r.Run(ctx, Roster, at("2026-11-25", "07:00")); err != nil {
		t.Fatal(err)
	}
	if got := sent(); got != [3]int{2, 1, 2} {
		t.Fatalf("next day: notices to vol-a, vol-c, lead-3: %v, want 2 1 2", got)
	}
	last := f.rec.to("vol-a")[1].Text
	for _, want := range []string{"您负责3户", "【上一轮未送】3栋1单元102 鸡蛋1盒", "【上一轮未送】5栋1单元101", "3栋2单元501 蔬菜包1份"} {
		if !strings.Contains(last, want) {
			t.Errorf("vol-a's new list lacks %q:\n%s", want, last)
		}
	}
	if strings.Contains(last, "【上一轮未送】3栋2单元501") {
		t.Errorf("the new stop is labelled carried:\n%s", last)
	}
	if lead := f.rec.to("lead-3")[1].Text; !strings.Contains(lead, "2户 2单（其中1单上一轮未送）") {
		t.Errorf("lead's notice: %s", lead)
	}
	// Re-running the round sends nothing more (same notice ids).
	before := len(f.rec.order)
	if _, err := r.Run(ctx, Roster, at("2026-11-25", "07:00")); err != nil {
		t.Fatal(err)
	}
	if len(f.rec.order) != before {
		t.Errorf("a re-run queued %d more notices", len(f.rec.order)-before)
	}
}

// TestRoundTellsVolunteerWhoseStopMovedAway: a stop a volunteer was told
// of goes to someone else (the team grew): both hear.
func TestRoundTellsVolunteerWhoseStopMovedAway(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.comm.Grids[0].Volunteers = []string{"vol-a"}
	f.place(t, "3", "1", "101", at("2026-11-23", "15:00"), veg)
	f.place(t, "5", "1", "101", at("2026-11-23", "15:00"), veg)
	r := f.runner(at("2026-11-24", "07:00"))
	if _, err := r.Run(ctx, Roster, at("2026-11-24", "07:00")); err != nil {
		t.Fatal(err)
	}
	f.comm.Grids[0].Volunteers = []string{"vol-a", "vol-b"}
	res, err := r.Run(ctx, Roster, at("2026-11-24", "13:00"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range res.Grids[0].Shares {
		if !sh.Told || sh.Stops != 1 {
			t.Errorf("share %+v: want 1 stop, told", sh)
		}
	}
}

// TestPicklistCountsOnlyWhatIsLeftToPack: an order delivered before its
// day's pick list is not on it; one delivered after stays (it was
// packed), however often the list is shown.
func TestPicklistCountsOnlyWhatIsLeftToPack(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	day := "2026-11-24"
	early := f.place(t, "3", "1", "101", at(day, "09:00"), veg)
	late := f.place(t, "3", "1", "102", at(day, "10:00"), egg)
	f.place(t, "5", "1", "101", at(day, "11:00"), veg)
	if _, err := f.store.Transition(ctx, early.ID, orders.StatusDelivered, "lead-3", "楼栋长送达", at(day, "12:00")); err != nil {
		t.Fatal(err)
	}
	r := f.runner(at(day, "20:05"))
	res, err := r.Run(ctx, Picklist, at(day, "20:05"))
	if err != nil {
		t.Fatal(err)
	}
	if got := orders.Goods(res.Suppliers[0].Totals); got != "蔬菜包1份、鸡蛋1盒" {
		t.Errorf("pick list totals %s, want the delivered order left out", got)
	}
	if sm := f.rec.to("sm-boss"); len(sm) != 1 || !strings.Contains(sm[0].Text, "合计：蔬菜包1份、鸡蛋1盒") {
		t.Errorf("supermarket's notice: %+v", sm)
	}
	if _, err := f.store.Transition(ctx, late.ID, orders.StatusDelivered, "vol-a", "", at("2026-11-25", "08:00")); err != nil {
		t.Fatal(err)
	}
	again, err := f.runner(at("2026-11-25", "09:00")).Run(ctx, Picklist, at(day, "20:05"))
	if err != nil {
		t.Fatal(err)
	}
	if got := orders.Goods(again.Suppliers[0].Totals); again.Published || got != "蔬菜包1份、鸡蛋1盒" {
		t.Errorf("the list shown again: published %v, totals %s; want the same goods", again.Published, got)
	}
}
