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

// TestHouseholdMembersAndBindings: an admin lists a household's members,
// sees a waiting binding and approves it, binds someone directly, and
// removes a member.
func TestHouseholdMembersAndBindings(t *testing.T) {
	cat, _ := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000}})
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	ctx := context.Background()
	home := orders.Address{Building: "3", Unit: "2", Room: "501"}
	if out, err := store.Bind(ctx, orders.Binding{OpenID: "mum", Address: home, Grid: "G1", At: time.Now()}, false); err != nil || out != orders.Bound {
		t.Fatal(out, err)
	}
	req, err := store.RequestBinding(ctx, orders.BindRequest{OpenID: "son", Address: home, Grid: "G1", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	community := &orders.Community{ID: "c1", Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3"}}}}
	mux := http.NewServeMux()
	acts, _, _ := actionsOver(store, cat, community, nil)
	(&Server{Store: store, Bindings: store, Community: community, Actions: acts, Token: token, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var waiting struct{ Requests []BindRequestJSON }
	if code := callJSON(t, "GET", srv.URL+"/api/bindings", token, "", &waiting); code != 200 || len(waiting.Requests) != 1 || waiting.Requests[0].Code != req.Code {
		t.Fatalf("waiting: %d %+v", code, waiting)
	}
	if code, _ := call(t, "POST", srv.URL+"/api/bindings/"+req.Code+"/approve", token, ""); code != http.StatusNoContent {
		t.Fatalf("approve: %d", code)
	}
	if code, _ := call(t, "POST", srv.URL+"/api/bindings/"+req.Code+"/approve", token, ""); code != http.StatusNotFound {
		t.Errorf("approve twice: %d", code)
	}
	if code, _ := call(t, "POST", srv.URL+"/api/households/3-2-501/members", token, `{"openid":"grandma"}`); code != http.StatusNoContent {
		t.Fatalf("add member: %d", code)
	}
	var m struct{ Members []MemberJSON }
	if code := callJSON(t, "GET", srv.URL+"/api/households/3栋2单元501/members", token, "", &m); code != 200 || len(m.Members) != 3 {
		t.Fatalf("members: %d %+v", code, m)
	}
	if code, _ := call(t, "DELETE", srv.URL+"/api/households/3-2-501/members/son", token, ""); code != http.StatusNoContent {
		t.Fatalf("remove: %d", code)
	}
	if code, _ := call(t, "DELETE", srv.URL+"/api/households/3-2-502/members/mum", token, ""); code != http.StatusNotFound {
		t.Errorf("remove from another household: %d", code)
	}
	callJSON(t, "GET", srv.URL+"/api/households/3-2-501/members", token, "", &m)
	if len(m.Members) != 2 {
		t.Errorf("after removal: %+v", m)
	}
	if code, _ := call(t, "GET", srv.URL+"/api/bindings", "", ""); code != http.StatusUnauthorized {
		t.Errorf("without the token: %d", code)
	}
}
