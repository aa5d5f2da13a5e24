package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// newRxStore is a store whose catalog has insulin (rx, 10 in stock, 2 a
// household a day) and vegetables.
func newRxStore(t *testing.T) (*redisstore.Store, *catalog.Catalog) {
	t.Helper()
	cat, err := catalog.New([]catalog.Supplier{{ID: "ph", Name: "药房", Kind: catalog.KindPharmacy}}, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Stock: intp(10), LimitPerHousehold: 2},
		{SKU: "INS", Name: "胰岛素", Unit: "支", PriceFen: 6800, Stock: intp(10), LimitPerHousehold: 2, Supplier: "ph", Rx: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	if err := s.SetStock(context.Background(), map[string]int{"VEG": 10, "INS": 10}); err != nil {
		t.Fatal(err)
	}
	return s, cat
}

func ins(n int) orders.ItemRequest { return orders.ItemRequest{SKU: "INS", Qty: n} }

func placeRx(t *testing.T, s *redisstore.Store, cat *catalog.Catalog, room string, at time.Time) orders.Order {
	t.Helper()
	o, _, err := s.PlaceOrder(context.Background(), order(t, cat, room, at, veg(1), ins(2)), "req-"+room, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != orders.StatusAwaitingRx {
		t.Fatalf("placed %s, want awaiting_rx", o.Status)
	}
	return o
}

func TestAttachRx(t *testing.T) {
	ctx := context.Background()
	s, cat := newRxStore(t)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := placeRx(t, s, cat, "501", at)
	if left, _ := s.StockLeft(ctx); left["INS"] != 8 || left["VEG"] != 9 {
		t.Errorf("stock not reserved while awaiting: %v", left)
	}
	got, err := s.AttachRx(ctx, o.ID, "media-1", "rx:kept-1", "openid-501", at.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	read, _ := s.Order(ctx, o.ID)
	for _, x := range []orders.Order{got, read} {
		if x.Status != orders.StatusPending || x.Rx == nil || x.Rx.MediaID != "media-1" || x.Rx.Photo != "rx:kept-1" || x.Rx.PicURL != "" || x.Rx.Reviewed() {
			t.Errorf("after photo: %s %+v", x.Status, x.Rx)
		}
		if h := x.History[len(x.History)-1]; h.Status != orders.StatusPending || h.By != "openid-501" {
			t.Errorf("history %+v", h)
		}
	}
	// A second photo finds nothing awaiting.
	if again, err := s.AttachRx(ctx, o.ID, "media-2", "http://p/2.jpg", "openid-501", at); !errors.Is(err, orders.ErrConflict) || again.Rx.MediaID != "media-1" {
		t.Errorf("second photo: %v %+v", err, again.Rx)
	}
	if _, err := s.AttachRx(ctx, "999999", "m", "u", "x", at); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unknown order: %v", err)
	}
	if open, _ := s.OpenOrders(ctx, "G1"); len(open) != 1 || open[0].Status != orders.StatusPending {
		t.Errorf("queue after photo: %+v", open)
	}
}

func TestApproveRx(t *testing.T) {
	ctx := context.Background()
	s, cat := newRxStore(t)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := placeRx(t, s, cat, "501", at)
	got, err := s.ApproveRx(ctx, o.ID, "lead-3", "楼栋长", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != orders.StatusPending || !got.Rx.Reviewed() || got.Rx.By != "lead-3" || got.Rx.Note != "楼栋长" || !got.Rx.At.Equal(at.Add(time.Hour)) {
		t.Errorf("approved: %s %+v", got.Status, got.Rx)
	}
	// A photo later is refused: the order is not awaiting one.
	if _, err := s.AttachRx(ctx, o.ID, "m", "u", "openid-501", at); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("photo after approval: %v", err)
	}

	// A pending order with a photo gains the review and stays pending.
	p := placeRx(t, s, cat, "502", at)
	if _, err := s.AttachRx(ctx, p.ID, "m", "rx:kept-502", "openid-502", at); err != nil {
		t.Fatal(err)
	}
	got, err = s.ApproveRx(ctx, p.ID, "ph-boss", "药房", at)
	if err != nil || got.Status != orders.StatusPending || got.Rx.Photo != "rx:kept-502" || got.Rx.By != "ph-boss" {
		t.Errorf("approve after photo: %v %s %+v", err, got.Status, got.Rx)
	}
	// Out for delivery: too late.
	if _, err := s.Assign(ctx, p.ID, "vol", at, at); err != nil {
		t.Fatal(err)
	}
	if cur, err := s.ApproveRx(ctx, p.ID, "ph-boss", "药房", at); !errors.Is(err, orders.ErrConflict) || cur.Status != orders.StatusAssigned {
		t.Errorf("approve assigned: %v %s", err, cur.Status)
	}
}

func TestRejectRxGivesStockBack(t *testing.T) {
	ctx := context.Background()
	s, cat := newRxStore(t)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := placeRx(t, s, cat, "501", at)
	got, err := s.RejectRx(ctx, o.ID, "ph-boss", "照片看不清", at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	read, _ := s.Order(ctx, o.ID)
	for _, x := range []orders.Order{got, read} {
		if x.Status != orders.StatusCancelled || x.Rx == nil || x.Rx.By != "ph-boss" || x.Rx.Note != "照片看不清" {
			t.Errorf("rejected: %s %+v", x.Status, x.Rx)
		}
		if h := x.History[len(x.History)-1]; h.Status != orders.StatusCancelled || h.Note != "处方驳回：照片看不清" {
			t.Errorf("history keeps no reason: %+v", h)
		}
	}
	if left, _ := s.StockLeft(ctx); left["INS"] != 10 || left["VEG"] != 10 {
		t.Errorf("stock after rejection: %v", left)
	}
	// The limit is given back too: the household may order 2 again.
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, ins(2)), "again", nil); err != nil {
		t.Errorf("order after rejection: %v", err)
	}
	if _, err := s.RejectRx(ctx, o.ID, "ph-boss", "again", at); !errors.Is(err, orders.ErrConflict) {
		t.Errorf("reject twice: %v", err)
	}
	// Pending (with a photo): rejected; assigned: refused.
	p := placeRx(t, s, cat, "502", at)
	s.AttachRx(ctx, p.ID, "m", "u", "openid-502", at)
	if got, err := s.RejectRx(ctx, p.ID, "lead-3", "不是本人的处方", at); err != nil || got.Status != orders.StatusCancelled {
		t.Errorf("reject pending: %v %s", err, got.Status)
	}
	q := placeRx(t, s, cat, "503", at)
	s.AttachRx(ctx, q.ID, "m", "u", "openid-503", at)
	s.Assign(ctx, q.ID, "vol", at, at)
	if cur, err := s.RejectRx(ctx, q.ID, "lead-3", "晚了", at); !errors.Is(err, orders.ErrConflict) || cur.Status != orders.StatusAssigned {
		t.Errorf("reject assigned: %v %s", err, cur.Status)
	}
}

// TestRxPhotoAndReviewRace: a photo and a rejection arriving together;
// exactly one wins and stock is given back at most once.
func TestRxPhotoAndReviewRace(t *testing.T) {
	ctx := context.Background()
	s, cat := newRxStore(t)
	at := time.Now()
	for i := range 10 {
		o := placeRx(t, s, cat, "60"+string(rune('0'+i)), at)
		var wg sync.WaitGroup
		var attachErr, rejectErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, attachErr = s.AttachRx(ctx, o.ID, "m", "u", "r", at) }()
		go func() { defer wg.Done(); _, rejectErr = s.RejectRx(ctx, o.ID, "ph", "no", at) }()
		wg.Wait()
		if rejectErr != nil {
			t.Errorf("reject failed: %v", rejectErr) // pending or awaiting: both rejectable
		}
		_ = attachErr // may have won first or lost
		if cur, _ := s.Order(ctx, o.ID); cur.Status != orders.StatusCancelled {
			t.Errorf("order %s ended %s", o.ID, cur.Status)
		}
	}
	if left, _ := s.StockLeft(ctx); left["INS"] != 10 || left["VEG"] != 10 {
		t.Errorf("stock after races: %v", left)
	}
}

// TestRxReleasedAfterCutoffMovesToAnOpenDay: a prescription order released
// after its day's pick list went out counts for the next open day, so the
// next pick list carries it (a review found it on no list at all).
func TestRxReleasedAfterCutoffMovesToAnOpenDay(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o := order(t, cat, "501", at, veg(1))
	o.Status = orders.StatusAwaitingRx
	o, _, err := s.PlaceOrder(ctx, o, "rx-late", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.CloseDay(ctx, "2026-11-24", at.Add(11*time.Hour))
	s.CloseDay(ctx, "2026-11-25", at.Add(35*time.Hour))
	got, err := s.AttachRx(ctx, o.ID, "m", "http://p/1.jpg", "openid-501", at.Add(36*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if got.Day != "2026-11-26" || got.Status != orders.StatusPending {
		t.Errorf("released order: day %s status %s, want 2026-11-26 pending", got.Day, got.Status)
	}
}
