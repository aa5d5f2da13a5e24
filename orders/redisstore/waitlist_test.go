package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// TestRefusalsCountedOncePerHousehold: units refused (sold out or over
// the limit) count per order day, each household once for the most it
// asked; a sold-out refusal is remembered for whoever placed the order.
func TestRefusalsCountedOncePerHousehold(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 3)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	place := func(room string, n int, req string) error {
		_, _, err := s.PlaceOrder(ctx, order(t, cat, room, at, veg(n)), req, nil)
		return err
	}
	if err := place("501", 2, "a"); err != nil {
		t.Fatal(err)
	}
	if err := place("501", 1, "b"); !errors.Is(err, orders.ErrLimit) {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := s.LastSoldOut(ctx, "openid-501"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("a limit refusal remembered as sold out: %v", err)
	}
	if err := place("502", 2, "c"); !errors.Is(err, orders.ErrSoldOut) {
		t.Fatalf("sold out: %v", err)
	}
	place("502", 1, "d") // fits: 1 left
	if err := place("503", 2, "e"); !errors.Is(err, orders.ErrSoldOut) {
		t.Fatalf("sold out: %v", err)
	}
	place("503", 1, "f") // asked again, for less: still 2
	got, err := s.Refused(ctx, "2026-11-24")
	if err != nil || got["VEG"] != 1+2+2 {
		t.Errorf("refused %v %v, want VEG 5 (501: 1, 502: 2, 503: 2)", got, err)
	}
	if sku, err := s.LastSoldOut(ctx, "openid-503"); sku != "VEG" || err != nil {
		t.Errorf("last sold out to 503: %q %v", sku, err)
	}
}

// TestWaitingListFirstComeFirstTold: waiters keep the order they asked
// in; asking again keeps one's place; those told leave the list.
func TestWaitingListFirstComeFirstTold(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 3)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	for i, who := range []string{"b", "a", "c"} {
		if place, added, err := s.Wait(ctx, "VEG", who, at.Add(time.Duration(i)*time.Second)); err != nil || place != i+1 || !added {
			t.Fatalf("%s waits: %d %v %v", who, place, added, err)
		}
	}
	if place, added, _ := s.Wait(ctx, "VEG", "a", at.Add(time.Hour)); place != 2 || added {
		t.Errorf("asking again: place %d, added %v", place, added)
	}
	ws, err := s.Waiters(ctx, "VEG", 2)
	if err != nil || len(ws) != 2 || ws[0].OpenID != "b" || ws[1].OpenID != "a" || !ws[1].At.Equal(at.Add(time.Second)) {
		t.Fatalf("first two: %+v %v", ws, err)
	}
	if err := s.Unwait(ctx, "VEG", ws); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Waiting(ctx, []string{"VEG", "EGG"}); n["VEG"] != 1 || n["EGG"] != 0 {
		t.Errorf("waiting after two were told: %v", n)
	}
}

// TestStockAddedKeepsOverRestarts: stock added at run time stays when the
// service restarts with the same catalog, and a catalog raised later adds
// the difference on top.
func TestStockAddedKeepsOverRestarts(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 3)
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", time.Now(), veg(2)), "a", nil); err != nil {
		t.Fatal(err)
	}
	if left, err := s.AddStock(ctx, "VEG", 5); left != 6 || err != nil {
		t.Fatalf("add: %d %v", left, err)
	}
	restart := func(total int) int {
		t.Helper()
		if err := s.SetStock(ctx, map[string]int{"VEG": total, "EGG": 1000}); err != nil {
			t.Fatal(err)
		}
		left, _ := s.StockLeft(ctx)
		return left["VEG"]
	}
	if got := restart(3); got != 6 {
		t.Errorf("restart with the same catalog: %d left, want 6", got)
	}
	if got := restart(10); got != 13 {
		t.Errorf("catalog raised by 7: %d left, want 13", got)
	}
}
