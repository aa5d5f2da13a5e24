package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/baogong/baogong/internal/browsertest"
)

// browserPage drives one tab of a headless Chromium (package
// browsertest) and keeps its screenshots in dir.
type browserPage struct {
	t   *testing.T
	ctx context.Context
	dir string
}

// newBrowserPage opens a desktop-sized tab whose clock is in New York,
// far from the community's: a page that showed the browser's time would
// show another than the service's. Screenshots are test artifacts, in
// $BAOGONG_ARTIFACTS/<test> when set (browsertest.Artifacts).
func newBrowserPage(t *testing.T) *browserPage {
	t.Helper()
	p := &browserPage{t: t, ctx: browsertest.New(t, 1400, 1000), dir: browsertest.Artifacts(t)}
	p.do("set the time zone", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}))
	return p
}

// do runs steps, failing the test after 20 s.
func (p *browserPage) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.shot("failed")
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval returns a JavaScript expression's value.
func evalIn[T any](p *browserPage, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// wait waits until a JavaScript expression is truthy and returns its value.
func (p *browserPage) wait(what, expr string) string {
	p.t.Helper()
	return p.waitFor(what, expr, 20*time.Second)
}

// waitFor is wait for up to d.
func (p *browserPage) waitFor(what, expr string, d time.Duration) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, d)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Poll[string](expr, chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		p.shot("failed")
		p.t.Fatalf("waiting for %s: %v", what, err)
	}
	return v
}

// shot keeps a screenshot of the whole page as name.png.
func (p *browserPage) shot(name string) {
	p.t.Helper()
	browsertest.Shot(p.t, p.ctx, p.dir, name)
}

// as switches the page to the persona named name.
func (p *browserPage) as(name string) {
	p.t.Helper()
	p.do("switch to "+name, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const b = [...document.querySelectorAll("#users .user")].find((b) => [...b.childNodes].some((n) => n.nodeType === 3 && n.textContent === %q)); b.click(); return true; })()`, name))(ctx, t)
		return err
	}))
	p.wait(name+" chosen", fmt.Sprintf(`document.querySelector("#who").textContent === "对话："+%q ? "yes" : ""`, name))
}

// lastReply is the expression of the persona's last answered message's
// reply, "" while it waits.
const lastReply = `(() => { const ms = [...document.querySelectorAll("#chat .msg")]; const m = ms.pop(); return m && (m.classList.contains("bot") || m.classList.contains("err")) ? m.textContent : ""; })()`

// say types text into the message box (or, for several lines, puts them
// there as a paste does) and sends it; it returns the reply.
func (p *browserPage) say(text string) string {
	p.t.Helper()
	n := evalIn[int](p, `document.querySelectorAll("#chat .msg.me").length`)
	p.do("type "+text, chromedp.SetValue(chromedp.CSS("#text"), text))
	p.press("button.send")
	p.wait("the message shown", fmt.Sprintf(`document.querySelectorAll("#chat .msg.me").length > %d ? "yes" : ""`, n))
	return p.wait("the reply to "+text, lastReply)
}

// click clicks the element sel and returns the reply to what it sent.
func (p *browserPage) click(sel string) string {
	p.t.Helper()
	n := evalIn[int](p, `document.querySelectorAll("#chat .msg.me").length`)
	p.press(sel)
	p.wait("the message shown", fmt.Sprintf(`document.querySelectorAll("#chat .msg.me").length > %d ? "yes" : ""`, n))
	return p.wait("the reply", lastReply)
}

// press clicks the element sel from the page's own script once it is
// there and enabled: the page redraws its lists every second, and on a
// busy machine a click by position lands on whatever moved under it (a
// 截单 that never ran failed the suite under load).
func (p *browserPage) press(sel string) {
	p.t.Helper()
	q, _ := json.Marshal(sel)
	p.wait(sel+" ready", fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e && !e.disabled ? "yes" : ""; })()`, q))
	p.do("press "+sel, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { document.querySelector(%s).click(); return true; })()`, q))(ctx, t)
		return err
	}))
}

func mustHave(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

// TestDemoInBrowser plays the demo page in a real headless Chromium: a
// resident binds and orders, a lead pastes a multi-line 接龙 into the
// message box, a resident sends a photo of a prescription, a sold-out
// resident asks for 到货通知 and the office adds stock, the jobs run from
// their buttons, and the roster and a pick list open. Screenshots of
// each step are kept (see newBrowserPage).
func TestDemoInBrowser(t *testing.T) {
	p := newBrowserPage(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := startDemo(ctx, "127.0.0.1:0", true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	base := "http://" + d.Addr()
	p.do("open the demo", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#users .user")))

	// A resident binds and orders.
	p.as("张阿姨")
	mustHave(t, "bind", p.say("绑定 3栋2单元501"), "已绑定：3栋2单元501")
	mustHave(t, "order", p.say("蔬菜包2份"), "下单成功")
	p.wait("the order in the table", `document.querySelector("#orders").textContent.includes("待配送") ? "yes" : ""`)
	p.shot("1-resident-orders")

	// A lead pastes a 接龙 of several lines into the box.
	p.as("3栋楼栋长")
	paste := "#接龙 3栋蔬菜包\n例：3-2-501 蔬菜包1份\n1. 张阿姨 3-2-501 牛奶1箱\n2. 🌻孙奶奶 13900001111 3栋1单元101 蔬菜包2份、鸡蛋1盒\n3. 老周 3号楼2单元502室 米、面各1袋"
	got := p.say(paste)
	mustHave(t, "接龙", got, "接龙已登记：共3户", "新下单")
	if strings.Contains(got, "共0户") {
		t.Errorf("the paste lost its lines: %s", got)
	}
	sent := evalIn[string](p, `[...document.querySelectorAll("#chat .msg.me")].pop().textContent`)
	if strings.Count(sent, "\n") != 4 {
		t.Errorf("the paste shown with %d line breaks, want 4: %q", strings.Count(sent, "\n"), sent)
	}
	p.shot("2-lead-pastes-jielong")

	// Prescription medicine: 待审核 until a photo comes.
	p.as("张阿姨")
	mustHave(t, "insulin", p.say("胰岛素1支"), "处方")
	p.wait("待审核 in the table", `document.querySelector("#orders").textContent.includes("待审核") ? "yes" : ""`)
	mustHave(t, "photo", p.click("#photo"), "照片")
	if img := evalIn[bool](p, `!!document.querySelector("#chat .msg.me img")`); !img {
		t.Error("the photo is not shown in the chat")
	}
	// The pharmacy never wrote to the account: WeChat would refuse a
	// push, so the page shows the notice held for its next message, and
	// its next message (你好) is answered with it.
	p.as("人民大药房店员")
	p.wait("the pharmacy's held photo notice", `document.querySelector("#held").textContent.includes("审核") ? "yes" : ""`)
	p.shot("3-prescription-photo")
	mustHave(t, "the pharmacy's next message", p.say("你好"), "【您有1条没收到的通知】", "【处方待核对】", "/m/rx:")
	// (What the demo's seeded day holds for the supermarket stays.)
	p.wait("nothing held for the pharmacy any more", `document.querySelector("#held").textContent.includes("等人民大药房店员") ? "" : "yes"`)

	// Sold out: the second buyer of masks asks for 到货通知; the office
	// adds stock from the shortages table and the waiting resident hears.
	p.as("李大爷")
	p.say("綁定 5棟1單元302")
	mustHave(t, "masks", p.say("口罩2包"), "下单成功")
	p.as("小王")
	p.say("绑定 6-3-1202")
	mustHave(t, "sold out", p.say("口罩1包"), "卖完了", "到货通知")
	mustHave(t, "到货通知", p.say("到货通知"), "排在第1位")
	p.wait("the waiting list in the table", `[...document.querySelectorAll("#shortages tr")].some((r) => r.textContent.startsWith("口罩") && r.textContent.includes("1人")) ? "yes" : ""`)
	p.press(`#shortages button[data-sku="MASK-N95"]`)
	p.wait("the stock note", `document.querySelector("#stocknote").textContent.includes("已按排队先后通知：小王") ? "yes" : ""`)
	p.wait("the restock push", `document.querySelector("#pushes").textContent.includes("【到货通知】口罩到货了") ? "yes" : ""`)
	p.shot("4-sold-out-and-restock")
	// The notice says how to order: its answer button orders.
	p.do("answer the notice", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(() => { [...document.querySelectorAll("#pushes .chips button")].find((b) => b.textContent === "换成小王回复：口罩1包").click(); return true; })()`)(ctx, t)
		return err
	}))
	p.wait("the order from the notice", `(() => { const r = `+lastReply+`; return r.includes("下单成功") ? r : ""; })()`)

	// The jobs, from their buttons: each runs now.
	job := func(name, done string) {
		t.Helper()
		p.press(`.jobbtns button[data-job="` + name + `"]`)
		// A job's run under -race on a busy machine takes a while.
		p.waitFor(name+" done", fmt.Sprintf(`(() => { const c = document.querySelector("#runs .run"); return c && c.textContent.includes(%q) ? c.textContent : ""; })()`, done), time.Minute)
	}
	job("cutoff", "已截单")
	job("picklist", "打开备货单")
	job("roster", "打开任务单")
	p.wait("配送中 in the table", `document.querySelector("#orders").textContent.includes("配送中") ? "yes" : ""`)
	// The volunteers never wrote to the account: their rounds go as
	// template messages (the demo's account has a roster template), the
	// supermarket's pick list (no template) waits for its next message.
	p.wait("the roster template", `document.querySelector("#pushes").textContent.includes("模板消息") && document.querySelector("#pushes").textContent.includes("配送任务") ? "yes" : ""`)
	p.wait("the held pick list", `document.querySelector("#held").textContent.includes("【备货单】") ? "yes" : ""`)
	if raw := evalIn[string](p, `document.querySelector("#orders").textContent`); strings.Contains(raw, "pending") || strings.Contains(raw, "assigned") || strings.Contains(raw, "awaiting") {
		t.Errorf("a status shown untranslated: %s", raw)
	}
	p.shot("5-jobs-run")

	// The roster and the pick list open from their links.
	links := evalIn[string](p, `JSON.stringify([document.querySelector('#runs a[href*="/r/"]').href, document.querySelector('#runs a[href*="/p/"]').href])`)
	var hrefs []string
	if err := json.Unmarshal([]byte(links), &hrefs); err != nil || len(hrefs) != 2 {
		t.Fatalf("links %s: %v", links, err)
	}
	p.do("open the roster", chromedp.Navigate(hrefs[0]), chromedp.WaitVisible(chromedp.CSS(".stop")))
	roster := evalIn[string](p, `document.body.innerText`)
	mustHave(t, "roster", roster, "的配送单", "3栋", "送达")
	if strings.Contains(roster, "志愿者志愿者") {
		t.Errorf("the roster says 志愿者 twice:\n%s", roster)
	}
	p.shot("6-roster")
	p.do("open the pick list", chromedp.Navigate(hrefs[1]), chromedp.WaitVisible(chromedp.CSS("table")))
	mustHave(t, "pick list", evalIn[string](p, `document.body.innerText`), "备货单", "蔬菜包")
	p.shot("7-picklist")

	// Every chip of every persona works: no two read the same, and no
	// answer says it found nothing or understood nothing.
	p.do("back to the demo", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#users .user")))
	for _, who := range []string{"张阿姨", "3栋楼栋长", "志愿者小林", "新义超市店长", "人民大药房店员", "社区网格员"} {
		p.as(who)
		p.pressAll(who, "#examples")
	}
	p.as("李大爷")
	p.pressAll("李大爷", "#voiceExamples")
	p.pressAll("李大爷", ".menu")
	p.shot("8-every-chip")

	// One clock: the pushes' times are the community's (Shanghai), not
	// the browser's (New York here).
	resp, err := http.Get(base + "/demo/pushes")
	if err != nil {
		t.Fatal(err)
	}
	var pushes struct{ Pushes []struct{ At time.Time } }
	json.NewDecoder(resp.Body).Decode(&pushes)
	resp.Body.Close()
	if len(pushes.Pushes) == 0 {
		t.Fatal("no pushes")
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	last := pushes.Pushes[len(pushes.Pushes)-1].At.In(sh).Format("15:04:05")
	p.wait("a push at "+last+" Shanghai time", fmt.Sprintf(`[...document.querySelectorAll("#pushes .push small")].some((e) => e.textContent.includes(%q)) ? "yes" : ""`, last))
	shownAt := evalIn[string](p, `[...document.querySelectorAll("#chat .meta.right")].pop().textContent`)
	if d := clockDiff(t, shownAt, time.Now().In(sh)); d > 2*time.Minute {
		t.Errorf("a message sent now shows %s, %v from the time in Shanghai", shownAt, d)
	}

	// On a phone: the steps fold away so the chat is on the first screen,
	// and nothing is wider than the screen.
	for _, width := range []int{browsertest.Phone, 1400} {
		p.do("resize", browsertest.Width(width), chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#users .user")))
		p.as("张阿姨")
		browsertest.CheckLayout(t, p.ctx, fmt.Sprintf("the demo at %dpx", width))
		if width == browsertest.Phone {
			if open := evalIn[bool](p, `document.querySelector("#intro").open`); open {
				t.Error("the steps fill the phone's first screen")
			}
			if top := evalIn[float64](p, `document.querySelector("#text").getBoundingClientRect().bottom - window.innerHeight`); top > 0 {
				t.Errorf("the message box is %.0fpx below the first screen", top)
			}
			p.shot("9-phone")
			p.click("#examples button:nth-child(2)")
			p.shot("10-phone-chat")
		}
	}
}

// pressAll presses every button of the box sel, as who, each reply read
// before the next; labels must differ and no answer may say 没有找到,
// 没看懂 or 出错了.
func (p *browserPage) pressAll(who, sel string) {
	p.t.Helper()
	n := evalIn[int](p, `document.querySelectorAll("`+sel+` button").length`)
	if n == 0 {
		p.t.Errorf("%s has no buttons in %s", who, sel)
	}
	seen := map[string]bool{}
	for i := 1; i <= n; i++ {
		b := fmt.Sprintf("%s button:nth-child(%d)", sel, i)
		label := evalIn[string](p, `document.querySelector("`+b+`").textContent`)
		if seen[label] {
			p.t.Errorf("%s: two buttons read %q", who, label)
		}
		seen[label] = true
		got := p.click(b)
		for _, bad := range []string{"没有找到", "没看懂", "出错了"} {
			if strings.Contains(got, bad) {
				p.t.Errorf("%s presses %q: %q", who, label, got)
			}
		}
	}
}

// clockDiff is how far the clock time hh:mm:ss is from now's, across
// midnight too.
func clockDiff(t *testing.T, hhmmss string, now time.Time) time.Duration {
	t.Helper()
	parts := strings.Split(strings.TrimSpace(hhmmss), ":")
	if len(parts) != 3 {
		t.Fatalf("not a time: %q", hhmmss)
	}
	var secs [3]int
	for i, p := range parts {
		secs[i], _ = strconv.Atoi(p)
	}
	shown := time.Duration(secs[0])*time.Hour + time.Duration(secs[1])*time.Minute + time.Duration(secs[2])*time.Second
	mid := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	d := (now.Sub(mid) - shown) % (24 * time.Hour)
	if d < 0 {
		d = -d
	}
	return min(d, 24*time.Hour-d)
}
