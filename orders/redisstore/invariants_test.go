package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// The scripts keep their invariants whatever the caller sends: these
// tests call the store as a careless caller would.

// TestRepeatedSKUCannotOversell places an order with the same SKU on two
// lines against a stock of one: both lines count together.
func TestRepeatedSKUCannotOversell(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 1)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := order(t, cat, "501", at, veg(1))
	o.Lines = append(o.Lines, o.Lines[0]) // VEG×1 twice, not merged
	_, _, err := s.PlaceOrder(ctx, o, "req-twice", nil)
	var short *orders.ShortageError
	if !errors.As(err, &short) || !errors.Is(err, orders.ErrSoldOut) {
		t.Fatalf("two lines of 1 against stock 1: %v", err)
	}
	if left, _ := s.StockLeft(ctx); left["VEG"] != 1 {
		t.Errorf("stock left %d after a refused order, want 1", left["VEG"])
	}
	// The household limit (2) counts both lines too.
	s2, cat2 := newStore(t, 10)
	o = order(t, cat2, "502", at, veg(2))
	o.Lines = append(o.Lines, o.Lines[0])
	if _, _, err := s2.PlaceOrder(ctx, o, "req-limit", nil); !errors.Is(err, orders.ErrLimit) {
		t.Fatalf("two lines of 2 against a limit of 2: %v", err)
	}
}

// TestStockLoweredBelowSold lowers the catalog's total below what was
// ordered: nothing is left (not a negative number) and the store says so.
func TestStockLoweredBelowSold(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	for _, room := range []string{"501", "502", "503"} {
		if _, _, err := s.PlaceOrder(ctx, order(t, cat, room, at, veg(2)), "req-"+room, nil); err != nil {
			t.Fatal(err)
		}
	}
	err := s.SetStock(ctx, map[string]int{"VEG": 4, "EGG": 1000})
	var over *orders.OversoldError
	if !errors.As(err, &over) || over.Over["VEG"] != 2 || len(over.Over) != 1 {
		t.Fatalf("lowered to 4 after 6 sold: %v", err)
	}
	if left, _ := s.StockLeft(ctx); left["VEG"] != 0 {
		t.Errorf("left %d, want 0", left["VEG"])
	}
	// Raising it again leaves the new total less what was sold.
	if err := s.SetStock(ctx, map[string]int{"VEG": 14, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.StockLeft(ctx); left["VEG"] != 8 {
		t.Errorf("left %d after raising to 14 with 6 sold, want 8", left["VEG"])
	}
}

// TestGivingBackNeverMakesNegativeCounters cancels an order whose day's
// limit counters have expired, then updates one: no counter goes below
// zero, so no household can later order past its limit.
func TestGivingBackNeverMakesNegativeCounters(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 100)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	a, _, err := s.PlaceOrder(ctx, order(t, cat, "601", at, veg(2)), "req-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The household's counters are gone (the day ended long ago).
	if err := s.ForgetLimits(ctx, a.Day, a.Household()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateLines(ctx, a.ID, []orders.Line{{SKU: "VEG", Name: "蔬菜包", Qty: 1, Unit: "份", PriceFen: 5000}}, 5000, "lead", at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelOrder(ctx, a.ID, "lead", "", at, nil); err != nil {
		t.Fatal(err)
	}
	// The same day: the household may order its full limit, no more.
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "601", at, veg(2)), "req-b", nil); err != nil {
		t.Fatalf("full limit after give-backs: %v", err)
	}
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "601", at, veg(1)), "req-c", nil); !errors.Is(err, orders.ErrLimit) {
		t.Fatalf("past the limit after give-backs: %v", err)
	}
}

// TestClaimIsOneStep claims orders that cannot be claimed: nothing, not
// even the claim key, is left behind; and the first claim of a pending
// order wins whole.
func TestClaimIsOneStep(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 100)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "701", at, veg(1)), "req-701", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelOrder(ctx, o.ID, "resident", "", at, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimOrder(ctx, o.ID, "vol-a", at); !errors.Is(err, orders.ErrConflict) {
		t.Fatalf("claim of a cancelled order: %v", err)
	}
	if who, _ := s.Claimant(ctx, o.ID); who != "" {
		t.Errorf("a refused claim left claimant %q", who)
	}
	p, _, err := s.PlaceOrder(ctx, order(t, cat, "702", at, veg(1)), "req-702", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, holder, err := s.ClaimOrder(ctx, p.ID, "vol-a", at)
	if err != nil || holder != "vol-a" || got.Status != orders.StatusAssigned || got.Assignee != "vol-a" {
		t.Fatalf("first claim: %+v %q %v", got, holder, err)
	}
	if _, holder, err := s.ClaimOrder(ctx, p.ID, "vol-b", at); err != nil || holder != "vol-a" {
		t.Fatalf("second claim: %q %v", holder, err)
	}
	if read, _ := s.Order(ctx, p.ID); read.Assignee != "vol-a" || read.ClaimedBy != "vol-a" {
		t.Errorf("order after two claims: %+v", read)
	}
}

// TestUrgentOrdersOnly: the urgent job's read returns the urgent orders of
// a grid and nothing else.
func TestUrgentOrdersOnly(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 100)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	var urgentIDs []string
	for i, room := range []string{"801", "802", "803", "804"} {
		o := order(t, cat, room, at.Add(time.Duration(i)*time.Minute), veg(1))
		o.Urgent = i%2 == 1
		placed, _, err := s.PlaceOrder(ctx, o, "req-u-"+room, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o.Urgent {
			urgentIDs = append(urgentIDs, placed.ID)
		}
	}
	got, err := s.UrgentOrders(ctx, "G1")
	if err != nil || len(got) != 2 || got[0].ID != urgentIDs[0] || got[1].ID != urgentIDs[1] {
		t.Fatalf("urgent orders: %+v %v, want %v", got, err, urgentIDs)
	}
}
