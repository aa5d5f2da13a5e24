package adminapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// BenchmarkRosterThroughAPI100k: POST /api/jobs/roster/run over 100 000
// open orders in 10 grids of 3 volunteers each, on a real redis-server:
// read, build, store, assign and tell, end to end. Each run is a later
// round, so every stop is assigned again (carried over).
func BenchmarkRosterThroughAPI100k(b *testing.B) {
	const n, grids = 100_000, 10
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cat, err := catalog.New([]catalog.Supplier{{ID: "sm", Name: "超市", Kind: "supermarket"}}, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Supplier: "sm"},
		{SKU: "EGG", Name: "鸡蛋", Unit: "盒", PriceFen: 3000, Supplier: "sm"}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	store := redisstore.New(redistest.Client(b), redistest.Community(b), cat)
	community := &orders.Community{}
	for g := range grids {
		community.Grids = append(community.Grids, orders.Grid{ID: "G" + strconv.Itoa(g), Buildings: []string{strconv.Itoa(g + 1)},
			Volunteers: []string{fmt.Sprintf("v%d-a", g), fmt.Sprintf("v%d-b", g), fmt.Sprintf("v%d-c", g)}})
	}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, sh)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				g := i % grids
				addr := orders.Address{Building: strconv.Itoa(g + 1), Unit: strconv.Itoa(1 + i/grids%4), Room: strconv.Itoa(101 + i/grids/4)}
				o, err := orders.NewOrder(cat, addr, "G"+strconv.Itoa(g), []orders.ItemRequest{{SKU: "VEG", Qty: 1}, {SKU: "EGG", Qty: 1}},
					"r"+strconv.Itoa(i), orders.ChannelWeChat, at, sh)
				if err == nil {
					_, _, err = store.PlaceOrder(ctx, o, "bench-"+strconv.Itoa(i), nil)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	store.CloseDay(ctx, "2026-11-24", at)
	now := at.Add(24 * time.Hour)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := &jobs.Runner{Store: store, Catalog: cat, Community: community, Location: sh, Log: log,
		Now: func() time.Time { return now }, Notify: nopNotifier{}, Links: nopLinks{}}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, community, runner)
	(&Server{Store: store, Community: community, Actions: acts, Token: token, Log: log, Now: func() time.Time { return now },
		Jobs: &Jobs{Runner: runner, Catalog: cat, Links: &signedurl.Signer{Key: []byte("k"), Base: "http://x", TTL: time.Hour}}}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if os.Getenv("BAOGONG_BENCH_REDIS_STATS") != "" {
		redistest.Client(b).ConfigResetStat(ctx)
	}
	b.ResetTimer()
	for i := range b.N {
		slot := now.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		code, body := call(b, "POST", srv.URL+"/api/jobs/roster/run?wait=8s&slot="+url.QueryEscape(slot), token, "")
		for code == http.StatusAccepted {
			// Longer than a request waits: poll the run, as a client does.
			var run RunJSON
			json.Unmarshal(body, &run)
			time.Sleep(100 * time.Millisecond)
			code, body = call(b, "GET", srv.URL+run.Poll, token, "")
			json.Unmarshal(body, &run)
			if code == 200 && run.Status == RunRunning {
				code = http.StatusAccepted
			}
		}
		if code != 200 {
			b.Fatalf("roster: %d %.300s", code, body)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n), "orders")
	if os.Getenv("BAOGONG_BENCH_REDIS_STATS") != "" {
		info, _ := redistest.Client(b).Info(ctx, "commandstats").Result()
		os.WriteFile(os.Getenv("BAOGONG_BENCH_REDIS_STATS"), []byte(info), 0o644)
	}
}
