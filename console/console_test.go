package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/staff"
)

func TestMain(m *testing.M) { redistest.Main(m) }

const adminToken = "console-admin-token-0123"

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// env is a console over a real redis-server, behind a real HTTP server.
type env struct {
	t       *testing.T
	srv     *httptest.Server
	console *Server
	store   *redisstore.Store
	cat     *catalog.Catalog
	keeper  *staff.Keeper
	notices *fakeNotices
	now     time.Time
	mu      sync.Mutex
}

type fakeNotices struct {
	mu        sync.Mutex
	dead      []orders.Notice
	retried   []string
	queued    []orders.Notice
	unreached []orders.Unreached
	problems  []string
}

func (f *fakeNotices) Unreachable(context.Context) ([]orders.Unreached, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]orders.Unreached(nil), f.unreached...), nil
}

func (f *fakeNotices) Problems(context.Context) ([]string, error) { return f.problems, nil }

func (f *fakeNotices) Enqueue(_ context.Context, ns ...orders.Notice) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued = append(f.queued, ns...)
	return nil
}

// to returns the ids of the notices queued for openid.
func (f *fakeNotices) to(openid string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, n := range f.queued {
		if n.OpenID == openid {
			out = append(out, n.ID)
		}
	}
	return out
}
func (f *fakeNotices) Pending(context.Context) (int, error) { return 3, nil }
func (f *fakeNotices) Dead(context.Context) ([]orders.Notice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]orders.Notice(nil), f.dead...), nil
}
func (f *fakeNotices) Requeue(_ context.Context, ids ...string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retried = append(f.retried, ids...)
	return len(ids), nil
}
func (f *fakeNotices) Drop(_ context.Context, ids ...string) (int, error) { return len(ids), nil }
func (f *fakeNotices) Purge(context.Context, time.Time) (int, error)      { return 0, nil }

type links struct{}

func (links) Roster(grid string, slot time.Time, v string) string {
	return fmt.Sprintf("http://bg.test/r/%s/%d/%s", grid, slot.Unix(), v)
}
func (links) Picklist(s, day string) string { return "http://bg.test/p/" + s + "/" + day }

func newEnv(t *testing.T) *env {
	t.Helper()
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rdb := redistest.Client(t)
	id := redistest.Community(t)
	store := redisstore.New(rdb, id, cat)
	if err := store.SetStock(context.Background(), map[string]int{"VEG": 10, "VEG-FREE": 3}); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: store, cat: cat, keeper: staff.New(rdb, id), notices: &fakeNotices{},
		now: time.Date(2026, 11, 24, 10, 0, 0, 0, shanghai)}
	now := func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	e.keeper.Now = now
	schedules := jobs.Schedules{jobs.Cutoff: {"0 20 * * *"}, jobs.Picklist: {"5 20 * * *"}, jobs.Roster: {"0 7 * * *", "0 13 * * *"}}
	community := &orders.Community{ID: id, Name: "幸福社区", Admins: []string{"staff-1"}, Calendar: schedules.Calendar(),
		Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3", "5"}, Volunteers: []string{"vol-a"}}, {ID: "G2", Buildings: []string{"6"}}},
		Leads: []orders.Lead{{OpenID: "lead-3", Buildings: []string{"3"}}}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	runner := &jobs.Runner{Store: store, Catalog: cat, Community: community, Location: shanghai, Notify: e.notices, Links: links{}, Log: log, Now: now, Reach: e.notices,
		Observe: func(ctx context.Context, run orders.JobRun) { store.SaveJobRun(ctx, run, true) }}
	dist := &orders.Distributor{Store: store, Catalog: cat, Community: community, Location: shanghai}
	acts := &actions.Service{Community: community, Catalog: cat, Location: shanghai,
		Orders: store, Households: store, People: store, Stock: store, Supply: store, Marks: store, Outbox: e.notices, Dead: e.notices, Privacy: store, Purger: store,
		Lists: &orders.Lists{Store: store, Catalog: cat, Community: community, Location: shanghai}, Distributor: dist, Jobs: runner,
		Audit: e.keeper, Log: log, Now: now}
	e.console = &Server{
		Store: store, Actions: acts, Staff: e.keeper, Community: community, Catalog: cat, Location: shanghai,
		Jobs: runner, Schedules: schedules, Notices: e.notices, Links: links{},
		Distributor: dist,
		SignIn:      &signedurl.Signer{Key: []byte("sign-in-key"), TTL: 10 * time.Minute, Now: now},
		Token:       adminToken, Log: log, Now: now,
	}
	mux := http.NewServeMux()
	e.console.Register(mux)
	e.srv = httptest.NewServer(mux)
	e.console.SignIn.Base = e.srv.URL
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

// place places an order as the bot would.
func (e *env) place(room, contact string, at time.Time, sku string, qty int) orders.Order {
	e.t.Helper()
	o, err := orders.NewOrder(e.cat, orders.Address{Building: "3", Unit: "2", Room: room}, "G1",
		[]orders.ItemRequest{{SKU: sku, Qty: qty}}, "openid-"+room, orders.ChannelWeChat, at, shanghai)
	if err != nil {
		e.t.Fatal(err)
	}
	o.Contact = contact
	o, _, err = e.store.PlaceOrder(context.Background(), o, "req-"+room+at.String(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// browser is a client with its own cookies that does not follow
// redirects (tests look at them).
type browser struct {
	t *testing.T
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: e.t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the form token from a page of the console.
func (b *browser) csrf() string {
	b.t.Helper()
	_, body := b.get("/admin/")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf token in\n%s", body)
	}
	return m[1]
}

// act posts a form with the session's CSRF token and expects a redirect
// back; it returns the page redirected to.
func (b *browser) act(path string, form url.Values) string {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf())
	resp, body := b.post(path, form)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("POST %s: %d\n%s", path, resp.StatusCode, body)
	}
	_, page := b.get(resp.Header.Get("Location"))
	return page
}

// signedIn returns a browser signed in with the admin token.
func (e *env) signedIn() *browser {
	b := e.browser()
	resp, body := b.post("/admin/login", url.Values{"token": {adminToken}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	return b
}

func TestSignInLinkWorksOnceAndOnlyForStaff(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.console.SignInLink(ctx, "lead-3"); err == nil {
		t.Error("a link for someone not in community.admins")
	}
	link, err := e.console.SignInLink(ctx, "staff-1")
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, e.srv.URL)
	b := e.browser()
	resp, _ := b.get(path)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("sign in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := resp.Cookies()[0]
	if c.Name != sessionCookie || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Errorf("cookie %+v", c)
	}
	if resp, body := b.get("/admin/"); resp.StatusCode != 200 || !strings.Contains(body, "概览") || !strings.Contains(body, "staff-1") {
		t.Errorf("overview after sign-in: %d", resp.StatusCode)
	}
	// Second use, from anywhere: refused, and no cookie.
	other := e.browser()
	resp, body := other.get(path)
	if resp.StatusCode != http.StatusGone || len(resp.Cookies()) != 0 || !strings.Contains(body, "已经用过了") {
		t.Errorf("second use: %d %v", resp.StatusCode, resp.Cookies())
	}
	// A changed token breaks the signature.
	link2, _ := e.console.SignInLink(ctx, "staff-1")
	u, _ := url.Parse(link2)
	q := u.Query()
	q.Set("t", q.Get("t")+"x")
	u.RawQuery = q.Encode()
	if resp, _ := other.get(u.RequestURI()); resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Errorf("tampered link: %d", resp.StatusCode)
	}
	// Eleven minutes later the link is dead.
	e.setNow(e.now.Add(11 * time.Minute))
	if resp, body := other.get(strings.TrimPrefix(link2, e.srv.URL)); resp.StatusCode != http.StatusGone || !strings.Contains(body, "过期") {
		t.Errorf("expired link: %d", resp.StatusCode)
	}
	// The audit log has the sign-in.
	es, _ := e.keeper.Entries(ctx, 0, 10)
	if len(es) != 1 || es[0].Who != "staff-1" || es[0].Action != textAuditSignIn {
		t.Errorf("audit %+v", es)
	}
}

func TestLoginWithToken(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	resp, body := b.post("/admin/login", url.Values{"token": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 || !strings.Contains(body, "令牌不对") {
		t.Errorf("wrong token: %d %v", resp.StatusCode, resp.Cookies())
	}
	if resp, _ := b.get("/admin/orders"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
		t.Errorf("after a wrong token: %d", resp.StatusCode)
	}
	e.console.Secure = true
	resp, _ = b.post("/admin/login", url.Values{"token": {adminToken}})
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) != 1 || !resp.Cookies()[0].Secure {
		t.Errorf("right token: %d %v", resp.StatusCode, resp.Cookies())
	}
	if h := resp.Header.Get("Content-Security-Policy"); !strings.Contains(h, "default-src 'none'") {
		t.Errorf("CSP %q", h)
	}
}

// TestEverythingNeedsASession: every page and action sends a browser
// without a session to the login page, and every action refuses a form
// without the session's CSRF token or from another site.
func TestEverythingNeedsASession(t *testing.T) {
	e := newEnv(t)
	o := e.place("501", "", e.now, "VEG", 1)
	pages := []string{"/admin/", "/admin/orders", "/admin/orders/" + o.ID, "/admin/stock", "/admin/households", "/admin/people",
		"/admin/jobs", "/admin/distributions", "/admin/notices", "/admin/audit"}
	actions := []string{"/admin/logout", "/admin/orders/" + o.ID + "/cancel", "/admin/orders/" + o.ID + "/deliver", "/admin/stock/VEG/add",
		"/admin/stock/VEG/soldout", "/admin/households/3-2-501/marks", "/admin/people/leads", "/admin/people/leads/x/remove",
		"/admin/people/volunteers", "/admin/people/volunteers/G1/x/remove", "/admin/people/applications/1234/approve",
		"/admin/people/contact", "/admin/jobs/cutoff/run", "/admin/distributions", "/admin/notices/retry",
		"/admin/bindings/1234/approve", "/admin/households/3-2-501/members/x/remove"}
	anon := e.browser()
	for _, p := range pages {
		if resp, _ := anon.get(p); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
			t.Errorf("GET %s without a session: %d", p, resp.StatusCode)
		}
	}
	for _, p := range actions {
		if resp, _ := anon.post(p, url.Values{"reason": {"x"}, "n": {"5"}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
			t.Errorf("POST %s without a session: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := anon.get("/api/ledger?date=2026-11-24"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("ledger without a session: %d", resp.StatusCode)
	}
	b := e.signedIn()
	for _, p := range pages {
		if resp, body := b.get(p); resp.StatusCode != 200 || !strings.Contains(body, "管理后台") {
			t.Errorf("GET %s: %d\n%s", p, resp.StatusCode, body)
		}
	}
	for _, p := range actions {
		if resp, _ := b.post(p, url.Values{"reason": {"x"}, "n": {"5"}, "csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s with a forged CSRF token: %d", p, resp.StatusCode)
		}
	}
	// The right token from another site's page is refused too.
	form := url.Values{"reason": {"x"}, "csrf": {b.csrf()}}
	req, _ := http.NewRequest("POST", e.srv.URL+"/admin/orders/"+o.ID+"/cancel", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, _ := b.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
	if got, _ := e.store.Order(context.Background(), o.ID); got.Status != orders.StatusPending {
		t.Errorf("order changed by refused requests: %s", got.Status)
	}
	// Signing out ends the session everywhere.
	b.act("/admin/logout", nil)
	if resp, _ := b.get("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", resp.StatusCode)
	}
}

func TestFindCancelAndDeliverOrders(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.place("501", "139 0000 1111", e.now, "VEG", 1)
	bo := e.place("502", "", e.now.Add(time.Minute), "NOODLE", 2)
	e.place("601", "", e.now.AddDate(0, 0, -1), "VEG", 1)
	br := e.signedIn()
	for q, want := range map[string][]string{
		"?q=" + a.ID: {a.ID},
		"?q=" + url.QueryEscape("3栋2单元501"): {a.ID},
		"?q=" + url.QueryEscape("3-2-502"):  {bo.ID},
		"?phone=1111":                       {a.ID},
		"?date=2026-11-24":                  {a.ID, bo.ID},
		"?date=2026-11-24&status=pending&q=" + url.QueryEscape("3号楼2单元502室"): {bo.ID},
	} {
		_, body := br.get("/admin/orders" + q)
		table := body[strings.Index(body, "<main>"):]
		for _, id := range want {
			if !strings.Contains(table, `href="/admin/orders/`+id+`"`) {
				t.Errorf("%s: no order %s", q, id)
			}
		}
		if n := strings.Count(table, `<td class="head"><a href="/admin/orders/`); n != len(want) {
			t.Errorf("%s: %d orders, want %d", q, n, len(want))
		}
	}
	if _, body := br.get("/admin/orders?q=" + url.QueryEscape("随便")); !strings.Contains(body, "没看懂要找什么") {
		t.Error("unreadable search not explained")
	}

	// Cancel without a reason: refused; with one: done, stock back, the
	// household told, the audit log has it.
	page := br.act("/admin/orders/"+a.ID+"/cancel", url.Values{"reason": {""}})
	if !strings.Contains(page, "请写上原因") {
		t.Error("empty reason not refused")
	}
	page = br.act("/admin/orders/"+a.ID+"/cancel", url.Values{"reason": {"住户已转运"}})
	if !strings.Contains(page, "订单已取消") || !strings.Contains(page, "社区后台：住户已转运") {
		t.Errorf("after cancel:\n%s", page)
	}
	got, _ := e.store.Order(ctx, a.ID)
	left, _ := e.store.StockLeft(ctx)
	if got.Status != orders.StatusCancelled || left["VEG"] != 9 || !strings.Contains(page, "这户没有绑定微信，请打电话告诉他们") {
		t.Errorf("cancelled: %s, VEG left %d (nobody bound: staff must phone)", got.Status, left["VEG"])
	}
	page = br.act("/admin/orders/"+bo.ID+"/deliver", url.Values{"reason": {"电话确认已放门口"}})
	if got, _ := e.store.Order(ctx, bo.ID); got.Status != orders.StatusDelivered || !strings.Contains(page, "已标记送达") {
		t.Errorf("delivered: %s", got.Status)
	}
	// Delivering a cancelled order is refused, saying why.
	if page := br.act("/admin/orders/"+a.ID+"/deliver", url.Values{"reason": {"x"}}); !strings.Contains(page, "状态刚变了") {
		t.Error("deliver of a cancelled order not refused")
	}
	es, _ := e.keeper.Entries(ctx, 0, 10)
	if len(es) < 3 || es[0].Action != "标记送达" || es[1].Action != "取消订单" || es[1].Target != a.ID || es[1].Note != "住户已转运" {
		t.Errorf("audit %+v", es)
	}
	if _, body := br.get("/admin/audit"); !strings.Contains(body, "取消订单") || !strings.Contains(body, "管理员令牌") {
		t.Error("audit page does not show the cancel")
	}
}

func TestLedger(t *testing.T) {
	e := newEnv(t)
	e.place("501", "", e.now, "VEG", 2)
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/ledger?date=2026-11-24&format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "\ufeff订单号,下单时间,") || !strings.Contains(string(body), "3栋2单元501,G1,蔬菜包,2,份,50.00,100.00,,,待配送,居民,") ||
		strings.Contains(string(body), "openid-501") {
		t.Errorf("csv %d:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("disposition %q", resp.Header.Get("Content-Disposition"))
	}
	b := e.signedIn()
	resp, xlsx := b.get("/api/ledger?date=2026-11-24&format=xlsx")
	if resp.StatusCode != 200 || !strings.HasPrefix(xlsx, "PK") {
		t.Errorf("xlsx with a session: %d", resp.StatusCode)
	}
	if resp, _ := b.get("/api/ledger?date=yesterday"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
}

func TestStockMarksPeopleAndNotices(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.place("501", "", e.now, "VEG", 2)
	b := e.signedIn()
	page := b.act("/admin/stock/VEG/add", url.Values{"n": {"50"}})
	left, _ := e.store.StockLeft(ctx)
	if left["VEG"] != 58 || !strings.Contains(page, "库存已更新") {
		t.Errorf("add stock: left %d", left["VEG"])
	}
	if page := b.act("/admin/stock/VEG/add", url.Values{"n": {"lots"}}); !strings.Contains(page, "数量要写整数") {
		t.Error("bad amount not refused")
	}
	if page := b.act("/admin/stock/NOODLE/add", url.Values{"n": {"5"}}); !strings.Contains(page, "不限量") {
		t.Error("unlimited item not refused")
	}
	b.act("/admin/stock/VEG/soldout", nil)
	if left, _ := e.store.StockLeft(ctx); left["VEG"] != 0 {
		t.Errorf("sold out: %d left", left["VEG"])
	}

	page = b.act("/admin/households/3-2-501/marks", url.Values{"mark": {"独居老人", "低保"}})
	if ms, _ := e.store.HouseholdMarks(ctx, "3-2-501"); len(ms) != 2 || !strings.Contains(page, "标记已保存") {
		t.Errorf("marks %v", ms)
	}
	if _, body := b.get("/admin/households?building=3"); !strings.Contains(body, `value="独居老人" checked`) {
		t.Error("households page does not show the mark")
	}

	// Names are escaped wherever they show.
	b.act("/admin/people/volunteers", url.Values{"openid": {"vol-x"}, "grid": {"G2"}, "name": {"<script>alert(1)</script>"}, "phone": {"13900002222"}})
	_, body := b.get("/admin/people")
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("name not escaped on the people page")
	}
	if vs, _ := e.store.Volunteers(ctx, "G2"); len(vs) != 1 || vs[0] != "vol-x" {
		t.Errorf("volunteers %v", vs)
	}
	e.store.Apply(ctx, orders.Application{Code: "4321", OpenID: "res-9", Grid: "G1", Address: orders.Address{Building: "3", Unit: "1", Room: "101"}, At: e.now})
	b.act("/admin/people/applications/4321/approve", nil)
	if vs, _ := e.store.Volunteers(ctx, "G1"); len(vs) != 1 || vs[0] != "res-9" || len(e.notices.to("res-9")) != 1 {
		t.Errorf("approved: %v, told %v", vs, e.notices.to("res-9"))
	}
	if page := b.act("/admin/people/leads", url.Values{"openid": {"lead-3"}, "buildings": {"3"}}); !strings.Contains(page, "配置文件") {
		t.Error("config lead changed")
	}
	b.act("/admin/people/leads", url.Values{"openid": {"lead-6"}, "buildings": {"6"}, "name": {"老周"}})
	if ls, _ := e.store.Leads(ctx); len(ls) != 1 || ls[0].Buildings[0] != "6" {
		t.Errorf("leads %v", ls)
	}

	e.notices.dead = []orders.Notice{{ID: "n1", OpenID: "res-9", Text: "您的<b>订单</b>", LastError: "45015"}}
	_, body = b.get("/admin/notices")
	if !strings.Contains(body, "您的&lt;b&gt;订单&lt;/b&gt;") {
		t.Error("dead notice text not escaped")
	}
	b.act("/admin/notices/retry", url.Values{"id": {"n1"}})
	if len(e.notices.retried) != 1 {
		t.Errorf("retried %v", e.notices.retried)
	}
}

func TestJobsAndDistributionFromTheConsole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	o := e.place("501", "", e.now, "VEG", 1)
	b := e.signedIn()
	page := b.act("/admin/jobs/cutoff/run", nil)
	if closed, _ := e.store.DayClosed(ctx, "2026-11-24"); !closed || !strings.Contains(page, "11月24日的订单已截止") {
		t.Errorf("cutoff: closed %v", closed)
	}
	page = b.act("/admin/jobs/roster/run", nil)
	if got, _ := e.store.Order(ctx, o.ID); got.Status != orders.StatusAssigned || got.Assignee != "vol-a" {
		t.Errorf("roster: %s %s", got.Status, got.Assignee)
	}
	if !strings.Contains(page, "http://bg.test/r/G1/") || !strings.Contains(page, "后台") {
		t.Errorf("roster result not shown:\n%s", page)
	}
	page = b.act("/admin/jobs/picklist/run", nil)
	if !strings.Contains(page, "http://bg.test/p/sm/2026-11-24") {
		t.Error("pick list link not shown")
	}
	if _, body := b.get("/admin/"); !strings.Contains(body, "已发布") {
		t.Error("overview does not show the last runs")
	}
	// Every job has its name and, scheduled or frequent, its timing.
	if _, body := b.get("/admin/jobs"); !regexp.MustCompile(`(?s)到货通知.{0,400}定时：<code>\* \* \* \* \*</code>`).MatchString(body) {
		t.Errorf("到货通知 and its schedule not on the jobs page:\n%s", body)
	}

	form := url.Values{"id": {"w48"}, "sku": {"VEG-FREE"}, "per": {"1"}, "grid": {"G1"}, "csrf": {b.csrf()}}
	resp, body := b.post("/admin/distributions", form)
	if resp.StatusCode != 200 || !strings.Contains(body, "新发 <b>1</b> 户") {
		t.Errorf("distribution %d:\n%s", resp.StatusCode, body)
	}
	if _, body := b.get("/admin/distributions?id=w48"); !strings.Contains(body, "已发到（1户）") || !strings.Contains(body, "3栋2单元501") {
		t.Error("distribution look-up")
	}
}

// TestOverviewCharts: the overview draws orders per hour and demand
// against stock as inline SVG, with the counts per grid and status.
func TestOverviewCharts(t *testing.T) {
	e := newEnv(t)
	e.place("501", "", e.now, "VEG", 2)
	e.place("502", "", e.now.Add(2*time.Hour), "VEG", 1)
	b := e.signedIn()
	_, body := b.get("/admin/")
	for _, want := range []string{`<svg class="chart"`, "<title>10点：1单</title>", "<title>12点：1单</title>", ">蔬菜包</text>", `<td class="head">G1网格</td><td class="num" data-label="待审核处方">0</td><td class="num" data-label="待配送">2</td>`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in the overview", want)
		}
	}
}

// TestBindingsAndMembers: the 住户 page lists bindings waiting for an
// answer; staff approve or refuse them (the asker is told) and take a
// member out of a household.
func TestBindingsAndMembers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := orders.Address{Building: "3", Unit: "2", Room: "501"}
	if _, err := e.store.Bind(ctx, orders.Binding{OpenID: "mum", Address: a, Grid: "G1", At: e.now}, false); err != nil {
		t.Fatal(err)
	}
	son, _ := e.store.RequestBinding(ctx, orders.BindRequest{OpenID: "son", Address: a, Grid: "G1", At: e.now})
	stranger, _ := e.store.RequestBinding(ctx, orders.BindRequest{OpenID: "stranger", Address: a, Grid: "G1", At: e.now})
	b := e.signedIn()
	_, body := b.get("/admin/households")
	if !strings.Contains(body, `id="bind-`+son.Code+`"`) || !strings.Contains(body, `id="bind-`+stranger.Code+`"`) {
		t.Fatalf("waiting bindings not listed:\n%s", body)
	}
	if page := b.act("/admin/bindings/"+son.Code+"/approve", nil); !strings.Contains(page, "已同意绑定") {
		t.Error("approve not confirmed")
	}
	if page := b.act("/admin/bindings/"+stranger.Code+"/refuse", nil); !strings.Contains(page, "已拒绝绑定") {
		t.Error("refuse not confirmed")
	}
	if page := b.act("/admin/bindings/"+son.Code+"/approve", nil); !strings.Contains(page, "已经处理过") {
		t.Error("second answer not refused")
	}
	users, _ := e.store.HouseholdUsers(ctx, "3-2-501")
	if told := append(e.notices.to("son"), e.notices.to("stranger")...); len(users) != 2 || strings.Join(told, ",") != "bindok:"+son.Code+",bindno:"+stranger.Code {
		t.Errorf("members %v, told %v", users, told)
	}
	if page := b.act("/admin/households/3-2-502/members/son/remove", nil); !strings.Contains(page, "这个微信不在这户") {
		t.Error("removing from the wrong household not refused")
	}
	b.act("/admin/households/3-2-501/members/son/remove", nil)
	if users, _ := e.store.HouseholdUsers(ctx, "3-2-501"); len(users) != 1 || users[0] != "mum" {
		t.Errorf("members after removing son: %v", users)
	}
	es, _ := e.keeper.Entries(ctx, 0, 10)
	if len(es) < 3 || es[0].Action != "移出住户" || es[1].Action != "拒绝绑定" || es[2].Action != "同意绑定" {
		t.Errorf("audit %+v", es)
	}
}

// TestRemovedStaffLoseTheConsole: a staff member taken out of
// community.admins (the config changed, the service restarted) loses the
// console at their next click, not when the session would expire.
func TestRemovedStaffLoseTheConsole(t *testing.T) {
	e := newEnv(t)
	link, err := e.console.SignInLink(context.Background(), "staff-1")
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.get(strings.TrimPrefix(link, e.srv.URL))
	if resp, _ := b.get("/admin/orders"); resp.StatusCode != 200 {
		t.Fatalf("orders while staff: %d", resp.StatusCode)
	}
	e.console.Community.Admins = []string{"staff-2"}
	if resp, _ := b.get("/admin/orders"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
		t.Errorf("orders after removal: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Put back, the old session stays ended: they sign in again.
	e.console.Community.Admins = []string{"staff-1"}
	if resp, _ := b.get("/admin/orders"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the ended session opened again: %d", resp.StatusCode)
	}
	// The admin token's session is not a staff member's: it stays.
	tok := e.signedIn()
	e.console.Community.Admins = nil
	if resp, _ := tok.get("/admin/orders"); resp.StatusCode != 200 {
		t.Errorf("the admin token's session after the admins changed: %d", resp.StatusCode)
	}
}

// TestSoldOutKeepsADeficit: the catalog's stock lowered below what was
// sold leaves a deficit; 设为售罄 does not forgive it, so a cancel pays the
// deficit back and sells nothing past the stock.
func TestSoldOutKeepsADeficit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	at := e.now
	var placed []orders.Order
	for _, room := range []string{"101", "102", "103", "104", "105"} {
		placed = append(placed, e.place(room, "", at, "VEG", 1))
	}
	// The catalog now says 3: two more were sold than there are.
	var over *orders.OversoldError
	if err := e.store.SetStock(ctx, map[string]int{"VEG": 3, "VEG-FREE": 3}); !errors.As(err, &over) || over.Over["VEG"] != 2 {
		t.Fatalf("lowered stock: %v", err)
	}
	b := e.signedIn()
	if page := b.act("/admin/stock/VEG/soldout", nil); !strings.Contains(page, "已设为售罄") {
		t.Fatalf("sold out:\n%s", page)
	}
	b.act("/admin/orders/"+placed[0].ID+"/cancel", url.Values{"reason": {"住户不要了"}})
	o, err := orders.NewOrder(e.cat, orders.Address{Building: "3", Unit: "2", Room: "106"}, "G1",
		[]orders.ItemRequest{{SKU: "VEG", Qty: 1}}, "openid-106", orders.ChannelWeChat, at, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.store.PlaceOrder(ctx, o, "req-after-cancel", nil); !errors.Is(err, orders.ErrSoldOut) {
		t.Errorf("an order after one cancel, with a deficit of 2: %v (sold past the stock)", err)
	}
	// Stock added pays the deficit back first.
	if page := b.act("/admin/stock/VEG/add", url.Values{"n": {"2"}}); !strings.Contains(page, "库存已更新") {
		t.Fatalf("add stock:\n%s", page)
	}
	if left, _ := e.store.StockLeft(ctx); left["VEG"] != 1 {
		t.Errorf("after a cancel and 2 more with a deficit of 2: %d left, want 1", left["VEG"])
	}
}

// TestWrongTokensAtLoginAreThrottled: guessing the admin token at the
// console's login waits, longer each time, after a few tries.
func TestWrongTokensAtLoginAreThrottled(t *testing.T) {
	e := newEnv(t)
	guard := staff.NewGuard(redistest.Client(t), "guard-"+redistest.Community(t))
	guard.Now = func() time.Time { return e.now }
	e.console.Guard = guard
	b := e.browser()
	for i := range staff.FreeTries + 1 {
		if resp, _ := b.post("/admin/login", url.Values{"token": {"guess"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := b.post("/admin/login", url.Values{"token": {adminToken}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "令牌错了太多次") || len(resp.Cookies()) != 0 {
		t.Errorf("the right token right after: %d %v", resp.StatusCode, resp.Cookies())
	}
	e.setNow(e.now.Add(2 * time.Second))
	if resp, _ := b.post("/admin/login", url.Values{"token": {adminToken}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the right token after the wait: %d", resp.StatusCode)
	}
}

// TestUnreachableOnTheNoticesPage: staff see who nothing can reach, with
// the office's name, phone and role, and the template ids WeChat refused.
func TestUnreachableOnTheNoticesPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.store.SetPerson(ctx, orders.Person{OpenID: "vol-a", Name: "小林", Phone: "13900001111"})
	e.notices.unreached = []orders.Unreached{{OpenID: "vol-a", Held: 2, Kinds: []string{"roster", "urgent"}, Since: e.now}}
	e.notices.problems = []string{"tpl-wrong"}
	b := e.signedIn()
	_, body := b.get("/admin/notices")
	for _, want := range []string{"联系不上的人（1人）", "小林", "志愿者（G1网格）", `href="tel:13900001111"`, "排班、急单", "tpl-wrong"} {
		if !strings.Contains(body, want) {
			t.Errorf("notices page lacks %q", want)
		}
	}
}
