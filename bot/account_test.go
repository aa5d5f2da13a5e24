package bot

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/wechat"
)

// accountEnv is two communities on one official account: 阳光小区 (the
// test community, buildings 3 5 6 8) and 幸福里 (buildings 3 and 9), each
// with its own keys, routed by one Account.
type accountEnv struct {
	*env
	acct   *Account
	c1, c2 *Bot
	s2     *redisstore.Store
}

func newAccountEnv(t *testing.T) *accountEnv {
	t.Helper()
	e := newEnv(t, nil)
	c1 := e.bot
	c1.Community.ID, c1.Community.Name, c1.Community.Aliases = "c1", "阳光小区", []string{"阳光"}
	s2 := redisstore.New(e.rdb, redistest.Community(t), c1.Catalog)
	cm2 := &orders.Community{ID: "c2", Name: "幸福里", Grids: []orders.Grid{{ID: "G1", Buildings: []string{"3", "9"}}},
		Leads: []orders.Lead{{OpenID: "lead-xf-3", Buildings: []string{"3"}}}, Calendar: testCalendar}
	c2 := newBot(c1.Catalog, cm2, s2, failingNotices{}, c1.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	acct := newAccount(redisstore.NewDirectory(e.rdb, redistest.Community(t)), c1, c2)
	e.srv.Close()
	e.srv = httptest.NewServer(&wechat.Handler{Account: e.oa, Answer: acct.Handle, Token: testToken, MaxBody: 1 << 20, Budget: 4 * time.Second, Log: c2.Log})
	t.Cleanup(e.srv.Close)
	return &accountEnv{env: e, acct: acct, c1: c1, c2: c2, s2: s2}
}

// orderIn returns the household's orders in store.
func orderIn(t *testing.T, s *redisstore.Store, hh string) []orders.Order {
	t.Helper()
	list, err := s.HouseholdOrders(context.Background(), hh, 10)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAccountOfSeveralCommunities(t *testing.T) {
	e := newAccountEnv(t)
	ctx := context.Background()
	names := []string{"阳光小区", "幸福里"}

	if got := e.say("u1", "帮助"); got != textHelpAccount(names) {
		t.Errorf("帮助 before binding: %q", got)
	}
	if got := e.say("u1", "蔬菜包1份"); got != textBindFirstAccount(names) {
		t.Errorf("order before binding: %q", got)
	}
	if got := e.say("u1", "到货通知 鸡蛋"); got != textBindBeforeAccount(names) {
		t.Errorf("到货通知 before binding: %q", got)
	}
	// Only 幸福里 has a 9栋.
	if got := e.say("u1", "绑定 9栋1单元101"); got != textBoundIn("幸福里", orders.Address{Building: "9", Unit: "1", Room: "101"})+"\n"+actions.PrivacyNotice(30) {
		t.Errorf("bind where it fits: %q", got)
	}
	if got := e.say("u1", "挂面1袋"); !strings.HasPrefix(got, "下单成功！") {
		t.Fatalf("order: %q", got)
	}
	if n1, n2 := len(orderIn(t, e.store, "9-1-101")), len(orderIn(t, e.s2, "9-1-101")); n1 != 0 || n2 != 1 {
		t.Errorf("orders in 阳光小区 %d, in 幸福里 %d; want 0 and 1", n1, n2)
	}
	if got := e.say("u1", "帮助"); got != textHelp("幸福里") {
		t.Errorf("帮助 names the community: %q", got)
	}

	// Both have a 3栋: the resident chooses.
	a := orders.Address{Building: "3", Unit: "2", Room: "501"}
	if got := e.say("u2", "绑定 3栋2单元501"); got != textBindWhich(a, names) {
		t.Errorf("ambiguous: %q", got)
	}
	if got := e.say("u2", "绑定 2"); got != textBoundIn("幸福里", a)+"\n"+actions.PrivacyNotice(30) {
		t.Errorf("绑定 2: %q", got)
	}
	if got := e.say("u3", "绑定 3-2-502"); got != textBindWhich(orders.Address{Building: "3", Unit: "2", Room: "502"}, names) {
		t.Errorf("ambiguous: %q", got)
	}
	if got := e.say("u3", "绑定 阳光"); !strings.HasPrefix(got, "已绑定：阳光小区 3栋2单元502") {
		t.Errorf("绑定 <alias>: %q", got)
	}
	if got := e.say("u4", "綁定 阳光小区 3棟2單元503"); !strings.HasPrefix(got, "已绑定：阳光小区 3栋2单元503") {
		t.Errorf("绑定 <name> <address>: %q", got)
	}
	if got := e.say("u4", "绑定 阳光小区 9栋1单元101"); got != textBindUnknownBuilding("阳光小区", "9", e.c1.Community.Buildings()) {
		t.Errorf("building not in the community named: %q", got)
	}
	if got := e.say("u5", "绑定 12栋1单元101"); got != textBindNoCommunity("12", names) {
		t.Errorf("no community has it: %q", got)
	}

	// The same household number in both: each order stays in its own.
	for _, u := range []string{"u2", "u4"} {
		if got := e.say(u, "挂面1袋"); !strings.HasPrefix(got, "下单成功！") {
			t.Fatalf("%s order: %q", u, got)
		}
	}
	if n1, n2 := len(orderIn(t, e.store, "3-2-501")), len(orderIn(t, e.s2, "3-2-501")); n1 != 0 || n2 != 1 {
		t.Errorf("3-2-501: %d orders in 阳光小区, %d in 幸福里; want 0 and 1", n1, n2)
	}
	// Leads act in their own community only: 阳光小区's lead of 3栋
	// delivers there, and 幸福里's 3-2-501 stays pending.
	e.say("lead-3", "送达 3-2-501")
	if o := orderIn(t, e.s2, "3-2-501"); o[0].Status != orders.StatusPending {
		t.Errorf("阳光小区's lead changed 幸福里's order: %s", o[0].Status)
	}
	if got := e.say("lead-xf-3", "送达 3-2-501"); !strings.Contains(got, "3栋2单元501") {
		t.Errorf("幸福里's lead: %q", got)
	}
	if o := orderIn(t, e.s2, "3-2-501"); o[0].Status != orders.StatusDelivered {
		t.Errorf("幸福里's lead did not deliver: %s", o[0].Status)
	}

	// A pharmacy serving both: its 备货完成 counts in each.
	if got := e.say("ph-renmin-boss", "备货完成"); !strings.Contains(got, "阳光小区：") || !strings.Contains(got, "幸福里：") {
		t.Errorf("备货完成 of a supplier of both: %q", got)
	}

	// A move: u4 binds in 幸福里 and leaves 阳光小区.
	if got := e.say("u4", "绑定 幸福里 9栋2单元201"); !strings.HasPrefix(got, "已绑定：幸福里 9栋2单元201") {
		t.Fatalf("move: %q", got)
	}
	if _, err := e.store.Binding(ctx, "u4"); !isNotFound(err) {
		t.Errorf("still bound in 阳光小区 after moving: %v", err)
	}
	// Another replica knows nothing yet: it finds u4 in 幸福里 through
	// the directory.
	e.acct.cache = map[string]*Bot{}
	if got := e.say("u4", "我的订单"); strings.Contains(got, "挂面") {
		t.Errorf("u4's 我的订单 in 幸福里 shows 阳光小区's order: %q", got)
	}
	if got := e.say("u2", "我的订单"); !strings.Contains(got, "挂面") {
		t.Errorf("u2's 我的订单 after a restart: %q", got)
	}
	if got := e.say("u4", "解绑"); !strings.Contains(got, "9栋2单元201") {
		t.Errorf("解绑: %q", got)
	}
	if got := e.say("u4", "帮助"); got != textHelpAccount(names) {
		t.Errorf("帮助 after 解绑: %q", got)
	}
}

// TestAccountFirstCommunityDown: the first community answers those the
// service does not know yet; when its Redis cannot be reached, a sender of
// another community is still found through the directory.
func TestAccountFirstCommunityDown(t *testing.T) {
	e := newAccountEnv(t)
	if got := e.say("u1", "绑定 幸福里 9栋1单元101"); !strings.HasPrefix(got, "已绑定：幸福里") {
		t.Fatalf("bind: %q", got)
	}
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { dead.Close() })
	e.c1.Store = redisstore.New(dead, "down", e.c1.Catalog)
	e.acct.cache = map[string]*Bot{} // a replica that just started
	if got := e.say("u1", "挂面1袋"); !strings.HasPrefix(got, "下单成功！") {
		t.Errorf("order of 幸福里 while 阳光小区's Redis is down: %q", got)
	}
	if got := e.say("u9", "挂面1袋"); got != textBusy {
		t.Errorf("someone unknown while the first community is down: %q", got)
	}
}
