package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/wechat"
)

func TestMain(m *testing.M) { redistest.Main(m) }

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

const (
	testToken  = "baogongtesttoken"
	testAppID  = "wx1234567890abcdef"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	officialID = "gh_baogong"
)

// env is a bot behind a real HTTP server, over a real redis-server.
type env struct {
	t         testing.TB
	srv       *httptest.Server
	acct      wxsign.Account
	store     *redisstore.Store
	community string
	bot       *Bot
	rdb       redis.UniversalClient
	msgID     atomic.Int64
	safe      bool
	now       time.Time
	oa        *officialaccount.OfficialAccount
	// fake is the fake WeChat API, once withOutbox installed it.
	fake *fakewechat.Faulty
}

func testCommunity() *orders.Community {
	return &orders.Community{ID: "c1", Name: "幸福社区", Grids: []orders.Grid{
		{ID: "G1", Buildings: []string{"3", "5"}},
		{ID: "G2", Buildings: []string{"6", "8"}},
	}, Leads: []orders.Lead{
		{OpenID: "lead-3", Buildings: []string{"3"}},
		{OpenID: "lead-68", Buildings: []string{"6", "8"}},
	}, Calendar: testCalendar}
}

// testCalendar is the default schedules' rhythm: orders close at 20:00,
// rounds go at 07:00 and 13:00.
var testCalendar = jobs.Schedules{jobs.Cutoff: {"0 20 * * *"}, jobs.Roster: {"0 7 * * *", "0 13 * * *"}}.Calendar()

// openDay is what is said of the order day an order placed now counts for.
func (e *env) openDay() orders.DayNote {
	e.t.Helper()
	d, err := e.bot.readDays(context.Background(), e.now)
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Note(d.Open)
}

// newBot wires a bot over store as cmd does, with its actions queuing
// notices to notices.
func newBot(cat *catalog.Catalog, c *orders.Community, store *redisstore.Store, notices actions.Outbox, now func() time.Time, log *slog.Logger) *Bot {
	svc := &actions.Service{Community: c, Catalog: cat, Location: shanghai,
		Orders: store, Households: store, People: store, Stock: store, Supply: store, Marks: store, Outbox: notices, Privacy: store, Purger: store,
		Lists: &orders.Lists{Store: store, Catalog: cat, Community: c, Location: shanghai},
		Log:   log, Now: now}
	return &Bot{Catalog: cat, Community: c, Store: store, Actions: svc, Location: shanghai, Now: now, Log: log}
}

// newAccount puts bots on one official account, as cmd does.
func newAccount(dir *redisstore.Directory, bots ...*Bot) *Account {
	svcs := make([]*actions.Service, len(bots))
	for i, b := range bots {
		svcs[i] = b.Actions
	}
	actions.NewAccount(dir, svcs...)
	return NewAccount(dir, bots...)
}

// setCatalog gives the env's bot (and its actions) another catalog.
func (e *env) setCatalog(cat *catalog.Catalog) {
	e.bot.Catalog, e.bot.Actions.Catalog, e.bot.Actions.Lists.Catalog = cat, cat, cat
}

// failingNotices stands in where a test sends no notices: queuing one is a
// failure the bot must survive (it tells the lead to phone instead).
type failingNotices struct{}

func (failingNotices) Enqueue(context.Context, ...orders.Notice) error {
	return errors.New("no outbox in this test")
}

func newEnv(t *testing.T, rdb redis.UniversalClient) *env { return newEnvRedis(t, rdb) }

func newEnvTB(t testing.TB) *env { return newEnvRedis(t, nil) }

func newEnvRedis(t testing.TB, rdb redis.UniversalClient) *env {
	t.Helper()
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if rdb == nil {
		rdb = redistest.Client(t)
	}
	community := redistest.Community(t)
	store := redisstore.New(rdb, community, cat)
	totals := map[string]int{}
	for _, it := range cat.Items {
		if it.Stock != nil {
			totals[it.SKU] = *it.Stock
		}
	}
	if err := store.SetStock(context.Background(), totals); err != nil && rdb != nil {
		t.Logf("set stock: %v", err)
	}
	e := &env{t: t, acct: wxsign.Account{Token: testToken, AppID: testAppID, EncodingAESKey: testAESKey}, store: store, rdb: rdb,
		now: time.Date(2026, 11, 24, 10, 0, 0, 0, shanghai)}
	e.msgID.Store(time.Now().UnixNano() / 1000)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acct := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: testAppID, AppSecret: "secret", Token: testToken, EncodingAESKey: testAESKey,
		Cache: wechat.NewTokenCache(rdb, testAppID, log),
	})
	e.community, e.oa = community, acct
	b := newBot(cat, testCommunity(), store, failingNotices{}, func() time.Time { return e.now }, log)
	e.bot = b
	e.srv = httptest.NewServer(&wechat.Handler{Account: acct, Answer: b.Handle, Token: testToken, MaxBody: 1 << 20, Budget: 4 * time.Second, Log: log})
	t.Cleanup(e.srv.Close)
	return e
}

// post sends a raw body as a signed (or, in safe mode, encrypted) callback.
func (e *env) post(body []byte) *http.Response {
	e.t.Helper()
	if e.fake != nil {
		e.fake.Hear(body) // WeChat knows who wrote
	}
	var req *http.Request
	var err error
	// A nonce per body (a retry's is the same), as WeChat makes them.
	sum := sha256.Sum256(body)
	nonce := hex.EncodeToString(sum[:6])
	if e.safe {
		req, err = e.acct.Safe(e.srv.URL+"/wechat", body, time.Now(), nonce)
	} else {
		req, err = e.acct.Plain(e.srv.URL+"/wechat", body, time.Now(), nonce)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

// reply posts body and returns the text the user would see.
func (e *env) reply(body []byte) string {
	e.t.Helper()
	resp := e.post(body)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	r, err := e.acct.OpenReply(raw, e.safe)
	if err != nil {
		e.t.Fatalf("open reply %q: %v", raw, err)
	}
	return r.Content
}

func (e *env) textXML(user, content string) []byte {
	return wxsign.TextXML(officialID, user, content, e.msgID.Add(1), time.Now())
}

// wrote has each of openids write to the account (帮助), as a day's work
// has volunteers, leads and staff do: WeChat then lets the account push
// to them (48 hours, 5 messages). Call it after withOutbox, so the fake
// WeChat API hears it too.
func (e *env) wrote(openids ...string) {
	e.t.Helper()
	for _, id := range openids {
		e.say(id, "帮助")
	}
}

func (e *env) say(user, content string) string {
	e.t.Helper()
	return e.reply(e.textXML(user, content))
}

func TestVerification(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := http.Get(e.acct.VerifyURL(e.srv.URL+"/wechat", "echo-42", time.Now(), "n1"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "echo-42" {
		t.Errorf("verify: %d %q", resp.StatusCode, body)
	}
	bad := wxsign.Account{Token: "wrong"}.VerifyURL(e.srv.URL+"/wechat", "echo-42", time.Now(), "n1")
	resp, err = http.Get(bad)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("bad signature verify: %d", resp.StatusCode)
	}
}

func TestBadRequestsStoreNothing(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	bindMsg := e.textXML("u-bad", "绑定 3栋2单元501")

	t.Run("bad signature", func(t *testing.T) {
		forger := e.acct
		forger.Token = "forged"
		req, _ := forger.Plain(e.srv.URL+"/wechat", bindMsg, time.Now(), "n")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("bad msg_signature in safe mode", func(t *testing.T) {
		req, _ := e.acct.Safe(e.srv.URL+"/wechat", bindMsg, time.Now(), "n")
		q := req.URL.Query()
		q.Set("msg_signature", strings.Repeat("0", 40))
		req.URL.RawQuery = q.Encode()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
	})
	t.Run("oversized body", func(t *testing.T) {
		big := bytes.Replace(bindMsg, []byte("绑定"), bytes.Repeat([]byte("绑"), 1<<19), 1)
		resp := e.post(big)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})
	for name, body := range map[string]string{
		"broken xml": "<xml><ToUserName><![CDATA[gh]]></ToUserName><Content>绑定 3栋2单元501",
		"not xml":    "绑定 3栋2单元501",
		"empty":      "",
	} {
		t.Run(name, func(t *testing.T) {
			resp := e.post([]byte(body))
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
		})
	}
	t.Run("broken encrypted envelope", func(t *testing.T) {
		req, _ := e.acct.Plain(e.srv.URL+"/wechat", []byte("<xml><Encrypt>"), time.Now(), "n")
		req.URL.RawQuery += "&encrypt_type=aes&msg_signature=x"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	if _, err := e.store.Binding(ctx, "u-bad"); err == nil {
		t.Error("a rejected request bound an address")
	}
}

func TestResidentFlow(t *testing.T) {
	for _, safe := range []bool{false, true} {
		t.Run(fmt.Sprintf("safe=%v", safe), func(t *testing.T) {
			e := newEnv(t, nil)
			e.safe = safe
			u := "resident-1"
			if got := e.reply(wxsign.EventXML(officialID, u, "subscribe", "", time.Now())); got != textWelcome("幸福社区") {
				t.Errorf("welcome = %q", got)
			}
			if got := e.say(u, "蔬菜包2份"); got != textBindFirst() {
				t.Errorf("unbound order = %q", got)
			}
			addr := orders.Address{Building: "3", Unit: "2", Room: "501"}
			if got := e.say(u, "绑定 3栋2单元501"); got != textBoundNew(addr, 30) {
				t.Errorf("bind = %q", got)
			}
			got := e.say(u, "雞蛋兩盒 布洛芬1盒")
			if !strings.HasPrefix(got, "下单成功！订单号 ") || !strings.Contains(got, "鸡蛋 2盒 60元") || !strings.Contains(got, "布洛芬缓释胶囊 1盒 28元") || !strings.Contains(got, "合计 88元") {
				t.Errorf("order = %q", got)
			}
			id := strings.Fields(strings.TrimPrefix(strings.SplitN(got, "\n", 2)[0], "下单成功！订单号 "))[0]
			list := e.say(u, "我的订单")
			if !strings.Contains(list, id+"【待配送】") {
				t.Errorf("my orders = %q", list)
			}
			if got := e.say(u, "取消 "+id); !strings.HasPrefix(got, "已取消订单 "+id) {
				t.Errorf("cancel = %q", got)
			}
			if got := e.say(u, "取消 "+id); got != textCancelTooLate(orders.Order{ID: id, Status: orders.StatusCancelled}) {
				t.Errorf("cancel twice = %q", got)
			}
			left, _ := e.store.StockLeft(context.Background())
			if left["EGG-30"] != 150 {
				t.Errorf("egg stock after cancel = %d, want 150", left["EGG-30"])
			}
		})
	}
}

func TestBindForms(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		text string
		want orders.Address
	}{
		{"绑定 3栋2单元501", orders.Address{Building: "3", Unit: "2", Room: "501"}},
		{"绑定3号楼2单元501室", orders.Address{Building: "3", Unit: "2", Room: "501"}},
		{"地址 3-2-501", orders.Address{Building: "3", Unit: "2", Room: "501"}},
		{"绑定 三栋二单元501", orders.Address{Building: "3", Unit: "2", Room: "501"}},
		{"綁定 8棟1單元101", orders.Address{Building: "8", Unit: "1", Room: "101"}},
		{"绑定 ５栋１单元１２０２", orders.Address{Building: "5", Unit: "1", Room: "1202"}},
		{"绑定：6幢3门302", orders.Address{Building: "6", Unit: "3", Room: "302"}},
		{"3栋2单元502", orders.Address{Building: "3", Unit: "2", Room: "502"}},
	}
	// One resident writes every form (a household's second member would
	// need approval): moving between empty households binds at once.
	// A move is told what is kept; the same door again is not.
	var last orders.Address
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			want := textBoundNew(tt.want, 30)
			if tt.want == last {
				want = textBound(tt.want)
			}
			last = tt.want
			if got := e.say("binder", tt.text); got != want {
				t.Errorf("reply %q, want %q", got, want)
			}
		})
	}
	if got := e.say("binder-x", "绑定 12栋1单元101"); got != textBindUnknownBuilding("", "12", []string{"3", "5", "6", "8"}) {
		t.Errorf("unknown building: %q", got)
	}
	if got := e.say("binder-x", "绑定 我家在楼下"); got != textBindUnreadable() {
		t.Errorf("unreadable: %q", got)
	}
	if got := e.say("binder-x", "绑定"); got != textBindHowTo() {
		t.Errorf("bare bind: %q", got)
	}
}

func TestOrderReplies(t *testing.T) {
	e := newEnv(t, nil)
	u := "orderer"
	e.say(u, "绑定 5栋1单元101")
	tests := []struct{ text, want string }{
		{"来三份菜包", textOverLimit("蔬菜包", "份", 2, 2, e.openDay())},
		{"西红柿2斤", textUnknownItems([]string{"西红柿"}, nil)},
		{"鸡旦1盒", textUnknownItems([]string{"鸡旦"}, []string{"鸡蛋"})},
		{"蔬菜包0份", textZeroQty([]string{"蔬菜包"})},
		{"鸡蛋150盒", textTooMany([]string{"鸡蛋"})},
		{"6栋1单元101 蔬菜包1份", textOtherHousehold(orders.Address{Building: "5", Unit: "1", Room: "101"})},
		{"你好", textGreetResident}, // a greeting is answered, not 没看懂 (issue 19)
		{"你好啊啊", textNotUnderstood()},
		{"帮助", textHelp("幸福社区")},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := e.say(u, tt.text); got != tt.want {
				t.Errorf("reply\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	got := e.say(u, "菜包×2、米面油套餐x1")
	if !strings.Contains(got, "蔬菜包 2份") || !strings.Contains(got, "米面油套餐 1份") {
		t.Errorf("multi order: %q", got)
	}
	if got := e.say(u, "蔬菜包1份"); got != textOverLimit("蔬菜包", "份", 2, 0, e.openDay()) {
		t.Errorf("limit reached: %q", got)
	}
	if got := e.reply(wxsign.ImageXML(officialID, u, "http://x/p.jpg", "media-1", e.msgID.Add(1), time.Now())); got != textRxNoOrder {
		t.Errorf("image: %q", got)
	}
}

func TestMenuClicks(t *testing.T) {
	e := newEnv(t, nil)
	u := "clicker"
	click := func(key string) string {
		return e.reply(wxsign.EventXML(officialID, u, "CLICK", key, time.Now().Add(time.Duration(e.msgID.Add(1))*time.Second)))
	}
	if got := click(KeyHelp); got != textHelp("幸福社区") {
		t.Errorf("help: %q", got)
	}
	if got := click(KeyBind); got != textBindHowTo() {
		t.Errorf("bind: %q", got)
	}
	if got := click(KeyMyOrders); got != textBindBefore() {
		t.Errorf("my orders unbound: %q", got)
	}
	if got := click(KeyOrder); !strings.HasPrefix(got, "可以买的东西：\n蔬菜包 50元/份") {
		t.Errorf("order: %q", got)
	}
	if got := e.reply(wxsign.EventXML(officialID, u, "unsubscribe", "", time.Now())); got != "" {
		t.Errorf("unsubscribe: %q", got)
	}
}

// TestRetriesGetTheSameReply sends one message the way WeChat does when it
// gets no answer: the same MsgId again, also while the first is in flight.
func TestRetriesGetTheSameReply(t *testing.T) {
	e := newEnv(t, nil)
	u := "retrier"
	e.say(u, "绑定 3栋2单元501")
	msg := e.textXML(u, "蔬菜包1份 鸡蛋1盒")
	var wg sync.WaitGroup
	replies := make([]string, 6)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = e.reply(msg)
		}()
	}
	wg.Wait()
	later := e.reply(msg)
	for i, r := range append(replies, later) {
		if r != later || !strings.HasPrefix(r, "下单成功") {
			t.Errorf("delivery %d: %q, want %q", i, r, later)
		}
	}
	list, err := e.store.HouseholdOrders(context.Background(), "3-2-501", 10)
	if err != nil || len(list) != 1 {
		t.Errorf("%d orders after retries, want 1 (%v)", len(list), err)
	}
	// Events have no MsgId: sender+time+event identify them.
	ev := wxsign.EventXML(officialID, u, "CLICK", KeyMyOrders, time.Now())
	if a, b := e.reply(ev), e.reply(ev); a != b {
		t.Errorf("event retry differs: %q vs %q", a, b)
	}
}

func TestRedisDownSaysBusy(t *testing.T) {
	srv := redistest.Own(t)
	rdb := redistest.ClientOf(srv)
	defer rdb.Close()
	e := newEnv(t, rdb)
	u := "unlucky"
	e.say(u, "绑定 3栋2单元501")
	srv.Stop()
	start := time.Now()
	if got := e.say(u, "蔬菜包1份"); got != textBusy {
		t.Errorf("reply with Redis down: %q", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("answered after %v, WeChat gives up at 5s", d)
	}
}

// TestAbandonedClaimExpires covers a claim whose owner never finished (a
// crashed replica, or a claim Redis ran late after a stall): retries are
// told to wait, never acted on twice, and once the claim expires the
// message is handled.
func TestAbandonedClaimExpires(t *testing.T) {
	e := newEnv(t, nil)
	u := "abandoned"
	e.say(u, "绑定 3栋2单元501")
	msgID := e.msgID.Add(1)
	msg := wxsign.TextXML(officialID, u, "鸡蛋1盒", msgID, time.Now())
	// Claim it as a replica that then died, in the env's key space.
	key := Request{MsgType: "text", MsgID: msgID}.DedupeKey()
	if err := e.rdb.Set(context.Background(), "bg:{"+e.community+"}:msg:"+key, "p:dead-replica", 1500*time.Millisecond).Err(); err != nil {
		t.Fatalf("claim: %v", err)
	}
	if got := e.reply(msg); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("after the claim expired: %q", got)
	}
	list, _ := e.store.HouseholdOrders(context.Background(), "3-2-501", 10)
	if len(list) != 1 {
		t.Errorf("%d orders, want 1", len(list))
	}
}

// BenchmarkCallbackOrder measures one resident's order through the whole
// callback: signature check, XML, dedupe claim, parsing, the Lua
// placement, reply save, reply XML, over loopback HTTP to a real Redis.
func BenchmarkCallbackOrder(b *testing.B) {
	e := newEnvTB(b)
	const users = 500
	for i := range users {
		e.say(fmt.Sprintf("bench-%d", i), fmt.Sprintf("绑定 3栋2单元%d", 101+i))
	}
	// Unlimited stock: the benchmark measures work, not sold-out replies;
	// and no rate limit, which would answer most of them "slow down".
	e.store.SetStock(context.Background(), map[string]int{"EGG-30": 1 << 30})
	e.bot.PerMinute = 1 << 30
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		// Unlimited item (挂面) so limits never refuse.
		if got := e.say(fmt.Sprintf("bench-%d", i%users), "挂面1袋"); !strings.HasPrefix(got, "下单成功") {
			b.Fatalf("reply %q", got)
		}
	}
}

func TestStaleTimestampRefused(t *testing.T) {
	e := newEnv(t, nil)
	h := e.srv.Config.Handler.(*wechat.Handler)
	h.MaxAge = time.Hour
	defer func() { h.MaxAge = 0 }()
	old, _ := e.acct.Plain(e.srv.URL+"/wechat", e.textXML("replayer", "绑定 3栋2单元501"), time.Now().Add(-2*time.Hour), "n")
	resp, err := http.DefaultClient.Do(old)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("2-hour-old request: %d, want 403", resp.StatusCode)
	}
	if got := e.say("replayer", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Errorf("fresh request: %q", got)
	}
}

// TestUnboundAsksToBindFirst: someone who has not bound their home is
// asked to bind first, in words that fit what they sent: an order is
// placed after binding, anything else is sent again.
func TestUnboundAsksToBindFirst(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct{ text, want string }{
		{"蔬菜包2份", textBindFirst()},
		{"我的订单", textBindBefore()},
		{"取消 1001", textBindBefore()},
		{"到货通知 鸡蛋", textBindBefore()},
		{"已付款 1001", textBindBefore()},
		{"收到", textBindBefore()},
	} {
		if got := e.say("stranger", tc.text); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.text, got, tc.want)
		}
	}
}
