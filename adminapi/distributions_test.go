package adminapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestDistribution(t *testing.T) {
	ctx := context.Background()
	free := 3
	cat, err := catalog.New(nil, []catalog.Item{
		{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000},
		{SKU: "VEG-FREE", Name: "政府蔬菜包", Unit: "份", Stock: &free, FreeOnly: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	store.SetStock(ctx, map[string]int{"VEG-FREE": free})
	loc, _ := time.LoadLocation("Asia/Shanghai")
	community := &orders.Community{Grids: []orders.Grid{
		{ID: "G1", Buildings: []string{"3", "5"}, Households: []string{"5-1-501"}},
		{ID: "G2", Buildings: []string{"6"}},
	}}
	// Known households: two bound, one with a lead's order, one in the
	// config, and one in another grid.
	for _, b := range []orders.Binding{
		{OpenID: "a", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1"},
		{OpenID: "b", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1"}, // same household
		{OpenID: "c", Address: orders.Address{Building: "3", Unit: "1", Room: "102"}, Grid: "G1"},
		{OpenID: "d", Address: orders.Address{Building: "6", Unit: "1", Room: "101"}, Grid: "G2"},
	} {
		if _, err := store.BindApproved(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	o, _ := orders.NewOrder(cat, orders.Address{Building: "3", Unit: "1", Room: "101"}, "G1", []orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "lead", orders.ChannelJielong, time.Now(), loc)
	if _, _, err := store.PlaceOrder(ctx, o, "lead-order", nil); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, community, nil)
	(&Server{Store: store, Community: community, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Actions: acts}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	post := func(body string) (int, orders.DistributionResult) {
		t.Helper()
		var res orders.DistributionResult
		code := callJSON(t, "POST", srv.URL+"/api/distributions", token, body, &res)
		return code, res
	}
	code, res := post(`{"id":"w48","sku":"VEG-FREE","per_household":1,"grids":["G1"]}`)
	if code != 200 || res.Households != 4 || len(res.Placed) != 3 || len(res.LeftOut) != 1 || res.LeftOut[0].Reason != orders.LeftOutSoldOut {
		t.Fatalf("first run: %d %+v", code, res)
	}
	// The household left out is the last in address order.
	if res.LeftOut[0].Household != "5-1-501" {
		t.Errorf("left out %s, want 5-1-501", res.LeftOut[0].Household)
	}
	// Run again: nobody gets a second pack; the one left out still waits.
	if _, again := post(`{"id":"w48","sku":"VEG-FREE","grids":["G1"]}`); len(again.Placed) != 0 || again.Already != 3 || len(again.LeftOut) != 1 {
		t.Errorf("second run: %+v", again)
	}
	// More packs arrive: the same distribution tops up the one left out.
	store.SetStock(ctx, map[string]int{"VEG-FREE": 10})
	if _, top := post(`{"id":"w48","sku":"VEG-FREE","grids":["G1"]}`); len(top.Placed) != 1 || top.Already != 3 || len(top.LeftOut) != 0 {
		t.Errorf("top-up: %+v", top)
	}
	list, _ := store.Orders(ctx, orders.Filter{Grid: "G1"})
	free4 := 0
	for _, o := range list {
		if o.Distribution == "w48" {
			free4++
			if o.TotalFen != 0 || o.Lines[0].PriceFen != 0 || o.Status != orders.StatusPending || o.Channel != orders.ChannelDistribution {
				t.Errorf("free order %+v", o)
			}
		}
	}
	if free4 != 4 {
		t.Errorf("%d free orders in G1, want 4", free4)
	}
	for _, body := range []string{`{"id":"x","sku":"NOPE"}`, `{"id":"x","sku":"VEG-FREE","grids":["G9"]}`, `{"id":"x","sku":"VEG-FREE","per_household":500}`, `{"sku":"VEG-FREE"}`, `nonsense`} {
		if code, _ := post(body); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", body, code)
		}
	}
	if code, raw := call(t, "GET", srv.URL+"/api/distributions/w48", token, ""); code != 200 {
		t.Errorf("get distribution: %d %s", code, raw)
	}
}
