package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

func TestUpdateLinesMovesByTheDifference(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Now()
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1), orders.ItemRequest{SKU: "EGG", Qty: 5}), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	update := func(reqs ...orders.ItemRequest) (orders.Order, error) {
		lines, total, err := orders.Lines(cat, reqs)
		if err != nil {
			t.Fatal(err)
		}
		return s.UpdateLines(ctx, o.ID, lines, total, "lead", at)
	}
	// 1 veg + 5 eggs -> 2 veg + 1 medicine: veg -1, eggs +5 back.
	got, err := update(veg(2), orders.ItemRequest{SKU: "MED", Qty: 1})
	if err != nil || got.TotalFen != 2*5000+2800 {
		t.Fatalf("update: %+v %v", got, err)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 8 || left["EGG"] != 1000 {
		t.Errorf("stock after update: %v", left)
	}
	// Over the limit of 2: refused, nothing changes.
	if _, err := update(veg(3)); !errors.Is(err, orders.ErrLimit) {
		t.Errorf("over limit: %v", err)
	}
	again, _ := s.Order(ctx, o.ID)
	if len(again.Lines) != 2 || again.Lines[0].Qty != 2 {
		t.Errorf("refused update changed the order: %+v", again.Lines)
	}
	// A delivered order cannot change.
	if _, err := s.Transition(ctx, o.ID, orders.StatusDelivered, "lead", "", at); err != nil {
		t.Fatal(err)
	}
	if _, err := update(veg(1)); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("update after delivery: %v", err)
	}
}

func TestDeliverAndReceive(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Now()
	o, _, _ := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "r1", nil)
	if open, _ := s.OpenOrders(ctx, "G1"); len(open) != 1 {
		t.Fatalf("queue: %v", open)
	}
	d, err := s.Transition(ctx, o.ID, orders.StatusDelivered, "lead-3", "送达", at)
	if err != nil || d.Status != orders.StatusDelivered || d.History[1].By != "lead-3" {
		t.Fatalf("deliver: %+v %v", d, err)
	}
	if open, _ := s.OpenOrders(ctx, "G1"); len(open) != 0 {
		t.Errorf("delivered order still queued: %v", open)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 9 {
		t.Errorf("delivery gave stock back: %v", left)
	}
	if _, err := s.Transition(ctx, o.ID, orders.StatusDelivered, "lead-3", "", at); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("deliver twice: %v", err)
	}
	if r, err := s.Transition(ctx, o.ID, orders.StatusReceived, "openid-501", "", at); err != nil || r.Status != orders.StatusReceived {
		t.Errorf("receive: %v %v", r.Status, err)
	}
	if _, err := s.CancelOrder(ctx, o.ID, "x", "", at, nil); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("cancel after receipt: %v", err)
	}
}

func TestHouseholdUsersFollowRebinding(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 1)
	bind := func(openid, room string) {
		t.Helper()
		if _, err := s.BindApproved(ctx, orders.Binding{OpenID: openid, Address: orders.Address{Building: "3", Unit: "2", Room: room}, Grid: "G1", At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	bind("mum", "501")
	bind("son", "501")
	bind("son", "502") // moved
	if u, _ := s.HouseholdUsers(ctx, "3-2-501"); fmt.Sprint(u) != "[mum]" {
		t.Errorf("501: %v", u)
	}
	if u, _ := s.HouseholdUsers(ctx, "3-2-502"); fmt.Sprint(u) != "[son]" {
		t.Errorf("502: %v", u)
	}
	bind("son", "502") // again: no change
	if u, _ := s.HouseholdUsers(ctx, "3-2-502"); fmt.Sprint(u) != "[son]" {
		t.Errorf("502 after rebinding the same: %v", u)
	}
}

func TestLeadsAndLists(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 1)
	if err := s.AddLead(ctx, orders.Lead{OpenID: "l1", Buildings: []string{"3", "5"}}); err != nil {
		t.Fatal(err)
	}
	if ls, _ := s.Leads(ctx); len(ls) != 1 || fmt.Sprint(ls[0].Buildings) != "[3 5]" {
		t.Errorf("leads: %+v", ls)
	}
	if err := s.RemoveLead(ctx, "l1"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveLead(ctx, "l1"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("remove twice: %v", err)
	}
	ws := []orders.ListWrite{
		{Entry: orders.ListEntry{Household: "3-2-501", OrderID: "1001", Line: 2}},
		{Entry: orders.ListEntry{Household: "3-2-502", OrderID: "1002", Line: 3}},
	}
	if _, err := s.WriteList(ctx, "k1", "list-1", ws); err != nil {
		t.Fatal(err)
	}
	ws[1].Entry.Line = 4
	if _, err := s.WriteList(ctx, "k2", "list-1", ws[1:]); err != nil {
		t.Fatal(err)
	}
	es, err := s.ListEntries(ctx, "list-1")
	if err != nil || len(es) != 2 || es["3-2-502"] != ws[1].Entry || es["3-2-501"] != ws[0].Entry {
		t.Errorf("entries: %v %v", es, err)
	}
}

// TestRosterNeverTakesAClaimedOrder: a claim (领取) landing while a roster
// is applied wins; the roster's Assign is refused.
func TestRosterNeverTakesAClaimedOrder(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Now()
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, holder, err := s.ClaimOrder(ctx, o.ID, "vol-a", at); err != nil || holder != "vol-a" {
		t.Fatalf("claim: %s %v", holder, err)
	}
	if _, err := s.Assign(ctx, o.ID, "vol-b", at.Add(time.Hour), at); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("roster assigned a claimed order: %v", err)
	}
	got, _ := s.Order(ctx, o.ID)
	if got.Assignee != "vol-a" || got.ClaimedBy != "vol-a" {
		t.Errorf("order now with %s (claimed by %s)", got.Assignee, got.ClaimedBy)
	}
}
