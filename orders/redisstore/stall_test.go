package redisstore_test

import (
	"context"
	"testing"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders/redisstore"
)

// TestAddStockWhileRedisStalls: stock added once is added once, even when
// its script reaches Redis twice (sent, timed out while Redis stalls, sent
// again by the client).
func TestAddStockWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	rdb, stall := redistest.StallingClient(t, ":stock:left")
	s := redisstore.New(rdb, redistest.Community(t), testCatalog(t, 10))
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStock(ctx, "EGG", 1); err != nil { // loads the script
		t.Fatal(err)
	}
	stall.Arm()
	left, addErr := s.AddStock(ctx, "VEG", 5)
	stall.Wait(t)
	t.Logf("AddStock: %d, %v", left, addErr)
	// A round trip after the thaw: the server has run what it held.
	got, err := s.StockLeft(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got["VEG"] != 15 {
		t.Errorf("10 left, 5 added once: %d left", got["VEG"])
	}
	if addErr == nil && left != got["VEG"] {
		t.Errorf("AddStock said %d left, %d are", left, got["VEG"])
	}
}
