package redisstore_test

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

func TestPendingTakenOnce(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 10)
	if _, err := s.TakePending(ctx, "u1"); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("nothing saved: %v", err)
	}
	p := orders.Pending{RequestID: "wx:m:1", Household: "3-2-501", Heard: "我要八份挂面",
		Items: []orders.ItemRequest{{SKU: "NOODLE", Qty: 8}}, At: time.Date(2026, 11, 24, 10, 0, 0, 0, shanghai)}
	if err := s.SavePending(ctx, "u1", orders.Pending{RequestID: "wx:m:0"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePending(ctx, "u1", p, time.Minute); err != nil {
		t.Fatal(err)
	}
	// Many takes at once: exactly one gets it, the latest saved.
	var wg sync.WaitGroup
	got := make(chan orders.Pending, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, err := s.TakePending(ctx, "u1")
			if err == nil {
				got <- q
			} else if !errors.Is(err, orders.ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	close(got)
	var taken []orders.Pending
	for q := range got {
		taken = append(taken, q)
	}
	if len(taken) != 1 || !reflect.DeepEqual(taken[0].Items, p.Items) || taken[0].RequestID != p.RequestID || !taken[0].At.Equal(p.At) {
		t.Fatalf("taken %+v, want once %+v", taken, p)
	}
	if err := s.SavePending(ctx, "u2", p, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if _, err := s.TakePending(ctx, "u2"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("expired: %v", err)
	}
}
