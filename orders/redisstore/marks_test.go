package redisstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestHouseholdMarks(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 10)
	if ms, err := s.HouseholdMarks(ctx, "3-2-501"); err != nil || ms != nil {
		t.Fatalf("unmarked: %v %v", ms, err)
	}
	ms, err := s.AddMarks(ctx, "3-2-501", []orders.Mark{orders.MarkLowIncome})
	if err != nil || !reflect.DeepEqual(ms, []orders.Mark{orders.MarkLowIncome}) {
		t.Fatalf("add: %v %v", ms, err)
	}
	ms, _ = s.AddMarks(ctx, "3-2-501", []orders.Mark{orders.MarkAlone, orders.MarkLowIncome})
	if !reflect.DeepEqual(ms, []orders.Mark{orders.MarkAlone, orders.MarkLowIncome}) {
		t.Errorf("add again, in kind order: %v", ms)
	}
	s.SetMarks(ctx, "5-1-302", []orders.Mark{orders.MarkDialysis})
	all, err := s.AllMarks(ctx)
	if err != nil || len(all) != 2 || !reflect.DeepEqual(all["5-1-302"], []orders.Mark{orders.MarkDialysis}) {
		t.Errorf("all: %v %v", all, err)
	}
	ms, _ = s.RemoveMarks(ctx, "3-2-501", []orders.Mark{orders.MarkLowIncome, orders.MarkPregnant})
	if !reflect.DeepEqual(ms, []orders.Mark{orders.MarkAlone}) {
		t.Errorf("remove one: %v", ms)
	}
	if ms, _ = s.RemoveMarks(ctx, "3-2-501", nil); ms != nil {
		t.Errorf("remove all: %v", ms)
	}
	if ms, _ = s.SetMarks(ctx, "5-1-302", nil); ms != nil {
		t.Errorf("set none: %v", ms)
	}
	if all, _ := s.AllMarks(ctx); len(all) != 0 {
		t.Errorf("unmarked households stay in the index: %v", all)
	}
	if _, err := s.AddMarks(ctx, "3-2-501", []orders.Mark{"富豪"}); !errors.Is(err, orders.ErrInvalid) {
		t.Errorf("unknown mark: %v", err)
	}
}

func TestUrgentOrdersQueueFirst(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	var ids []string
	for i, room := range []string{"501", "502", "503", "504"} {
		o := order(t, cat, room, at.Add(time.Duration(i)*time.Minute), veg(1))
		o.Urgent = room == "503" || room == "504"
		placed, _, err := s.PlaceOrder(ctx, o, "req-"+room, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, placed.ID)
	}
	open, err := s.OpenOrders(ctx, "G1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range open {
		got = append(got, o.ID)
	}
	if want := []string{ids[2], ids[3], ids[0], ids[1]}; !reflect.DeepEqual(got, want) {
		t.Errorf("queue %v, want urgent first %v", got, want)
	}
	// Listings other than the queue stay by time.
	list, _ := s.Orders(ctx, orders.Filter{})
	if list[0].ID != ids[3] || list[3].ID != ids[0] {
		t.Errorf("newest first: %v", list)
	}
}

func TestClaimOrderFirstWins(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := order(t, cat, "501", at, veg(1))
	o.Urgent = true
	o, _, err := s.PlaceOrder(ctx, o, "req-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	// A roster round of vol-0 earlier today: a claim must not hide it.
	morning := at.Add(-2 * time.Hour)
	other := order(t, cat, "502", morning, veg(1))
	other, _, _ = s.PlaceOrder(ctx, other, "req-2", nil)
	if _, err := s.Assign(ctx, other.ID, "vol-0", morning, morning); err != nil {
		t.Fatal(err)
	}
	claim := at.Add(3 * time.Minute)
	var wg sync.WaitGroup
	holders := make([]string, 5)
	for i := range holders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vol := []string{"vol-0", "vol-1", "vol-2", "vol-3", "vol-4"}[i]
			_, h, err := s.ClaimOrder(ctx, o.ID, vol, claim)
			if err != nil {
				t.Error(err)
			}
			holders[i] = h
		}()
	}
	wg.Wait()
	for _, h := range holders[1:] {
		if h != holders[0] {
			t.Fatalf("holders disagree: %v", holders)
		}
	}
	got, _ := s.Order(ctx, o.ID)
	if got.Status != orders.StatusAssigned || got.Assignee != holders[0] || !got.Slot.Equal(claim) {
		t.Errorf("claimed order: %s %s %v", got.Status, got.Assignee, got.Slot)
	}
	if who, _ := s.Claimant(ctx, o.ID); who != holders[0] {
		t.Errorf("claimant %q", who)
	}
	if _, h, err := s.ClaimOrder(ctx, o.ID, holders[0], claim); err != nil || h != holders[0] {
		t.Errorf("holder claims again: %q %v", h, err)
	}
	if grid, slot, err := s.Round(ctx, "vol-0"); err != nil || grid != "G1" || !slot.Equal(morning) {
		t.Errorf("round of vol-0 after a claim: %s %v %v", grid, slot, err)
	}
	// Nobody can claim an order on a roster or gone.
	if _, h, err := s.ClaimOrder(ctx, other.ID, "vol-9", claim); !errors.Is(err, orders.ErrConflict) || h != "" {
		t.Errorf("claim a rostered order: %q %v", h, err)
	}
	if who, _ := s.Claimant(ctx, other.ID); who != "" {
		t.Errorf("a refused claim stays: %q", who)
	}
	if _, _, err := s.ClaimOrder(ctx, "999999", "vol-9", claim); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("claim unknown: %v", err)
	}
}

// TestClusterMarksAndClaims runs the marks and claim scripts and the
// urgent queue score on a real cluster: every key in one slot.
func TestClusterMarksAndClaims(t *testing.T) {
	ctx := context.Background()
	rdb := clusterClient(t)
	c := communitiesOnNodes(t, rdb, 1)[0]
	cat := testCatalog(t, 10)
	s := redisstore.New(rdb, c, cat)
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 10}); err != nil {
		t.Fatal(err)
	}
	if ms, err := s.AddMarks(ctx, "3-2-501", []orders.Mark{orders.MarkAlone}); err != nil || len(ms) != 1 {
		t.Fatalf("add marks: %v %v", ms, err)
	}
	if ms, err := s.RemoveMarks(ctx, "3-2-501", nil); err != nil || ms != nil {
		t.Fatalf("remove marks: %v %v", ms, err)
	}
	o := order(t, cat, "501", time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai), veg(1))
	o.Urgent = true
	o, _, err := s.PlaceOrder(ctx, o, "req-c", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, h, err := s.ClaimOrder(ctx, o.ID, "vol-a", time.Now()); err != nil || h != "vol-a" || got.Status != orders.StatusAssigned {
		t.Fatalf("claim: %s %q %v", got.Status, h, err)
	}
	keysLandOnOneNode(t, rdb, c)
}
