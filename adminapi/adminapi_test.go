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
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const token = "admin-token-0123456789"

func setup(t *testing.T) (*httptest.Server, *redisstore.Store) {
	t.Helper()
	cat, err := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	ctx := context.Background()
	place := func(room, grid string, at time.Time) orders.Order {
		o, err := orders.NewOrder(cat, orders.Address{Building: "3", Unit: "2", Room: room}, grid,
			[]orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "openid-"+room, orders.ChannelWeChat, at, loc)
		if err != nil {
			t.Fatal(err)
		}
		o, _, err = store.PlaceOrder(ctx, o, "req-"+room, nil)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	day1 := time.Date(2026, 11, 23, 10, 0, 0, 0, loc)
	place("101", "G1", day1)
	place("102", "G2", day1.Add(time.Hour))
	c := place("103", "G1", day1.Add(24*time.Hour))
	if _, err := store.CancelOrder(ctx, c.ID, "admin", "", day1.Add(25*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&Server{Store: store, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, store
}

// call makes one API request (bearer "" sends none) and returns the
// status and raw body.
func call(t testing.TB, method, url, bearer, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// callJSON is call with the body decoded into out.
func callJSON(t *testing.T, method, url, bearer, body string, out any) int {
	t.Helper()
	code, raw := call(t, method, url, bearer, body)
	json.Unmarshal(raw, out)
	return code
}

func get(t *testing.T, url, bearer string) (int, map[string]any) {
	t.Helper()
	var body map[string]any
	code := callJSON(t, "GET", url, bearer, "", &body)
	return code, body
}

func TestListOrders(t *testing.T) {
	srv, _ := setup(t)
	rooms := func(body map[string]any) []string {
		var out []string
		for _, o := range body["orders"].([]any) {
			out = append(out, o.(map[string]any)["address"].(map[string]any)["room"].(string))
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"103", "102", "101"}}, // newest first
		{"?grid=G1", []string{"103", "101"}},
		{"?status=pending", []string{"102", "101"}},
		{"?status=cancelled", []string{"103"}},
		{"?date=2026-11-23", []string{"102", "101"}},
		{"?date=2026-11-23&grid=G2", []string{"102"}},
		{"?date=2026-11-30", nil},
		{"?limit=1", []string{"103"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			code, body := get(t, srv.URL+"/api/orders"+tt.query, token)
			if code != 200 {
				t.Fatalf("status %d %v", code, body)
			}
			if got := rooms(body); len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) || (len(got) > 1 && got[len(got)-1] != tt.want[len(tt.want)-1]) {
				t.Errorf("rooms %v, want %v", got, tt.want)
			}
		})
	}
	code, body := get(t, srv.URL+"/api/orders?date=2026-11-23", token)
	o := body["orders"].([]any)[1].(map[string]any)
	for _, k := range []string{"id", "grid", "address", "items", "status", "placed_by", "created_at"} {
		if _, ok := o[k]; !ok || code != 200 {
			t.Errorf("order lacks %q: %v", k, o)
		}
	}
	item := o["items"].([]any)[0].(map[string]any)
	if item["sku"] != "VEG" || item["name"] != "蔬菜包" || item["qty"] != 1.0 {
		t.Errorf("item %v", item)
	}
}

func TestBadRequests(t *testing.T) {
	srv, _ := setup(t)
	for _, tt := range []struct {
		query, bearer string
		want          int
	}{
		{"", "", http.StatusUnauthorized},
		{"", "wrong-token-0123456789", http.StatusUnauthorized},
		{"?status=lost", token, http.StatusBadRequest},
		{"?date=23/11/2026", token, http.StatusBadRequest},
		{"?limit=0", token, http.StatusBadRequest},
		{"?limit=abc", token, http.StatusBadRequest},
	} {
		if code, body := get(t, srv.URL+"/api/orders"+tt.query, tt.bearer); code != tt.want || body["error"] == nil {
			t.Errorf("%q with %q: %d %v, want %d", tt.query, tt.bearer, code, body, tt.want)
		}
	}
}

func TestHealth(t *testing.T) {
	srv, _ := setup(t)
	if code, _ := get(t, srv.URL+"/healthz", ""); code != 200 {
		t.Errorf("healthz %d", code)
	}
	// With Redis gone, 503.
	rs := redistest.Own(t)
	c := redistest.ClientOf(rs)
	defer c.Close()
	cat, _ := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份"}})
	mux := http.NewServeMux()
	(&Server{Store: redisstore.New(c, "h", cat), Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	down := httptest.NewServer(mux)
	defer down.Close()
	if code, _ := get(t, down.URL+"/healthz", ""); code != 200 {
		t.Errorf("healthz before stop: %d", code)
	}
	rs.Stop()
	if code, body := get(t, down.URL+"/healthz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("healthz with redis down: %d %v", code, body)
	}
	if code, _ := get(t, down.URL+"/api/orders", token); code != http.StatusServiceUnavailable {
		t.Errorf("orders with redis down: %d", code)
	}
}

func TestLeads(t *testing.T) {
	cat, _ := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份"}})
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	community := &orders.Community{
		Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3", "5"}}},
		Leads: []orders.Lead{{OpenID: "config-lead", Buildings: []string{"3"}}},
	}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, community, nil)
	(&Server{Store: store, Community: community, Actions: acts, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	do := func(method, path, body string) (int, string) {
		t.Helper()
		code, raw := call(t, method, srv.URL+path, token, body)
		return code, string(raw)
	}
	tests := []struct {
		method, path, body string
		code               int
		contains           string
	}{
		{"POST", "/api/leads", `{"openid":"new-lead","buildings":["5"]}`, 200, `"source":"api"`},
		{"POST", "/api/leads", `{"openid":"x","buildings":["9"]}`, 400, "building 9 is in no grid"},
		{"POST", "/api/leads", `{"openid":"","buildings":["5"]}`, 400, "required"},
		{"POST", "/api/leads", `not json`, 400, "body must be"},
		{"POST", "/api/leads", `{"openid":"config-lead","buildings":["5"]}`, 409, "config file"},
		{"GET", "/api/leads", "", 200, `{"openid":"new-lead","buildings":["5"],"source":"api"}`},
		{"DELETE", "/api/leads/config-lead", "", 409, "config file"},
		{"DELETE", "/api/leads/new-lead", "", 204, ""},
		{"DELETE", "/api/leads/new-lead", "", 404, "no such lead"},
		{"GET", "/api/leads", "", 200, `"leads":[{"openid":"config-lead","buildings":["3"],"source":"config"}]`},
	}
	for _, tt := range tests {
		code, body := do(tt.method, tt.path, tt.body)
		if code != tt.code || !strings.Contains(body, tt.contains) {
			t.Errorf("%s %s %s: %d %s, want %d containing %q", tt.method, tt.path, tt.body, code, body, tt.code, tt.contains)
		}
	}
}

// TestChangesAreAudited: what the API changes goes in the community's
// audit log, by the admin token through the API; a refused call changes
// nothing and records nothing.
func TestChangesAreAudited(t *testing.T) {
	cat, _ := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000}})
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	community := &orders.Community{Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3"}}}}
	acts, _, audit := actionsOver(store, cat, community, nil)
	mux := http.NewServeMux()
	(&Server{Store: store, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Community: community, Actions: acts}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	call(t, "GET", srv.URL+"/api/orders", token, "")
	call(t, "POST", srv.URL+"/api/leads", token, `{"openid":"l1","buildings":["3"]}`)
	call(t, "DELETE", srv.URL+"/api/leads/nobody", token, "")
	call(t, "POST", srv.URL+"/api/leads", "wrong", `{}`)
	var got []string
	for _, e := range audit.es {
		got = append(got, fmt.Sprint(e.Who, " ", e.Action, " ", e.Target, " ", e.Note))
	}
	if strings.Join(got, "|") != "admin-token 添加楼栋长 l1 3栋（管理接口）" {
		t.Errorf("audited %q", got)
	}
}
