package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/baogong/baogong/bot"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/config"
	"github.com/baogong/baogong/internal/demo"
	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// demoCmd runs the whole service on one machine with nothing installed:
// miniredis instead of Redis, a fake WeChat API, and a web page that plays
// residents against the real callback.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address of the demo page and the callback")
	plain := fs.Bool("plain", false, "send messages in plaintext instead of safe (AES) mode")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := startDemo(ctx, *addr, !*plain, stderr)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintf(stdout, `baogong demo is running: http://%s/
  data is in memory (embedded Redis) and is gone when you stop the demo (Ctrl-C)
  WeChat callback: http://%s/wechat (token %q)
  admin console:   http://%s/demo/console (signed in as the staff persona 社区网格员)
  money:           http://%s/demo/money (today's 对账: building 8's cash, 群收款 and a shortfall, seeded at start)
  admin API:       curl -H 'Authorization: Bearer %s' http://%s/api/orders
`, d.Addr(), d.Addr(), d.Config.WeChat.Token, d.Addr(), d.Addr(), d.Config.Admin.Token, d.Addr())
	<-ctx.Done()
	return nil
}

// demoMain is a Main running on miniredis and a fake WeChat API.
type demoMain struct {
	*Main
	API   *fakewechat.API
	redis *miniredis.Miniredis
}

// The WeChat library takes its API base once per process (setWeChatHTTP),
// so every demo of a process (tests start several, one after another)
// shares one fake-API listener, which serves the newest demo's API.
var demoFake struct {
	once sync.Once
	base string
	err  error
	api  atomic.Pointer[fakewechat.API]
}

func demoFakeBase(api *fakewechat.API) (string, error) {
	demoFake.api.Store(api)
	demoFake.once.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			demoFake.err = err
			return
		}
		demoFake.base = "http://" + ln.Addr().String()
		srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			demoFake.api.Load().ServeHTTP(w, r)
		})}
		go srv.Serve(ln)
	})
	return demoFake.base, demoFake.err
}

// demoContacts are the suppliers' contacts in the demo, people the page
// plays. They are set here rather than in demodata/catalog.yaml, whose
// supplier lines jobs_e2e_test.go rewrites to give its own contacts.
var demoContacts = map[string]string{"sm-xinyi": "demo-supplier-xinyi", "ph-renmin": "demo-pharmacy-renmin"}

// demoCatalogWithContacts is the demo catalog with demoContacts.
func demoCatalogWithContacts() (*catalog.Catalog, error) {
	cat, err := catalog.Parse(demoCatalog)
	if err != nil {
		return nil, err
	}
	sups := append([]catalog.Supplier(nil), cat.Suppliers...)
	for i := range sups {
		if c, ok := demoContacts[sups[i].ID]; ok && sups[i].ContactOpenID == "" {
			sups[i].ContactOpenID = c
		}
	}
	return catalog.New(sups, cat.Items)
}

func startDemo(ctx context.Context, addr string, safe bool, logw io.Writer) (*demoMain, error) {
	d := &demoMain{redis: miniredis.NewMiniRedis()}
	// TTLs (dedupe keys, limit counters, tokens) only run down with this.
	d.redis.ClockTTL(true)
	if err := d.redis.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	cfg, err := config.Parse(demoConfig, func(string) string { return "" })
	if err != nil {
		d.redis.Close()
		return nil, fmt.Errorf("demo config: %w", err)
	}
	cfg.HTTP.Addr = addr
	cfg.Redis.URL = "redis://" + d.redis.Addr() + "/0"
	cfg.Admin.Token = randomHex(16)
	if safe {
		cfg.WeChat.EncodingAESKey = randomAESKey()
	}
	d.API = fakewechat.New(cfg.WeChat.AppID, cfg.WeChat.AppSecret)
	// The account has the templates the config names (as an operator adds
	// them in WeChat's console), with the fields the config says they have.
	layouts := cfg.WeChat.Layouts()
	for _, id := range cfg.WeChat.TemplateIDs() {
		l, ok := layouts[id]
		if !ok {
			d.API.AddTemplate(id)
			continue
		}
		d.API.AddTemplateFields(id, l.Used()...)
	}
	if cfg.WeChat.APIBase, err = demoFakeBase(d.API); err != nil {
		d.redis.Close()
		return nil, fmt.Errorf("fake wechat api: %w", err)
	}

	cat, err := demoCatalogWithContacts()
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("demo catalog: %w", err)
	}
	if d.Main, err = NewMain(ctx, cfg, cat, realClock, logw); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.Main.Run(ctx); err != nil {
		d.Close()
		if inUse := (*addrInUseError)(nil); errors.As(err, &inUse) {
			return nil, fmt.Errorf("cannot listen on %s: another program uses it (another baogong demo still running?). Stop it, or run the demo elsewhere: baogong demo --addr 127.0.0.1:8081", addr)
		}
		return nil, err
	}
	// Create the menu as an operator would: this fetches an access
	// token from the fake API and keeps it in Redis.
	if err := d.Tags.tags.SetMenus(ctx, bot.Menu(), bot.RoleMenus()); err != nil {
		d.Log.Warn("demo menu", "err", err)
	}
	loc, err := cfg.Location()
	if err != nil {
		d.Close()
		return nil, err
	}
	var sups []demo.Supplier
	for _, s := range cat.Suppliers {
		sups = append(sups, demo.Supplier{ID: s.ID, Name: s.Name})
	}
	(&demo.Server{
		Callback:   "http://" + d.Addr() + "/wechat",
		Account:    wxsign.Account{Token: cfg.WeChat.Token, AppID: cfg.WeChat.AppID, EncodingAESKey: cfg.WeChat.EncodingAESKey},
		Safe:       safe,
		API:        d.API,
		Held:       d.Outbox,
		AdminToken: cfg.Admin.Token,
		OfficialID: "gh_baogong_demo",
		Users: []demo.User{
			{OpenID: "demo-resident-zhang", Name: "张阿姨", Hint: "住 3栋2单元501，先发：绑定 3栋2单元501"},
			{OpenID: "demo-resident-li", Name: "李大爷", Hint: "住 5栋1单元302，习惯写繁体：綁定 5棟1單元302"},
			{OpenID: "demo-resident-wang", Name: "小王", Hint: "住 6栋3单元1202，发：绑定 6-3-1202"},
			{OpenID: "demo-lead-3", Name: "3栋楼栋长", Hint: "负责3栋，先试：粘贴下面的整段接龙", Examples: []string{
				"#接龙 3栋蔬菜包\n例：3-2-501 蔬菜包1份\n1. 张阿姨 3-2-501 牛奶1箱\n2. 🌻孙奶奶 13900001111 3栋1单元101 蔬菜包2份、鸡蛋1盒\n3. 老周 3号楼2单元502室 米、面各1袋\n4. 小刘 3-1-102 西红柿2斤",
				"#接龙 3栋蔬菜包\n1. 张阿姨 3-2-501 牛奶1箱\n2. 🌻孙奶奶 13900001111 3栋1单元101 蔬菜包1份\n4. 小刘 3-1-102 布洛芬（芬必得）1盒\n5. 钱 3-2-601 抗原2盒",
				"汇总", "送达 3栋2单元", "送达 3栋", "送达 3-1-101"}},
			{OpenID: "demo-volunteer-1", Name: "志愿者小林", Hint: "3栋、5栋的送货志愿者，排班后发：任务", Examples: []string{"任务", "完成 1", "完成 2"}},
			{OpenID: "demo-supplier-xinyi", Name: "新义超市店长", Hint: "保供超市的联系人，收到备货单后发：备货完成", Examples: []string{"备货完成"}},
			{OpenID: "demo-pharmacy-renmin", Name: "人民大药房店员", Hint: "药房的联系人：居民发了处方照片，推送里有审核的按钮；收到备货单后发：备货完成",
				Examples: []string{"备货完成", "审核"}},
			{OpenID: demoStaff, Name: "社区网格员", Hint: "社区工作人员：发 登录 拿管理后台的一次性链接；审核处方，接没人领的急单；“缺货和到货通知”里补货",
				Examples: []string{"登录", "领取", "审核", "帮助"}},
		},
		Examples: []string{"绑定 3栋2单元501", "蔬菜包2份", "雞蛋兩盒 布洛芬1盒", "来三份菜包", "米、面各1袋", "胰岛素1支", "口罩2包", "到货通知",
			"西红柿2斤", "我的订单", "取消", "收到", "商品", "报名志愿者", "帮助"},
		VoiceExamples: []string{"嗯，那个，我要两份蔬菜包。", "我要那个布洛芬一盒吧。", "是的。", "不对。", "给我来八袋挂面。",
			"我要两份树菜包。", "我的订单？", "救命啊，我爸的药吃完了！", ""},
		Names: map[string]string{
			"demo-volunteer-2": demoNames["demo-volunteer-2"], "demo-volunteer-3": demoNames["demo-volunteer-3"],
			"demo-lead-6": demoNames["demo-lead-6"], "demo-pharmacy-renmin": demoNames["demo-pharmacy-renmin"],
		},
		Suppliers: sups,
		Store:     d.Store,
		Location:  loc,
		Now:       d.Clock.Now,
	}).Register(d.Mux)
	// The console, signed in as the staff persona: the demo has no
	// WeChat to send 登录 from outside the page.
	d.Mux.HandleFunc("GET /demo/console", func(w http.ResponseWriter, r *http.Request) {
		d.Console.StartSession(w, r, demoStaff, staff.ViaDemo)
	})
	// The seeded day's money (demo_seed.go): the console's 对账 of today.
	d.Mux.HandleFunc("GET /demo/money", func(w http.ResponseWriter, r *http.Request) {
		d.Console.StartSessionAt(w, r, demoStaff, staff.ViaDemo, "/admin/settlement?date="+orders.Day(d.Clock.Now(), loc))
	})
	d.namePeople(ctx)
	if err := d.seedMoney(ctx); err != nil {
		d.Log.Warn("demo seed", "err", err)
	}
	return d, nil
}

// demoStaff is the demo's community staff persona (community.admins).
const demoStaff = "demo-staff"

// demoNames are what the console calls the demo's people.
var demoNames = map[string]string{
	"demo-resident-zhang": "张阿姨", "demo-resident-li": "李大爷", "demo-resident-wang": "小王",
	"demo-lead-3": "3栋楼栋长", "demo-lead-6": "6栋楼栋长", demoStaff: "社区网格员",
	"demo-volunteer-1": "志愿者小林", "demo-volunteer-2": "志愿者小陈", "demo-volunteer-3": "志愿者老赵",
	"demo-supplier-xinyi": "新义超市店长", "demo-pharmacy-renmin": "人民大药房店员",
}

// namePeople gives the console the demo people's names.
func (d *demoMain) namePeople(ctx context.Context) {
	for id, name := range demoNames {
		if err := d.Store.SetPerson(ctx, orders.Person{OpenID: id, Name: name}); err != nil {
			d.Log.Warn("demo names", "err", err)
			return
		}
	}
}

// Close stops the service and the embedded Redis (the fake API's listener
// stays for the next demo of the process).
func (d *demoMain) Close() error {
	var err error
	if d.Main != nil {
		err = d.Main.Close()
	}
	d.redis.Close()
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// randomAESKey makes an EncodingAESKey as the WeChat console does: 32
// random bytes in base64 without the trailing "=".
func randomAESKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)[:43]
}
