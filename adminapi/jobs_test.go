package adminapi

import (
	"context"
	"encoding/json"
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

// TestJobDefaultsFollowTheClock: a pick list asked for without a date is
// the day last closed (today's after the cutoff, yesterday's before it),
// and a pick list run without a slot sends that day's list now, both by
// the service's clock.
func TestJobDefaultsFollowTheClock(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cat, err := catalog.New([]catalog.Supplier{{ID: "sm", Name: "超市", Kind: "supermarket"}},
		[]catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Supplier: "sm"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	schedules := jobs.Schedules{jobs.Cutoff: {"0 20 * * *"}, jobs.Picklist: {"5 20 * * *"}, jobs.Roster: {"0 7 * * *", "0 13 * * *"}}
	community := &orders.Community{Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3"}}}, Calendar: schedules.Calendar()}
	place := func(room, day string) {
		o, err := orders.NewOrder(cat, orders.Address{Building: "3", Unit: "1", Room: room}, "G1",
			[]orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "x", orders.ChannelWeChat, time.Now(), sh)
		if err != nil {
			t.Fatal(err)
		}
		o.Day = day
		if _, _, err := store.PlaceOrder(ctx, o, "req-"+room, nil); err != nil {
			t.Fatal(err)
		}
	}
	place("101", "2026-11-23")
	place("102", "2026-11-24")
	place("103", "2026-11-25")
	store.CloseDay(ctx, "2026-11-23", time.Now())

	var now time.Time
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	signer := &signedurl.Signer{Key: []byte("k"), Base: "http://x", TTL: time.Hour}
	runner := &jobs.Runner{Store: store, Catalog: cat, Community: community, Location: sh, Log: log,
		Now: func() time.Time { return now }, Notify: nopNotifier{}, Links: nopLinks{}}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, community, runner)
	(&Server{Store: store, Community: community, Actions: acts, Token: token, Log: log, Now: func() time.Time { return now },
		Jobs: &Jobs{Runner: runner, Catalog: cat, Links: signer}}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, c := range []struct {
		now string
		// close: the cutoff that has passed by now
		close string
		day   string // of the pick list without a date, and of a run without a slot
	}{
		{"2026-11-24 19:59", "", "2026-11-23"},
		{"2026-11-24 20:01", "2026-11-24", "2026-11-24"},
		{"2026-11-24 23:59", "", "2026-11-24"},
		{"2026-11-25 00:01", "", "2026-11-24"},
		{"2026-11-25 07:59", "", "2026-11-24"},
	} {
		now, _ = time.ParseInLocation("2006-01-02 15:04", c.now, sh)
		if c.close != "" {
			store.CloseDay(ctx, c.close, now)
		}
		code, body := call(t, "GET", srv.URL+"/api/suppliers/sm/picklist?format=csv", token, "")
		if code != 200 || !strings.Contains(string(body), "备货单,"+c.day) || !strings.Contains(string(body), "G1,3,1,蔬菜包,1,份,1") {
			t.Errorf("%s: pick list without date: %d\n%s", c.now, code, body)
		}
		code, raw := call(t, "POST", srv.URL+"/api/jobs/picklist/run", token, "")
		var res jobs.Result
		json.Unmarshal(raw, &res)
		if code != 200 || !res.Slot.Equal(now) || res.Day != c.day {
			t.Errorf("%s: pick list run without slot: %d %s", c.now, code, raw)
		}
	}
}

type nopNotifier struct{}

func (nopNotifier) Enqueue(context.Context, ...jobs.Notice) error { return nil }

type nopLinks struct{}

func (nopLinks) Roster(string, time.Time, string) string { return "http://x/r" }
func (nopLinks) Picklist(string, string) string          { return "http://x/p" }
