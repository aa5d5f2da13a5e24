package adminapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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

// TestRoundPageDelivers: a volunteer's signed link opens their round as
// cards; a 送达 press is their 完成 (the household hears, the order's
// history names them), said plainly on the page; a second press changes
// nothing and says so; a GET, an unsigned or altered link, another
// volunteer's link, or a post from another site changes nothing.
func TestRoundPageDelivers(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cat, err := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份", PriceFen: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := redisstore.New(redistest.Client(t), redistest.Community(t), cat)
	community := &orders.Community{Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3"}, Volunteers: []string{"vol-a"}}}}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, sh)
	now := at
	var ids []string
	for _, room := range []string{"501", "502"} {
		o, err := orders.NewOrder(cat, orders.Address{Building: "3", Unit: "2", Room: room}, "G1",
			[]orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "u-"+room, orders.ChannelWeChat, at, sh)
		if err != nil {
			t.Fatal(err)
		}
		o, _, err = store.PlaceOrder(ctx, o, "req-"+room, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	if _, err := store.BindApproved(ctx, orders.Binding{OpenID: "u-501", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: at}); err != nil {
		t.Fatal(err)
	}
	store.CloseDay(ctx, "2026-11-24", at)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	signer := &signedurl.Signer{Key: []byte("k"), Base: "http://bg.test", TTL: time.Hour, Now: func() time.Time { return now }}
	runner := &jobs.Runner{Store: store, Catalog: cat, Community: community, Location: sh, Log: log,
		Now: func() time.Time { return now }, Notify: nopNotifier{}, Links: nopLinks{}}
	slot := time.Date(2026, 11, 25, 7, 0, 0, 0, sh)
	if _, err := runner.Run(ctx, jobs.Roster, slot); err != nil {
		t.Fatal(err)
	}
	acts, notices, _ := actionsOver(store, cat, community, runner)
	mux := http.NewServeMux()
	(&Server{Store: store, Community: community, Actions: acts, Token: token, Log: log, Now: func() time.Time { return now },
		Jobs: &Jobs{Runner: runner, Catalog: cat, Links: signer}}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	local := func(link string) string { return strings.TrimPrefix(link, "http://bg.test") }
	status := func(id string) orders.Status {
		o, err := store.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return o.Status
	}
	page := "/r/G1/" + slotUnix(slot) + "/vol-a"

	resp, body := do("GET", local(signer.URL(page, nil)))
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "共2户，还剩<b>2</b>户") {
		t.Fatalf("round page %d %q:\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	action := formAction(t, body, "3栋2单元501")
	if !strings.HasPrefix(action, page+"/done/"+ids[0]+"?") {
		t.Fatalf("the 501 card posts to %s", action)
	}

	// Nothing but a signed POST from the page delivers.
	u, _ := url.Parse(action)
	q := u.Query()
	for what, try := range map[string]func() (*http.Response, string){
		"a GET":         func() (*http.Response, string) { return do("GET", action) },
		"no signature":  func() (*http.Response, string) { return do("POST", u.Path) },
		"another order": func() (*http.Response, string) { return do("POST", page+"/done/"+ids[1]+"?"+q.Encode()) },
		"another volunteer": func() (*http.Response, string) {
			return do("POST", "/r/G1/"+slotUnix(slot)+"/vol-b/done/"+ids[0]+"?"+q.Encode())
		},
		"a post from elsewhere": func() (*http.Response, string) { return do("POST", action, "Sec-Fetch-Site", "cross-site") },
	} {
		if resp, _ := try(); resp.StatusCode < 400 {
			t.Errorf("%s: %d", what, resp.StatusCode)
		}
		if st := status(ids[0]); st != orders.StatusAssigned {
			t.Fatalf("%s changed the order: %s", what, st)
		}
	}

	// The press: delivered, back to the card, which says so.
	resp, _ = do("POST", action, "Sec-Fetch-Site", "same-origin", "Origin", srv.URL)
	back := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(back, page+"?") || !strings.HasSuffix(back, "#stop-1") {
		t.Fatalf("press: %d %s", resp.StatusCode, back)
	}
	if st := status(ids[0]); st != orders.StatusDelivered {
		t.Fatalf("after the press: %s", st)
	}
	o, _ := store.Order(ctx, ids[0])
	if last := o.History[len(o.History)-1]; last.By != "vol-a" {
		t.Errorf("delivered by %q, want the volunteer of the link", last.By)
	}
	if len(notices.ns) != 1 || notices.ns[0].OpenID != "u-501" {
		t.Errorf("notices %+v, want the household told", notices.ns)
	}
	_, body = do("GET", back)
	for _, want := range []string{"3栋2单元501 已送达，已通知住户。", "还剩<b>1</b>户", "✓ 已送达"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after the press lacks %q:\n%s", want, body)
		}
	}

	// Pressed again (a double tap, the back button): nothing more.
	resp, _ = do("POST", action)
	_, body = do("GET", resp.Header.Get("Location"))
	if !strings.Contains(body, "3栋2单元501 之前已经送达过了，没有再改动。") || len(notices.ns) != 1 {
		t.Errorf("second press: %d notices\n%s", len(notices.ns), body)
	}

	// 502 has nobody on WeChat: the volunteer is asked to tell them.
	_, body = do("GET", back)
	resp, _ = do("POST", formAction(t, body, "3栋2单元502"))
	_, body = do("GET", resp.Header.Get("Location"))
	if !strings.Contains(body, "3栋2单元502 已送达。这户没有绑定微信，请当面或打电话告诉他们。") || !strings.Contains(body, "还剩<b>0</b>户") {
		t.Errorf("502:\n%s", body)
	}

	// A link the service signed for someone without this round: not
	// theirs, nothing changed.
	other, _ := orders.NewOrder(cat, orders.Address{Building: "3", Unit: "2", Room: "601"}, "G1", []orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "u-601", orders.ChannelWeChat, at, sh)
	other, _, _ = store.PlaceOrder(ctx, other, "req-601", nil)
	resp, _ = do("POST", local(signer.URL("/r/G1/"+slotUnix(slot)+"/vol-x/done/"+other.ID, nil)))
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "r=not-yours") || status(other.ID) != orders.StatusPending {
		t.Errorf("not theirs: %d %s, %s", resp.StatusCode, resp.Header.Get("Location"), status(other.ID))
	}

	// The printable view is the A4 table.
	_, body = do("GET", local(signer.URL(page, url.Values{"print": {"1"}})))
	if !strings.Contains(body, "<table>") || !strings.Contains(body, `<td class="tick">`) {
		t.Errorf("print view:\n%s", body)
	}
}

func slotUnix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// formAction returns the action of the form on the card of door.
func formAction(t *testing.T, page, door string) string {
	t.Helper()
	i := strings.Index(page, `<span class="door">`+door+`</span>`)
	if i < 0 {
		t.Fatalf("no card for %s:\n%s", door, page)
	}
	rest := page[i:]
	j := strings.Index(rest, `action="`)
	if j < 0 || (strings.Contains(rest[:j], "</article>")) {
		t.Fatalf("no 送达 on %s's card", door)
	}
	rest = rest[j+len(`action="`):]
	return strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
}
