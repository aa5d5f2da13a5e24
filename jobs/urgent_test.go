package jobs

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// placeUrgent places an urgent order, as the bot does for 急 (without the
// bot's push: the job pushes what nobody pushed).
func (f *fixture) placeUrgent(t *testing.T, b, u, room string, at time.Time, items ...orders.ItemRequest) orders.Order {
	t.Helper()
	return f.placeWith(t, func(o *orders.Order) { o.Urgent = true }, b, u, room, at, items...)
}

func TestUrgentEscalatesOnceAfterClaimTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.comm.Admins = []string{"admin-1", "admin-2"}
	f.comm.UrgentClaim = 30 * time.Minute
	pushed := f.placeUrgent(t, "3", "2", "501", at("2026-11-24", "10:00"), ibu)
	claimed := f.placeUrgent(t, "3", "2", "502", at("2026-11-24", "10:00"), ibu)
	f.place(t, "3", "2", "503", at("2026-11-24", "09:00"), veg) // not urgent
	f.store.MarkOnce(ctx, "urgent-pushed:"+pushed.ID)           // as the bot does
	f.store.AddMarks(ctx, "3-2-501", []orders.Mark{orders.MarkDialysis})

	run := func(now time.Time) Result {
		t.Helper()
		res, err := f.runner(now).Run(ctx, Urgent, now)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// 10:01: the order nobody pushed is pushed to the grid's volunteers
	// and lead; the one the bot pushed is not pushed again.
	if res := run(at("2026-11-24", "10:01")); !reflect.DeepEqual(res.Pushed, []string{claimed.ID}) || res.Escalated != nil {
		t.Fatalf("10:01: %+v", res)
	}
	for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
		if n := f.rec.to(u); len(n) != 1 || !strings.HasPrefix(n[0].Text, "【急】3栋2单元502 布洛芬缓释胶囊1盒") {
			t.Errorf("pushed to %s: %+v", u, n)
		}
	}
	if _, _, err := f.store.ClaimOrder(ctx, claimed.ID, "vol-b", at("2026-11-24", "10:05")); err != nil {
		t.Fatal(err)
	}
	if res := run(at("2026-11-24", "10:29")); res.Published {
		t.Errorf("10:29, before the claim time: %+v", res)
	}
	res := run(at("2026-11-24", "10:30"))
	if !reflect.DeepEqual(res.Escalated, []string{pushed.ID}) {
		t.Fatalf("10:30: %+v", res)
	}
	for _, a := range f.comm.Admins {
		n := f.rec.to(a)
		if len(n) != 1 || n[0].ID != "urgent-admin:"+pushed.ID+":"+a {
			t.Fatalf("admin %s: %+v", a, n)
		}
		want := "【急·没人领取】订单" + pushed.ID + "已等30分钟，G1网格还没有人领取。\n3栋2单元501（透析）布洛芬缓释胶囊1盒\n请安排人手；自己去送请回复：领取 " + pushed.ID
		if n[0].Text != want || n[0].Brief == nil || n[0].Brief.Ref != pushed.ID {
			t.Errorf("escalation:\n%s\nwant\n%s", n[0].Text, want)
		}
	}
	// Later runs, here or on another replica, tell nobody again.
	if res := run(at("2026-11-24", "10:45")); res.Published {
		t.Errorf("10:45: %+v", res)
	}
	if n := f.rec.to("admin-1"); len(n) != 1 {
		t.Errorf("admin told again: %+v", n)
	}
}

func TestUrgentWithNobodyInTheGridGoesToAdminsAtOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.comm.Admins = []string{"admin-1"}
	o := f.placeUrgent(t, "6", "1", "101", at("2026-11-24", "10:00"), ibu)
	res, err := f.runner(at("2026-11-24", "10:01")).Run(ctx, Urgent, at("2026-11-24", "10:01"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Pushed != nil || !reflect.DeepEqual(res.Escalated, []string{o.ID}) {
		t.Fatalf("%+v", res)
	}
	if n := f.rec.to("admin-1"); len(n) != 1 || !strings.HasPrefix(n[0].Text, "【急·没人可派】G2网格") {
		t.Errorf("admin: %+v", n)
	}
}

func TestRosterPutsUrgentAndMarkedFirstAndLeavesClaimsOut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.comm.Grids[0].Volunteers = []string{"vol-a"}
	day := "2026-11-24"
	f.place(t, "3", "1", "101", at(day, "08:00"), veg)
	f.place(t, "3", "1", "102", at(day, "08:01"), egg)
	f.place(t, "5", "1", "101", at(day, "08:02"), veg)
	urgent := f.placeUrgent(t, "5", "2", "201", at(day, "09:00"), ibu)
	taken := f.placeUrgent(t, "3", "2", "501", at(day, "09:30"), ibu)
	f.store.AddMarks(ctx, "3-1-102", []orders.Mark{orders.MarkAlone, orders.MarkLowIncome})
	if _, _, err := f.store.ClaimOrder(ctx, taken.ID, "vol-a", at(day, "09:31")); err != nil {
		t.Fatal(err)
	}
	r := f.runner(at(day, "20:00"))
	if _, err := r.Run(ctx, Cutoff, at(day, "20:00")); err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(ctx, Roster, at("2026-11-25", "07:00"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Grids[0].Stops != 4 {
		t.Errorf("stops %d, want 4 (the claimed order stays with its claimer)", res.Grids[0].Stops)
	}
	n := f.rec.to("vol-a")
	if len(n) != 1 {
		t.Fatalf("roster notices: %+v", n)
	}
	want := "1. 【急】5栋2单元201 布洛芬缓释胶囊1盒，应收28元\n2. 3栋1单元102（独居老人、低保）鸡蛋1盒，应收30元\n3. 3栋1单元101 蔬菜包1份，应收50元\n4. 5栋1单元101 蔬菜包1份，应收50元\n"
	if !strings.Contains(n[0].Text, want) {
		t.Errorf("roster message:\n%s\nwant the stops\n%s", n[0].Text, want)
	}
	if o, _ := f.store.Order(ctx, taken.ID); o.Assignee != "vol-a" || !o.Slot.Equal(at(day, "09:31")) {
		t.Errorf("claimed order moved: %s %v", o.Assignee, o.Slot)
	}
	if o, _ := f.store.Order(ctx, urgent.ID); o.Status != orders.StatusAssigned {
		t.Errorf("urgent order not assigned: %s", o.Status)
	}
}
