package adminapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// slowStore holds the roster's read of a grid's orders until released,
// as a grid of 100 000 orders would.
type slowStore struct {
	*redisstore.Store
	release chan struct{}
}

func (s slowStore) OpenOrders(ctx context.Context, grid string) ([]orders.Order, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.Store.OpenOrders(ctx, grid)
}

type runFixture struct {
	srv   *httptest.Server
	store *redisstore.Store
	cat   *catalog.Catalog
	loc   *time.Location
	now   time.Time
}

func newRunFixture(t *testing.T, jobStore jobs.Store, store *redisstore.Store, cat *catalog.Catalog, now time.Time) *runFixture {
	t.Helper()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	f := &runFixture{store: store, cat: cat, loc: sh, now: now}
	community := &orders.Community{Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3"}, Volunteers: []string{"vol-a"}}}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return f.now }
	runner := &jobs.Runner{Store: jobStore, Catalog: cat, Community: community, Location: sh, Log: log,
		Now: clock, Notify: nopNotifier{}, Links: nopLinks{}}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, community, runner)
	(&Server{Store: store, Community: community, Actions: acts, Token: token, Log: log, Now: clock,
		Jobs: &Jobs{Runner: runner, Catalog: cat, Links: &signedurl.Signer{Key: []byte("k"), Base: "http://x", TTL: time.Hour}}}).Register(mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *runFixture) place(t *testing.T, room string) orders.Order {
	t.Helper()
	days, err := (orders.Calendar{}).Read(context.Background(), f.store, f.now, f.loc)
	if err != nil {
		t.Fatal(err)
	}
	o, err := orders.NewOrder(f.cat, orders.Address{Building: "3", Unit: "1", Room: room}, "G1",
		[]orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "x", orders.ChannelWeChat, f.now, f.loc)
	if err != nil {
		t.Fatal(err)
	}
	o.Day = days.Open
	o, _, err = f.store.PlaceOrder(context.Background(), o, fmt.Sprint("req-", room, f.now.UnixNano()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.New([]catalog.Supplier{{ID: "sm", Name: "超市", Kind: "supermarket"}},
		[]catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Supplier: "sm"}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestLongJobRunAnswersWithARunID: a roster that takes longer than the
// request may wait answers 202 with a run id at once; polling the id
// says running, then done with the result.
func TestLongJobRunAnswersWithARunID(t *testing.T) {
	cat := testCatalog(t)
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	slow := slowStore{Store: store, release: make(chan struct{})}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	f := newRunFixture(t, slow, store, cat, time.Date(2026, 11, 24, 15, 0, 0, 0, sh))
	f.place(t, "101")
	store.CloseDay(context.Background(), "2026-11-24", f.now.Add(-time.Minute))

	start := time.Now()
	code, body := call(t, "POST", f.srv.URL+"/api/jobs/roster/run?wait=200ms", token, "")
	var run RunJSON
	json.Unmarshal(body, &run)
	if code != http.StatusAccepted || run.ID == "" || run.Status != RunRunning || run.Poll != "/api/jobs/runs/"+run.ID {
		t.Fatalf("slow run: %d %s", code, body)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("answered after %v", took)
	}
	if code, body := call(t, "GET", f.srv.URL+run.Poll, token, ""); code != 200 || json.Unmarshal(body, &run) != nil || run.Status != RunRunning {
		t.Errorf("poll while running: %d %s", code, body)
	}
	close(slow.release)
	deadline := time.Now().Add(10 * time.Second)
	for run.Status == RunRunning && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		_, body = call(t, "GET", f.srv.URL+run.Poll, token, "")
		json.Unmarshal(body, &run)
	}
	if run.Status != RunDone || run.Result == nil || run.Result.Job != jobs.Roster || run.Result.Grids[0].Stops != 1 || run.FinishedAt == nil {
		t.Errorf("poll after the run: %s", body)
	}
	if code, _ := call(t, "GET", f.srv.URL+"/api/jobs/runs/0000", token, ""); code != http.StatusNotFound {
		t.Errorf("unknown run: %d", code)
	}
	if code, _ := call(t, "POST", f.srv.URL+"/api/jobs/nosuch/run", token, ""); code != http.StatusNotFound {
		t.Errorf("unknown job: %d", code)
	}
	if code, _ := call(t, "POST", f.srv.URL+"/api/jobs/roster/run?wait=1h", token, ""); code != http.StatusBadRequest {
		t.Errorf("wait past the write timeout: %d", code)
	}
}

// TestCutoffNowThenRoster: 截单 without a slot closes the open day now,
// before the 20:00 schedule; later orders count for the next day; a
// roster without a slot delivers what was closed and nothing after; after
// the day's cutoff 截单 refuses: it never closes a day ahead.
func TestCutoffNowThenRoster(t *testing.T) {
	cat := testCatalog(t)
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	f := newRunFixture(t, store, store, cat, time.Date(2026, 11, 24, 15, 0, 0, 0, sh))
	before := f.place(t, "101")
	var res ranJSON
	if code := callJSON(t, "POST", f.srv.URL+"/api/jobs/cutoff/run", token, "", &res); code != 200 || !res.Published || res.Day != "2026-11-24" || res.ID == "" {
		t.Fatalf("cutoff now: %d %+v", code, res)
	}
	f.now = f.now.Add(10 * time.Second)
	after := f.place(t, "102")
	if after.Day != "2026-11-25" {
		t.Errorf("an order after 截单 counts for %s", after.Day)
	}
	f.now = f.now.Add(10 * time.Second)
	if code := callJSON(t, "POST", f.srv.URL+"/api/jobs/roster/run", token, "", &res); code != 200 || !res.Published || res.Grids[0].Stops != 1 {
		t.Fatalf("roster now: %d %+v", code, res)
	}
	if o, _ := store.Order(context.Background(), before.ID); o.Status != orders.StatusAssigned {
		t.Errorf("the closed day's order is %s", o.Status)
	}
	if o, _ := store.Order(context.Background(), after.ID); o.Status != orders.StatusPending {
		t.Errorf("the open day's order is %s", o.Status)
	}
	// The pick list without a slot: the day just closed.
	if code := callJSON(t, "POST", f.srv.URL+"/api/jobs/picklist/run", token, "", &res); code != 200 || !res.Published || res.Day != "2026-11-24" {
		t.Errorf("pick list now: %d %+v", code, res)
	}

	// 21:00: today is closed. A second 截单 the same day closes nothing
	// (never tomorrow), and says so; nor does a slot of tomorrow.
	f.now = time.Date(2026, 11, 24, 21, 0, 0, 0, sh)
	for _, q := range []string{"", "?slot=2026-11-25T09:00:00%2B08:00"} {
		if code, body := call(t, "POST", f.srv.URL+"/api/jobs/cutoff/run"+q, token, ""); code != http.StatusConflict || !strings.Contains(string(body), "今天已经截单了") && q == "" {
			t.Errorf("a second 截单 %q: %d %s", q, code, body)
		}
	}
	if later := f.place(t, "103"); later.Day != "2026-11-25" {
		t.Errorf("an order after the second 截单 counts for %s", later.Day)
	}
	// The next morning 截单 closes that day.
	f.now = time.Date(2026, 11, 25, 10, 0, 0, 0, sh)
	if code := callJSON(t, "POST", f.srv.URL+"/api/jobs/cutoff/run", token, "", &res); code != 200 || !res.Published || res.Day != "2026-11-25" {
		t.Fatalf("cutoff the next morning: %d %+v", code, res)
	}
}
