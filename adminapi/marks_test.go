package adminapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

func TestHouseholdMarksAPI(t *testing.T) {
	cat, err := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	comm := &orders.Community{Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3", "5"}}}}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, comm, nil)
	(&Server{Store: store, Community: comm, Actions: acts, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	do := func(method, path, body, bearer string) (int, map[string]any) {
		t.Helper()
		var out map[string]any
		code := callJSON(t, method, srv.URL+path, bearer, body, &out)
		return code, out
	}
	const path = "/api/households/3-2-501/marks"
	if code, _ := do("PUT", path, `{"marks":["独居老人"]}`, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	code, body := do("PUT", path, `{"marks":["独居老人","血透","独居"]}`, token)
	if code != http.StatusOK || !reflect.DeepEqual(body["marks"], []any{"独居老人", "透析"}) || body["address"] != "3栋2单元501" {
		t.Errorf("put: %d %v", code, body)
	}
	if ms, _ := store.HouseholdMarks(context.Background(), "3-2-501"); !reflect.DeepEqual(ms, []orders.Mark{orders.MarkAlone, orders.MarkDialysis}) {
		t.Errorf("stored: %v", ms)
	}
	// The same household written as residents do.
	if code, body := do("GET", "/api/households/3栋2单元501/marks", "", token); code != http.StatusOK || body["household"] != "3-2-501" || len(body["marks"].([]any)) != 2 {
		t.Errorf("get: %d %v", code, body)
	}
	if code, body := do("PUT", path, `{"marks":["富豪"]}`, token); code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "独居老人, 孕妇, 透析, 残疾, 低保") {
		t.Errorf("unknown mark: %d %v", code, body)
	}
	if code, _ := do("PUT", path, `{"mark":"低保"}`, token); code != http.StatusBadRequest {
		t.Errorf("bad body: %d", code)
	}
	if code, _ := do("PUT", "/api/households/12-1-101/marks", `{"marks":["低保"]}`, token); code != http.StatusBadRequest {
		t.Errorf("unknown building: %d", code)
	}
	if code, _ := do("GET", "/api/households/nonsense/marks", "", token); code != http.StatusBadRequest {
		t.Errorf("bad household: %d", code)
	}
	do("PUT", "/api/households/5-1-302/marks", `{"marks":["低保"]}`, token)
	if code, body := do("GET", "/api/marks", "", token); code != http.StatusOK || len(body["households"].([]any)) != 2 {
		t.Errorf("list: %d %v", code, body)
	}
	if code, _ := do("DELETE", path, "", token); code != http.StatusNoContent {
		t.Errorf("delete: %d", code)
	}
	if code, body := do("GET", path, "", token); code != http.StatusOK || len(body["marks"].([]any)) != 0 {
		t.Errorf("after delete: %d %v", code, body)
	}
	if code, body := do("PUT", "/api/households/5-1-302/marks", `{"marks":[]}`, token); code != http.StatusOK || len(body["marks"].([]any)) != 0 {
		t.Errorf("put none: %d %v", code, body)
	}
}
