package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func intp(n int) *int { return &n }

func testCatalog(t testing.TB, vegStock int) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Stock: intp(vegStock), LimitPerHousehold: 2},
		{SKU: "EGG", Name: "鸡蛋", Unit: "盒", PriceFen: 1500, Stock: intp(1000)},
		{SKU: "MED", Name: "布洛芬", Unit: "盒", PriceFen: 2800},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func newStore(t testing.TB, vegStock int) (*redisstore.Store, *catalog.Catalog) {
	t.Helper()
	cat := testCatalog(t, vegStock)
	s := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	if err := s.SetStock(context.Background(), map[string]int{"VEG": vegStock, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	return s, cat
}

func order(t testing.TB, cat *catalog.Catalog, room string, at time.Time, items ...orders.ItemRequest) orders.Order {
	t.Helper()
	o, err := orders.NewOrder(cat, orders.Address{Building: "3", Unit: "2", Room: room}, "G1", items, "openid-"+room, orders.ChannelWeChat, at, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func veg(n int) orders.ItemRequest { return orders.ItemRequest{SKU: "VEG", Qty: n} }

func TestPlaceAndRead(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	o, created, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(2), orders.ItemRequest{SKU: "MED", Qty: 1}), "req-1", nil)
	if err != nil || !created {
		t.Fatalf("place: %v created=%v", err, created)
	}
	if o.ID != "1001" {
		t.Errorf("first id = %s, want 1001", o.ID)
	}
	got, err := s.Order(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalFen != 12800 || got.Status != orders.StatusPending || len(got.Lines) != 2 || !got.CreatedAt.Equal(at) {
		t.Errorf("read back %+v", got)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 8 {
		t.Errorf("VEG left %d, want 8", left["VEG"])
	}
	list, err := s.Orders(ctx, orders.Filter{Grid: "G1", Day: "2026-11-24"})
	if err != nil || len(list) != 1 || list[0].ID != o.ID {
		t.Errorf("Orders = %v, %v", list, err)
	}
	if list, _ := s.Orders(ctx, orders.Filter{Day: "2026-11-25"}); len(list) != 0 {
		t.Errorf("other day listed %v", list)
	}
}

func TestPlaceIsIdempotentByRequestID(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Now()
	first, created, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "wx:m:42", nil)
	if err != nil || !created {
		t.Fatal(err)
	}
	again, created, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "wx:m:42", nil)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry: id %s created=%v err=%v, want %s false nil", again.ID, created, err, first.ID)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 9 {
		t.Errorf("retry took stock: left %d", left["VEG"])
	}
}

func TestShortagesWriteNothing(t *testing.T) {
	ctx := context.Background()
	at := time.Now()
	tests := []struct {
		name     string
		stock    int
		before   []orders.ItemRequest // placed first, same household
		items    []orders.ItemRequest
		kind     error
		wantLeft int
	}{
		{"sold out", 1, nil, []orders.ItemRequest{veg(2)}, orders.ErrSoldOut, 1},
		{"limit", 10, nil, []orders.ItemRequest{veg(3)}, orders.ErrLimit, 2},
		{"limit after earlier order", 10, []orders.ItemRequest{veg(2)}, []orders.ItemRequest{veg(1)}, orders.ErrLimit, 0},
		{"second line short, first untouched", 1, nil, []orders.ItemRequest{{SKU: "EGG", Qty: 3}, veg(2)}, orders.ErrSoldOut, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, cat := newStore(t, tt.stock)
			if tt.before != nil {
				if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, tt.before...), "before", nil); err != nil {
					t.Fatal(err)
				}
			}
			leftBefore, _ := s.StockLeft(ctx)
			_, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, tt.items...), "req", nil)
			var short *orders.ShortageError
			if !errors.As(err, &short) || !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
			if short.Left != tt.wantLeft {
				t.Errorf("left = %d, want %d", short.Left, tt.wantLeft)
			}
			leftAfter, _ := s.StockLeft(ctx)
			if fmt.Sprint(leftBefore) != fmt.Sprint(leftAfter) {
				t.Errorf("stock changed by a refused order: %v -> %v", leftBefore, leftAfter)
			}
			want := 0
			if tt.before != nil {
				want = 1
			}
			list, _ := s.HouseholdOrders(ctx, "3-2-501", 10)
			if len(list) != want {
				t.Errorf("refused order was written: %d orders", len(list))
			}
			// A refused request id must stay usable: the resident fixes
			// the message, which is a new message, but a retry of the
			// same one must not be answered with a phantom order.
			if _, created, err := s.PlaceOrder(ctx, order(t, cat, "502", at, orders.ItemRequest{SKU: "MED", Qty: 1}), "req", nil); err != nil || !created {
				t.Errorf("request id of a refused order was burnt: created=%v err=%v", created, err)
			}
		})
	}
}

func TestRaceForLastUnits(t *testing.T) {
	ctx := context.Background()
	const stock, racers = 50, 200
	s, cat := newStore(t, stock)
	at := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	sold, refused := 0, 0
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			room := fmt.Sprintf("%d", 101+i) // one household each: limits do not interfere
			_, _, err := s.PlaceOrder(ctx, order(t, cat, room, at, veg(1)), fmt.Sprintf("race-%d", i), nil)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				sold++
			case errors.Is(err, orders.ErrSoldOut):
				refused++
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if sold != stock || refused != racers-stock {
		t.Errorf("sold %d refused %d, want %d and %d", sold, refused, stock, racers-stock)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 0 {
		t.Errorf("left %d, want 0", left["VEG"])
	}
	list, _ := s.Orders(ctx, orders.Filter{})
	if len(list) != stock {
		t.Errorf("%d orders stored, want %d", len(list), stock)
	}
}

func TestCancelGivesBack(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Now()
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(2)), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	done, err := s.CancelOrder(ctx, o.ID, "openid-501", "居民取消", at.Add(time.Minute), nil)
	if err != nil || done.Status != orders.StatusCancelled || len(done.History) != 2 {
		t.Fatalf("cancel: %+v %v", done, err)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 10 {
		t.Errorf("stock not given back: %d", left["VEG"])
	}
	// The limit is given back too: the household may order 2 again.
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(2)), "r2", nil); err != nil {
		t.Errorf("limit not given back: %v", err)
	}
	again, err := s.CancelOrder(ctx, o.ID, "x", "", at, nil)
	if !errors.Is(err, orders.ErrConflict) || again.Status != orders.StatusCancelled {
		t.Errorf("second cancel: %v %v", again.Status, err)
	}
	if _, err := s.CancelOrder(ctx, "999999", "x", "", at, nil); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestConcurrentCancelGivesBackOnce(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "501", time.Now(), veg(2)), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.CancelOrder(ctx, o.ID, "x", "", time.Now(), nil)
		}()
	}
	wg.Wait()
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 10 {
		t.Errorf("left %d after 20 concurrent cancels, want 10", left["VEG"])
	}
}

func TestSetStockMovesByTheChange(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", time.Now(), veg(2)), "r1", nil); err != nil {
		t.Fatal(err)
	}
	// A restart with the same catalog changes nothing.
	if err := s.SetStock(ctx, map[string]int{"VEG": 10}); err != nil {
		t.Fatal(err)
	}
	left, _ := s.StockLeft(ctx)
	if left["VEG"] != 8 {
		t.Fatalf("restart reset stock: %d", left["VEG"])
	}
	// Raising the allocation by 100 adds 100.
	s.SetStock(ctx, map[string]int{"VEG": 110})
	left, _ = s.StockLeft(ctx)
	if left["VEG"] != 108 {
		t.Errorf("after raising total: %d, want 108", left["VEG"])
	}
}

func TestBinding(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 1)
	if _, err := s.Binding(ctx, "nobody"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unbound: %v", err)
	}
	b := orders.Binding{OpenID: "o1", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: time.Now().Truncate(time.Second)}
	if _, err := s.Bind(ctx, b, false); err != nil {
		t.Fatal(err)
	}
	got, err := s.Binding(ctx, "o1")
	if err != nil || got.Address != b.Address || got.Grid != "G1" || !got.At.Equal(b.At) {
		t.Errorf("got %+v %v", got, err)
	}
}

func TestRedisDownIsAnError(t *testing.T) {
	cat := testCatalog(t, 1)
	srv, err := redistest.Start()
	if err != nil {
		t.Skip(err)
	}
	c := redistest.ClientOf(srv)
	defer c.Close()
	s := redisstore.New(c, "down", cat)
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", time.Now(), veg(1)), "r", nil); err == nil {
		t.Error("PlaceOrder succeeded with Redis down")
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping succeeded with Redis down")
	}
}

func BenchmarkPlaceOrder(b *testing.B) {
	ctx := context.Background()
	s, cat := newStore(b, 1<<30)
	s.SetStock(ctx, map[string]int{"EGG": 1 << 30})
	at := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		o := order(b, cat, fmt.Sprintf("%d", 100+i%9000), at, orders.ItemRequest{SKU: "EGG", Qty: 1}, orders.ItemRequest{SKU: "MED", Qty: 1})
		if _, _, err := s.PlaceOrder(ctx, o, fmt.Sprintf("bench-%d", i), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlaceOrderParallel(b *testing.B) {
	ctx := context.Background()
	s, cat := newStore(b, 1<<30)
	s.SetStock(ctx, map[string]int{"EGG": 1 << 30})
	at := time.Now()
	var n sync.Mutex
	i := 0
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Lock()
			i++
			k := i
			n.Unlock()
			o := order(b, cat, fmt.Sprintf("%d", 100+k%9000), at, orders.ItemRequest{SKU: "EGG", Qty: 1})
			if _, _, err := s.PlaceOrder(ctx, o, fmt.Sprintf("pbench-%d", k), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestLimitCountersLiveTheirDays: an order of nothing limited writes no
// counters (the script skips their EXPIRE then); the first limited order
// starts them, and they expire only after their day: an order placed now
// may count for the day after tomorrow (orders.MaxClosedAhead), so they
// must outlive its end, three days away at most.
func TestLimitCountersLiveTheirDays(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, orders.ItemRequest{SKU: "EGG", Qty: 1}), "req-egg", nil); err != nil {
		t.Fatal(err)
	}
	if ttl, err := s.LimitsTTL(ctx, "2026-11-24", "3-2-501"); err != nil || ttl != -2 {
		t.Errorf("after eggs: counters ttl %v (%v), want none", ttl, err)
	}
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "req-veg", nil); err != nil {
		t.Fatal(err)
	}
	if ttl, err := s.LimitsTTL(ctx, "2026-11-24", "3-2-501"); err != nil || ttl <= time.Duration(orders.MaxClosedAhead+1)*24*time.Hour {
		t.Errorf("after vegetables: counters ttl %v (%v), want more than %d days", ttl, err, orders.MaxClosedAhead+1)
	}
	// The limit still counts the first order: 1 + 2 > 2.
	if _, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(2)), "req-veg-2", nil); !errors.Is(err, orders.ErrLimit) {
		t.Errorf("third order: %v, want the household limit", err)
	}
}
