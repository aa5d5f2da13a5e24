package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// TestKeptMediaGoWithTheirData: a prescription photo baogong keeps goes
// when its order's personal data goes (the retention job, an erasure); a
// passed voice, named by its sender's pseudonym, goes when they are
// erased; someone else's stays.
func TestKeptMediaGoWithTheirData(t *testing.T) {
	ctx := context.Background()
	cat := testCatalog(t, 10)
	s := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := order(t, cat, "501", at, veg(1))
	o.PlacedBy = "o-elder"
	o.Rx = &orders.Prescription{MediaID: "m1", Photo: "rx:1001"}
	if _, _, err := s.PlaceOrder(ctx, o, "media-1", nil); err != nil {
		t.Fatal(err)
	}
	for key, ttl := range map[string]time.Duration{"rx:1001": time.Hour, "voice:" + orders.Pseudonym("o-elder") + ":ab12": time.Hour,
		"voice:" + orders.Pseudonym("o-other") + ":cd34": time.Hour} {
		if err := s.SaveMedia(ctx, key, "image/jpeg", []byte("data"), ttl); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.RedactOrders(ctx, at.Add(time.Hour), orders.Everyone(nil), func(orders.Order) bool { return true }); err != nil || n != 1 {
		t.Fatalf("redact: %d %v", n, err)
	}
	if _, _, err := s.Media(ctx, "rx:1001"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("the photo outlived its order's data: %v", err)
	}
	if got, _ := s.Order(ctx, "1001"); got.Rx == nil || got.Rx.Photo != "" {
		t.Errorf("the order still names its photo: %+v", got.Rx)
	}
	if _, err := s.Scrub(ctx, orders.NewErasure(orders.Subject{OpenID: "o-elder"}), ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Media(ctx, "voice:"+orders.Pseudonym("o-elder")+":ab12"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("the erased person's voice stayed: %v", err)
	}
	if _, _, err := s.Media(ctx, "voice:"+orders.Pseudonym("o-other")+":cd34"); err != nil {
		t.Errorf("someone else's voice went: %v", err)
	}
}
