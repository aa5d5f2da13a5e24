package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/outbox"
	"github.com/baogong/baogong/wechat"
)

// withOutbox gives the env's bot a real outbox whose sender talks to the
// fake WeChat API over HTTP.
func (e *env) withOutbox(t *testing.T) (*outbox.Outbox, *fakewechat.Faulty) {
	t.Helper()
	obs, fake := e.withOutboxes(t, e.bot)
	return obs[0], fake
}

// withOutboxes gives each of bots' actions an outbox of its own sending
// to one fake WeChat API (the env's bot keeps the env's community keys).
func (e *env) withOutboxes(t *testing.T, bots ...*Bot) ([]*outbox.Outbox, *fakewechat.Faulty) {
	t.Helper()
	const appID, secret = "wxbot0000000001", "bot-test-app-secret"
	fake := fakewechat.Install(t, appID, secret)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tokens := wechat.NewTokenCache(e.rdb, appID+"-lead", log)
	acct := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: appID, AppSecret: secret, Token: "t", Cache: tokens})
	sender := wechat.NewWeChatSender(acct, tokens, log)
	sender.APIBase = fake.Base
	fake.AddTemplate("tmpl-delivered")
	e.fake = fake
	var obs []*outbox.Outbox
	for _, b := range bots {
		// The outbox of the bot's own keys: it reads the windows the
		// bot's Resolve opens.
		store := b.Store.(*redisstore.Store)
		ob := outbox.New(e.rdb, store.Community(), sender, log)
		// The bot's clock; notices are sent as each Drain finds them
		// (coalescing has its own tests, on a clock that moves).
		ob.Now, ob.Coalesce = b.Now, -1
		ob.Templates = map[string]string{orders.TplDelivery: "tmpl-delivered"}
		// What people send is downloaded and kept (voices, photos),
		// behind signed links.
		ob.Links, ob.Media = testLinks{}, store
		b.Actions.Outbox, b.Missed = ob, ob
		b.Media, b.Actions.Media, b.Actions.Links, b.Links = sender, store, testLinks{}, testLinks{}
		obs = append(obs, ob)
	}
	return obs, fake
}

// testLinks makes links as cmd's signed links do, unsigned.
type testLinks struct{}

func (testLinks) Summary(lead, unit string) string {
	return "https://bg.example/s/" + lead + "/" + unit
}
func (testLinks) Notices(openid string) string { return "https://bg.example/n/" + openid }
func (testLinks) Media(key string) string      { return "https://bg.example/m/" + key }
func (testLinks) RxPhoto(key, supplier, viewer string) string {
	return "https://bg.example/m/" + key + "?sup=" + supplier
}

// redistestCommunityOf is the env's community id (its reply keys' tag).
func redistestCommunityOf(e *env) string {
	return e.community
}

const firstList = `#接龙 3栋蔬菜包
例：3-2-501 蔬菜包1份
1. 张阿姨 3-2-501 蔬菜包2份
2. 🌻李 13812345678 3栋1单元101 鸡蛋1盒
3. 王 5-1-302 蔬菜包1份
4. 赵 3-1-102 西红柿1斤`

func TestResidentCannotPasteJielong(t *testing.T) {
	e := newEnv(t, nil)
	e.say("resident-x", "绑定 3栋2单元501")
	if got := e.say("resident-x", firstList); got != textOnlyLeads {
		t.Errorf("resident paste: %q", got)
	}
	if got := e.say("resident-x", "送达 3栋"); got != textOnlyLeads {
		t.Errorf("resident deliver: %q", got)
	}
	if list, _ := e.store.Orders(context.Background(), orders.Filter{}); len(list) != 0 {
		t.Errorf("a resident's paste placed %d orders", len(list))
	}
}

func TestLeadPasteAndRepaste(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	first := e.textXML("lead-3", firstList)
	got := e.reply(first)
	t.Logf("first paste:\n%s", got)
	for _, want := range []string{"接龙已登记：共2户", "新下单2户", "合计：蔬菜包2份、鸡蛋1盒",
		"第3条 5栋1单元302：不是您负责的楼栋", "第4条：没有这个商品：西红柿", "——可以复制到群里——", "第3条、第4条没登记上"} {
		if !strings.Contains(got, want) {
			t.Errorf("first paste reply lacks %q:\n%s", want, got)
		}
	}
	if again := e.reply(first); again != got {
		t.Errorf("WeChat retry got a different reply:\n%s", again)
	}
	list, _ := e.store.Orders(ctx, orders.Filter{})
	if len(list) != 2 {
		t.Fatalf("%d orders after the first paste, want 2", len(list))
	}
	for _, o := range list {
		if o.Channel != orders.ChannelJielong || o.PlacedBy != "lead-3" {
			t.Errorf("order %s: channel %s placed by %s", o.ID, o.Channel, o.PlacedBy)
		}
		if o.Address.Room == "101" && o.Contact != "13812345678" {
			t.Errorf("phone not kept for the lead: %q", o.Contact)
		}
	}

	// The list grew and changed: 501 now wants 1, 101 left, 502 joined.
	second := "#接龙 3栋蔬菜包\n1. 张阿姨 3-2-501 蔬菜包1份\n3. 钱 3-2-502 鸡蛋2盒"
	got = e.say("lead-3", second)
	for _, want := range []string{"共2户", "新下单1户，修改1户，取消1户", "不在新接龙里，已取消：3栋1单元101"} {
		if !strings.Contains(got, want) {
			t.Errorf("re-paste reply lacks %q:\n%s", want, got)
		}
	}
	left, _ := e.store.StockLeft(ctx)
	if left["VEG-A"] != 299 || left["EGG-30"] != 148 {
		t.Errorf("stock after re-paste: veg %d egg %d, want 299 148", left["VEG-A"], left["EGG-30"])
	}
	// The same list again changes nothing.
	if got := e.say("lead-3", second); !strings.Contains(got, "没变2户") || strings.Contains(got, "新下单") {
		t.Errorf("same list again: %s", got)
	}
	pending, _ := e.store.Orders(ctx, orders.Filter{Status: orders.StatusPending})
	if len(pending) != 2 {
		t.Errorf("%d pending orders, want 2", len(pending))
	}
}

func TestRepasteWithUnreadableLineCancelsNothing(t *testing.T) {
	e := newEnv(t, nil)
	e.say("lead-3", "#接龙\n1. 3-2-501 蔬菜包1份\n2. 3-2-502 鸡蛋1盒")
	got := e.say("lead-3", "#接龙\n1. 3-2-501 蔬菜包1份\n2. 3-2-5O2 鸡旦1盒")
	if !strings.Contains(got, "这次没有取消：3栋2单元502") {
		t.Errorf("reply:\n%s", got)
	}
	if list, _ := e.store.Orders(context.Background(), orders.Filter{Status: orders.StatusPending}); len(list) != 2 {
		t.Errorf("%d pending, want 2", len(list))
	}
}

func TestDeliverNotifiesAndResidentConfirms(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.say("zhang", "绑定 3栋2单元501")
	e.say("lead-3", "#接龙\n1. 3-2-501 蔬菜包2份\n2. 孙奶奶 139-0000-1111 3-2-502 鸡蛋1盒\n3. 3-1-101 牛奶1箱")

	if got := e.say("lead-3", "送达 5栋"); got != textNotYourBuilding("5") {
		t.Errorf("other building: %q", got)
	}
	got := e.say("lead-3", "送达 3栋2单元")
	t.Logf("送达:\n%s", got)
	for _, want := range []string{"已确认送达 3栋2单元：2户 2单", "已在微信上通知1单", "3栋2单元502 鸡蛋1盒 电话13900001111"} {
		if !strings.Contains(got, want) {
			t.Errorf("deliver reply lacks %q:\n%s", want, got)
		}
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentTo("zhang")
	if len(sent) != 1 || sent[0].Kind != "custom" || !strings.Contains(sent[0].Text, "蔬菜包2份已放到3栋2单元门口") {
		t.Errorf("notice to resident: %+v", sent)
	}
	if got := e.say("lead-3", "送达 3栋2单元"); got != textDeliverNothing("3栋2单元") {
		t.Errorf("deliver twice: %q", got)
	}
	if got := e.say("zhang", "收到"); !strings.HasPrefix(got, "好的，已确认收到") {
		t.Errorf("received: %q", got)
	}
	if got := e.say("zhang", "收到"); got != textNothingToReceive {
		t.Errorf("received twice: %q", got)
	}
	// One household by address, then the rest of the building.
	if got := e.say("lead-3", "送达 3-1-101"); !strings.Contains(got, "1户 1单") {
		t.Errorf("deliver one household: %q", got)
	}
	sum := e.say("lead-3", "汇总")
	t.Logf("汇总:\n%s", sum)
	for _, want := range []string{"3栋的订单：3户 3单", "待送0单，已送达3单", "3栋2单元：501 蔬菜包2份（已收）；502 鸡蛋1盒（已送）"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

func TestDeliverByOrderIDFallsBackToTemplate(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.say("li", "绑定 6栋1单元101")
	got := e.say("lead-68", "6-1-101 蔬菜包1份")
	if !strings.Contains(got, "订单已登记：共1户") {
		t.Fatalf("lead's order line: %s", got)
	}
	list, _ := e.store.HouseholdOrders(ctx, "6-1-101", 1)
	fake.FailNext("/cgi-bin/message/custom/send", 45015, 1)
	if got := e.say("lead-68", "送达 "+list[0].ID); !strings.Contains(got, "1户 1单") {
		t.Errorf("deliver by id: %q", got)
	}
	ob.Drain(ctx)
	sent := fake.SentTo("li")
	if len(sent) != 1 || sent[0].Kind != "template" || sent[0].TemplateID != "tmpl-delivered" {
		t.Errorf("template fallback: %+v", sent)
	}
}

// TestDeliverByOrderIDAsWritten: 送达 1001号, #1002, 订单1003 and 第1004
// are order ids as people write them, not buildings (1001号 was read as
// building 1001: 不是您负责的楼栋); an order of another lead's building
// is still not found.
func TestDeliverByOrderIDAsWritten(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "lead-3", "#接龙\n1. 3-1-101 鸡蛋1盒\n2. 3-1-102 牛奶1箱\n3. 3-1-103 蔬菜包1份\n4. 3-1-104 挂面1袋", "新下单4户")
	e.mustSay(t, "lead-68", "6-1-101 蔬菜包1份", "共1户")
	for i, say := range []string{"送达 1001号", "送达 #1002", "送达 订单1003", "送达 第1004"} {
		door := fmt.Sprintf("3栋1单元%d", 101+i)
		if got := e.say("lead-3", say); !strings.Contains(got, "已确认送达 订单 100") || !strings.Contains(got, door) {
			t.Errorf("%s: %q", say, got)
		}
	}
	if got := e.say("lead-3", "送达 1005号"); got != textDeliverNoOrder("1005") {
		t.Errorf("another building's order: %q", got)
	}
	if n := openOrdersByHousehold(t, e); n["6-1-101"] != 1 {
		t.Errorf("orders: %v", n)
	}
	list, _ := e.store.HouseholdOrders(context.Background(), "6-1-101", 1)
	if list[0].Status != orders.StatusPending {
		t.Errorf("another lead's order is %s", list[0].Status)
	}
}

func TestLeadStillOrdersForOwnHousehold(t *testing.T) {
	e := newEnv(t, nil)
	e.say("lead-3", "绑定 3栋1单元202")
	if got := e.say("lead-3", "鸡蛋1盒"); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("lead's own order: %q", got)
	}
}

// longList is a 接龙 of n households of building 3, each asking for goods
// (a format with the quantity as %d).
func longList(title string, n int, goods string) string {
	var b strings.Builder
	b.WriteString("#接龙 " + title + "\n例：3-2-501 蔬菜包1份\n")
	for i := range n {
		fmt.Fprintf(&b, "%d. 🌻住户%d 3-%d-%d "+goods+"\n", i+1, i, 1+i%4, 101+i/4, 1+i%3)
	}
	return b.String()
}

// TestLongPasteAnsweredInFull checks a 300-household paste is handled
// within the message budget (a reply that ran out of time would be the
// busy text) and a re-paste of it changes nothing.
func TestLongPasteAnsweredInFull(t *testing.T) {
	e := newEnv(t, nil)
	e.store.SetStock(context.Background(), map[string]int{"EGG-30": 10000})
	list := longList("长接龙", 300, "挂面%d袋 鸡蛋1盒")
	if got := e.say("lead-3", list); !strings.HasPrefix(got, "接龙已登记：共300户\n新下单300户") {
		t.Fatalf("long paste: %s", got)
	}
	if got := e.say("lead-3", list); !strings.HasPrefix(got, "接龙已登记：共300户\n没变300户") {
		t.Errorf("re-paste: %s", got)
	}
}

// BenchmarkLeadPaste measures a first paste of a 100-household 接龙
// through the callback (parse, 100 atomic placements, snapshot, reply).
func BenchmarkLeadPaste(b *testing.B) {
	e := newEnvTB(b)
	e.store.SetStock(context.Background(), map[string]int{"EGG-30": 1 << 30})
	e.bot.PerMinute = 1 << 30 // one lead pasting as fast as it can
	i := 0
	for b.Loop() {
		i++
		if got := e.say("lead-3", longList(fmt.Sprintf("第%d批", i), 100, "挂面%d袋")); !strings.Contains(got, "新下单100户") {
			b.Fatalf("paste: %s", got)
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "households/s")
}

// BenchmarkLeadPaste1000 measures a 1000-household 接龙 through the
// callback, the size issue 8 asks to answer within 2 s: pasted first, and
// pasted again unchanged (a grown list is mostly that). It reports the
// Redis round trips per household.
func BenchmarkLeadPaste1000(b *testing.B) {
	for _, again := range []bool{false, true} {
		name := map[bool]string{false: "first", true: "again"}[again]
		b.Run(name, func(b *testing.B) {
			rdb := redistest.Client(b)
			var trips roundTrips
			rdb.AddHook(&trips)
			e := newEnvRedis(b, rdb)
			e.bot.PerMinute = 1 << 30 // one lead pasting as fast as it can
			want := "新下单1000户"
			if again {
				want = "没变1000户"
				e.say("lead-3", longList("全小区", 1000, "挂面%d袋"))
			}
			i := 0
			trips.n.Store(0)
			for b.Loop() {
				i++
				title := fmt.Sprintf("第%d批", i)
				if again {
					title = "全小区"
				}
				if got := e.say("lead-3", longList(title, 1000, "挂面%d袋")); !strings.Contains(got, want) {
					b.Fatalf("paste: %s", got)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/paste")
			b.ReportMetric(float64(trips.n.Load())/float64(1000*b.N), "trips/household")
		})
	}
}

// TestLeadCancelWords covers a lead's cancel words: they never place an
// order (a review found 取消 3-2-501 蔬菜包1份 did).
func TestLeadCancelWords(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.say("lead-3", "3-2-501 蔬菜包1份")
	if got := e.say("lead-3", "取消 3-2-501"); !strings.HasPrefix(got, "已取消3栋2单元501的订单") {
		t.Errorf("lead cancel: %q", got)
	}
	for _, text := range []string{"取消 3-2-501 蔬菜包1份", "3-1-101 蔬菜包1份 不要了", "退订 3栋1单元102 鸡蛋1盒"} {
		got := e.say("lead-3", text)
		if strings.Contains(got, "新下单") {
			t.Errorf("%q placed an order: %s", text, got)
		}
	}
	if got := e.say("lead-3", "取消 5-1-101"); got != textNotYourBuilding("5") {
		t.Errorf("other building: %q", got)
	}
	if open, _ := e.store.OpenOrders(ctx, "G1"); len(open) != 0 {
		t.Errorf("%d open orders, want 0", len(open))
	}
}

// TestRepasteNextMorningIsTheSameList: a list pasted in the evening and
// re-pasted grown the next morning is one list (a review found every
// order doubled), and orders past the cutoff are not changed or cancelled.
func TestRepasteNextMorningIsTheSameList(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.now = time.Date(2026, 11, 24, 19, 0, 0, 0, shanghai)
	e.say("lead-3", "#接龙 蔬菜\n1. 3-2-501 蔬菜包1份\n2. 3-2-502 鸡蛋1盒")
	e.store.CloseDay(ctx, "2026-11-24", e.now.Add(time.Hour)) // the 20:00 cutoff
	e.now = time.Date(2026, 11, 25, 7, 30, 0, 0, shanghai)
	got := e.say("lead-3", "#接龙 蔬菜\n1. 3-2-501 蔬菜包2份\n3. 3-2-503 牛奶1箱")
	for _, want := range []string{"新下单1户", "已截单或正在配送，改动没有生效：3栋2单元501、3栋2单元502"} {
		if !strings.Contains(got, want) {
			t.Errorf("re-paste lacks %q:\n%s", want, got)
		}
	}
	open, _ := e.store.OpenOrders(ctx, "G1")
	if len(open) != 3 {
		t.Errorf("%d open orders, want 3", len(open))
	}
	for _, o := range open {
		if o.Address.Room == "501" && o.Lines[0].Qty != 1 {
			t.Errorf("an order on a sent pick list changed: %+v", o.Lines)
		}
	}
}

// TestDeliverAfterTheCutoff (issue 13): orders placed after the cutoff
// count for tomorrow, and 汇总 lists them as 待送 under tomorrow's words;
// 送达 confirms whatever 汇总 lists as 待送, at 20:40 as at 19:40.
func TestDeliverAfterTheCutoff(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	e.now = time.Date(2026, 11, 24, 19, 40, 0, 0, shanghai)
	if got := e.say("zhang", "蔬菜包1份"); !strings.Contains(got, "11月25日送（20:00后下单算明天）") {
		t.Errorf("before the cutoff: %s", got)
	}
	e.store.CloseDay(ctx, "2026-11-24", e.now)
	e.now = time.Date(2026, 11, 24, 20, 40, 0, 0, shanghai)
	if got := e.say("zhang", "鸡蛋1盒"); !strings.Contains(got, "11月26日送（今天已截单，算明天的）") {
		t.Errorf("after the cutoff: %s", got)
	}
	if got := e.say("lead-3", "#接龙\n1. 3-1-101 牛奶1箱\n2. 3-1-102 鸡蛋1盒"); !strings.Contains(got, "新下单2户\n11月26日送（今天已截单，算明天的）") {
		t.Errorf("paste after the cutoff: %s", got)
	}
	sum := e.say("lead-3", "汇总")
	for _, want := range []string{"3栋的订单：3户 4单\n待送4单，已送达0单", "11月25日送（已截单）：\n3栋2单元：501 蔬菜包1份",
		"11月26日送（今天已截单，算明天的）：\n3栋1单元：101 牛奶1箱；102 鸡蛋1盒\n3栋2单元：501 鸡蛋1盒"} {
		if !strings.Contains(sum, want) {
			t.Errorf("汇总 lacks %q:\n%s", want, sum)
		}
	}
	if got := e.say("lead-3", "送达 3-1-101"); !strings.Contains(got, "已确认送达 3栋1单元101：1户 1单") {
		t.Errorf("送达 one household pasted after the cutoff: %s", got)
	}
	if got := e.say("lead-3", "送达 3栋"); !strings.Contains(got, "已确认送达 3栋：2户 3单") {
		t.Errorf("送达 the building: %s", got)
	}
	if open, _ := e.store.OpenOrders(ctx, "G1"); len(open) != 0 {
		t.Errorf("open after delivery: %+v", open)
	}
	if got := e.say("lead-3", "汇总"); !strings.Contains(got, "待送0单，已送达4单") {
		t.Errorf("汇总 after delivery: %s", got)
	}
}

// TestFreePackCannotBeOrdered: a free_only item is the community's to
// hand out; ordering it would drain the allocation.
func TestFreePackCannotBeOrdered(t *testing.T) {
	e := newEnv(t, nil)
	e.say("zhang", "绑定 3栋2单元501")
	if got := e.say("zhang", "政府蔬菜包1份"); got != textFreeOnly {
		t.Errorf("resident: %q", got)
	}
	if got := e.say("lead-3", "3-2-502 政府蔬菜包1份"); !strings.Contains(got, "免费发放的东西，不用接龙") {
		t.Errorf("lead: %s", got)
	}
	// 商品 does not offer it for sale: it lists it as handed out.
	if got := e.say("zhang", "商品"); strings.Contains(got, "政府蔬菜包 0元") || !strings.Contains(got, "免费发放（不用下单，社区发放时送到每户）：政府蔬菜包") {
		t.Errorf("商品: %s", got)
	}
	if list, _ := e.store.Orders(context.Background(), orders.Filter{}); len(list) != 0 {
		t.Errorf("%d orders placed", len(list))
	}
}

// TestRepliesAroundTheClock: what a resident is told about their order,
// their limits and their orders follows the order day at every hour, and
// a lead's 汇总 and 送达 agree.
func TestRepliesAroundTheClock(t *testing.T) {
	for _, c := range []struct {
		at string
		// closed: the cutoff jobs that ran by then.
		closed []string
		placed string // the when line of the placed reply
		limit  string // the limit reply's words
		mine   string // 我的订单's words for the pending order
	}{
		{"2026-11-24 00:01", []string{"2026-11-23"}, "11月25日送（20:00后下单算明天）", "您家今天已经买够了，这次没有下单。\n今天20:00以后可以再买。", "（11月25日送）"},
		{"2026-11-24 07:59", []string{"2026-11-23"}, "11月25日送（20:00后下单算明天）", "您家今天已经买够了，这次没有下单。\n今天20:00以后可以再买。", "（11月25日送）"},
		{"2026-11-24 12:00", []string{"2026-11-23"}, "11月25日送（20:00后下单算明天）", "您家今天已经买够了", "（11月25日送）"},
		{"2026-11-24 19:59", []string{"2026-11-23"}, "11月25日送（20:00后下单算明天）", "您家今天已经买够了", "（11月25日送）"},
		{"2026-11-24 20:01", []string{"2026-11-23", "2026-11-24"}, "11月26日送（今天已截单，算明天的）", "今天已截单，现在下的单算明天的，您家明天已经买够了，这次没有下单。\n明天20:00以后可以再买。", "（11月26日送）"},
		{"2026-11-24 23:59", []string{"2026-11-23", "2026-11-24"}, "11月26日送（今天已截单，算明天的）", "您家明天已经买够了", "（11月26日送）"},
	} {
		t.Run(c.at, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx := context.Background()
			now, err := time.ParseInLocation("2006-01-02 15:04", c.at, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			e.now = now
			for _, day := range c.closed {
				e.store.CloseDay(ctx, day, now)
			}
			e.say("zhang", "绑定 3栋2单元501")
			got := e.say("zhang", "蔬菜包2份")
			if !strings.Contains(got, "送到：3栋2单元501\n"+c.placed+"\n") {
				t.Errorf("placed: %s", got)
			}
			id := strings.Fields(strings.TrimPrefix(got, "下单成功！订单号 "))[0]
			if got := e.say("zhang", "蔬菜包1份"); !strings.Contains(got, c.limit) {
				t.Errorf("limit: %s\nwant %s", got, c.limit)
			}
			if got := e.say("zhang", "我的订单"); !strings.Contains(got, id+"【待配送】蔬菜包2份 100元 未付"+c.mine) {
				t.Errorf("我的订单: %s", got)
			}
			if got := e.say("lead-3", "汇总"); !strings.Contains(got, c.placed+"：\n3栋2单元：501 蔬菜包2份") {
				t.Errorf("汇总: %s", got)
			}
			if got := e.say("lead-3", "送达 3-2-501"); !strings.Contains(got, "1户 1单") {
				t.Errorf("送达: %s", got)
			}
		})
	}
}
