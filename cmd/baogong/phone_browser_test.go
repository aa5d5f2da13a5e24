package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/baogong/baogong/internal/browsertest"
	"github.com/baogong/baogong/jobs"
)

// TestPagesOnPhones opens, in a real headless Chromium against the real
// binary, every page people open from WeChat or use in a corridor — the
// volunteer's round, the lead's 汇总, a supplier's pick list and every
// console page — at 390 px and on a desktop, and checks that none
// scrolls sideways and every control shows whole; a volunteer then
// delivers a stop from the round page's button, and the print view drops
// the buttons. Screenshots of each go to $BAOGONG_ARTIFACTS/
// TestPagesOnPhones (390-*.png, 1280-*.png).
func TestPagesOnPhones(t *testing.T) {
	s := startConsoleService(t)
	s.pin(consoleDay)
	s.serve()

	// A morning's orders: residents, a lead's long 接龙 with phones and
	// remarks, an urgent order, a household marked, a binding waiting.
	s.say(true, "e2e-zhang", "绑定 3栋2单元501")
	s.say(true, "e2e-zhang", "蔬菜包2份 鸡蛋1盒 米面油套餐1份 放门口就行，老人独居请敲门")
	s.say(true, "e2e-wang", "绑定 6-3-1202")
	s.say(true, "e2e-wang", "布洛芬1盒 连花清瘟1盒 抗原2盒")
	s.say(true, "e2e-li", "绑定 5栋1单元302")
	s.say(true, "e2e-li", "急 牛奶1箱")
	var paste strings.Builder
	paste.WriteString("#接龙 3栋蔬菜包\n")
	for i := range 60 {
		phone := ""
		if i%3 == 0 {
			phone = fmt.Sprintf(" 1390000%04d", i)
		}
		fmt.Fprintf(&paste, "%d. 邻居%d%s 3-%d-%d 蔬菜包1份、鸡蛋%d盒\n", i+1, i, phone, i%4+1, 101+i, i%2+1)
	}
	if got := s.say(true, "e2e-lead-3", paste.String()); !strings.Contains(got, "新下单60户") {
		t.Fatalf("paste: %s", got)
	}
	s.say(true, "e2e-lead-3", "标记 3-1-101 独居老人")
	s.say(true, "e2e-zhang-son", "绑定 3栋2单元501")
	summary := regexp.MustCompile(`http://\S+`).FindString(s.say(true, "e2e-lead-3", "汇总"))
	if summary == "" {
		t.Fatal("汇总 has no link")
	}
	staff := s.signInAs(e2eStaff)
	staff.post("/admin/people/volunteers", url.Values{"openid": {"e2e-vol-1"}, "name": {"小林"}, "grid": {"G1"}})
	staff.post("/admin/people/volunteers", url.Values{"openid": {"e2e-vol-2"}, "name": {"小陈"}, "grid": {"G1"}})
	run := func(job string) jobs.Result {
		t.Helper()
		code, body := s.admin("POST", "/api/jobs/"+job+"/run")
		var res jobs.Result
		if err := json.Unmarshal(body, &res); code != 200 || err != nil {
			t.Fatalf("%s: %d %s", job, code, body)
		}
		return res
	}
	run("cutoff")
	picklist := ""
	for _, sp := range run("picklist").Suppliers {
		if sp.Link != "" {
			picklist = sp.Link
			break
		}
	}
	round := ""
	s.api.FailNext("/cgi-bin/message/custom/send", 43004, 2)
	for _, g := range run("roster").Grids {
		for _, sh := range g.Shares {
			if sh.Volunteer == "e2e-vol-1" {
				round = sh.Link
			}
		}
	}
	if round == "" || picklist == "" {
		t.Fatalf("no round (%q) or pick list (%q) link", round, picklist)
	}
	// Two notices WeChat refuses (unfollowed) are dead letters on the 消息
	// page.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, body := s.admin("GET", "/api/notices")
		if strings.Count(string(body), `"attempts"`) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dead letters: %s", body)
		}
	}
	_, body := s.admin("GET", "/api/orders?limit=1")
	var some struct{ Orders []struct{ ID string } }
	json.Unmarshal(body, &some)

	ctx := browsertest.New(t, browsertest.Desktop, 900)
	art := browsertest.Artifacts(t)
	const wait = 20 * time.Second
	_, link := s.signInLink(e2eStaff)
	browsertest.Load(t, ctx, wait, chromedp.Navigate(link))

	pages := []struct{ name, url string }{
		{"overview", "/admin/"},
		{"orders", "/admin/orders?q=" + url.QueryEscape("3栋2单元501")},
		{"orders-day", "/admin/orders?date=2026-11-24"},
		{"order", "/admin/orders/" + some.Orders[0].ID},
		{"stock", "/admin/stock"},
		{"households", "/admin/households?building=3"},
		{"people", "/admin/people"},
		{"jobs", "/admin/jobs"},
		{"distributions", "/admin/distributions"},
		{"settlement", "/admin/settlement?date=2026-11-24"},
		{"notices", "/admin/notices"},
		{"audit", "/admin/audit"},
		{"summary", summary},
		{"picklist", picklist},
		{"round", round},
	}
	for _, width := range []int{browsertest.Phone, browsertest.Desktop} {
		browsertest.Do(t, ctx, wait, browsertest.Width(width))
		for _, p := range pages {
			u := p.url
			if strings.HasPrefix(u, "/") {
				u = s.base + u
			}
			browsertest.Load(t, ctx, wait, chromedp.Navigate(u))
			what := fmt.Sprintf("%s at %dpx", p.name, width)
			browsertest.CheckLayout(t, ctx, what)
			browsertest.Shot(t, ctx, art, fmt.Sprintf("%d-%s", width, p.name))
			// The forms folded in <details> fit too, once opened.
			if n := browsertest.Run(t, ctx, wait, chromedp.Evaluate[int](`(() => { const ds = document.querySelectorAll("details:not([open])"); ds.forEach((d) => d.open = true); return ds.length; })()`)); n > 0 {
				browsertest.CheckLayout(t, ctx, what+", <details> open")
				if width == browsertest.Phone {
					browsertest.Shot(t, ctx, art, fmt.Sprintf("%d-%s-open", width, p.name))
				}
			}
		}
	}

	// On the phone, the volunteer delivers the first stop with its button:
	// the card says so, the order is delivered, the household is told.
	browsertest.Do(t, ctx, wait, browsertest.Width(browsertest.Phone))
	browsertest.Load(t, ctx, wait, chromedp.Navigate(round))
	door := browsertest.Run(t, ctx, wait, chromedp.Text(chromedp.CSS("#stop-1 .door")))
	// Paid at the door (货到付款, the default): each card says what to
	// take, in full view on the phone.
	collect := browsertest.Run(t, ctx, wait, chromedp.Evaluate[string](`(() => { const c = document.querySelector("#stop-1 .collect"); if (!c) return ""; const r = c.getBoundingClientRect(); return c.textContent + (r.right <= innerWidth && r.width > 0 ? "" : " (cut off)"); })()`))
	if !regexp.MustCompile(`^应收\d+(\.\d+)?元$`).MatchString(collect) {
		t.Errorf("the first card's money to take: %q", collect)
	}
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS("#stop-1 button.deliver")))
	if got := browsertest.Run(t, ctx, wait, chromedp.Text(chromedp.CSS("#stop-1 .flash"))); !strings.Contains(got, door+" 已送达") {
		t.Errorf("after 送达: %q", got)
	}
	if n := browsertest.Run(t, ctx, wait, chromedp.Evaluate[int](`document.querySelectorAll("#stop-1 button.deliver").length`)); n != 0 {
		t.Error("the delivered stop still has its button")
	}
	browsertest.CheckLayout(t, ctx, "round after 送达 at 390px")
	browsertest.Shot(t, ctx, art, "390-round-delivered")
	_, body = s.admin("GET", "/api/orders?status=delivered")
	if !strings.Contains(string(body), `"status":"delivered"`) {
		t.Errorf("no order delivered: %s", body)
	}
	if strings.HasPrefix(door, "3栋2单元501") {
		s.waitSent("e2e-zhang", "送到")
	}

	// Printed: no buttons, a box to tick on each card.
	browsertest.Do(t, ctx, wait, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	shown := browsertest.Run(t, ctx, wait, chromedp.Evaluate[string](`[...document.querySelectorAll("button")].filter((e) => getComputedStyle(e).display !== "none" && getComputedStyle(e.closest("form") || e).display !== "none").length + " " + (getComputedStyle(document.querySelector(".tick")).display !== "none")`))
	if shown != "0 true" {
		t.Errorf("print view: %s (buttons shown, tick box display)", shown)
	}
	browsertest.Shot(t, ctx, art, "390-round-print")
}
