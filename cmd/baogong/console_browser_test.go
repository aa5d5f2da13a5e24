package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/internal/browsertest"
	"github.com/baogong/baogong/reports"
)

// TestConsoleInBrowser runs a staff member's morning in a real headless
// Chromium against the real binary and a real redis-server: sign in with
// the link the bot sent through the real /wechat callback, find an order
// by its address, add a volunteer and stock, run 截单 and 排班, download the
// 台账, approve a binding and mark a household. Screenshots go to
// $BAOGONG_ARTIFACTS/TestConsoleInBrowser.
func TestConsoleInBrowser(t *testing.T) {
	s := startConsoleService(t)
	s.pin(consoleDay)
	s.serve()
	// A morning's orders: residents on WeChat, a lead for an elder.
	s.say(true, "e2e-zhang", "绑定 3栋2单元501")
	s.say(true, "e2e-zhang", "蔬菜包2份 鸡蛋1盒")
	s.say(true, "e2e-wang", "绑定 6-3-1202")
	s.say(true, "e2e-wang", "布洛芬1盒")
	s.say(true, "e2e-lead-3", "3-1-101 蔬菜包1份 13900001111")
	s.say(true, "e2e-li", "绑定 5栋1单元302")
	s.say(true, "e2e-li", "急 牛奶1箱")
	// Someone else asks to join 3栋2单元501: that waits for an answer.
	if got := s.say(true, "e2e-zhang-son", "绑定 3栋2单元501"); strings.HasPrefix(got, "已绑定") {
		t.Fatalf("a second member bound at once: %q", got)
	}

	_, link := s.signInLink(e2eStaff)
	if link == "" {
		t.Fatal("no sign-in link from the bot")
	}
	ctx := browsertest.New(t, 1280, 900)
	art := browsertest.Artifacts(t)
	const wait = 20 * time.Second
	text := func(sel string) string {
		t.Helper()
		return browsertest.Run(t, ctx, wait, chromedp.Text(chromedp.CSS(sel)))
	}

	// Sign in: the link lands on the overview.
	browsertest.Load(t, ctx, wait, chromedp.Navigate(link))
	if got := text("header.top"); !strings.Contains(got, e2eStaff) {
		t.Errorf("header after sign-in: %q", got)
	}
	if got := text("#urgent"); !strings.Contains(got, "5栋1单元302") {
		t.Errorf("urgent order not waiting on the overview: %q", got)
	}
	browsertest.Shot(t, ctx, art, "01-overview")

	// Find an order by its address, and open it.
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/orders"]`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS(`form[role=search]`)),
		chromedp.SetValue(chromedp.CSS(`input[name=q]`), "3栋2单元501"),
	)
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`form[role=search] button`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#orders")),
	)
	if got := text("#orders tbody"); !strings.Contains(got, "蔬菜包2份、鸡蛋1盒") || strings.Contains(got, "布洛芬") {
		t.Errorf("orders of 3栋2单元501: %q", got)
	}
	browsertest.Shot(t, ctx, art, "02-orders-found")
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`#orders tbody a`)))
	browsertest.Shot(t, ctx, art, "03-order")

	// Add stock live: the resident can order again at once.
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/stock"]`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#item-MILK")),
		chromedp.SetValue(chromedp.CSS(`#item-MILK input[name=n]`), "20"),
	)
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`#item-MILK form[action$="/add"] button`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text("#item-MILK"); !strings.Contains(got, "100箱") || !strings.Contains(got, "99箱") {
		t.Errorf("milk after adding 20: %q", got)
	}
	browsertest.Shot(t, ctx, art, "04-stock")

	// A volunteer joins grid G1 (the config has none).
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/people"]`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#volunteers summary")),
		chromedp.Click(chromedp.CSS("#volunteers summary")),
		chromedp.SetValue(chromedp.CSS(`#volunteers form.stack input[name=openid]`), "e2e-vol-1"),
		chromedp.SetValue(chromedp.CSS(`#volunteers form.stack input[name=name]`), "志愿者小林"),
	)
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`#volunteers form.stack button`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text("#volunteers tbody"); !strings.Contains(got, "e2e-vol-1") || !strings.Contains(got, "志愿者小林") {
		t.Errorf("volunteers after adding one: %q", got)
	}

	// Run 截单, then 排班: the morning's orders go to the volunteers.
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/jobs"]`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#cutoff button")),
	)
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS("#cutoff button")))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#cutoff tr.just")),
	)
	if got := text("#cutoff tr.just"); !strings.Contains(got, "后台") || !strings.Contains(got, "11月24日的订单已截止") {
		t.Errorf("cutoff run: %q", got)
	}
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS("#roster button")))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#roster tr.just")),
	)
	if got := text("#roster tr.just"); !strings.Contains(got, "已发布") || !strings.Contains(got, "志愿者小林的配送单（3户）") || !strings.Contains(got, "1户没人送") {
		t.Errorf("roster run: %q", got)
	}
	browsertest.Shot(t, ctx, art, "05-jobs")
	// The roster link on the page opens the volunteers' printable list.
	rosterLink := browsertest.Run(t, ctx, wait, chromedp.AttributeValue(chromedp.CSS(`#roster tr.just a`), "href")).Value
	if !strings.HasPrefix(rosterLink, s.base+"/r/G1/") {
		t.Errorf("roster link %q", rosterLink)
	}
	_, body := s.admin("GET", "/api/orders?grid=G1&status=assigned")
	if n := strings.Count(string(body), `"status":"assigned"`); n != 3 {
		t.Errorf("%d orders of G1 assigned after 排班, want 3:\n%s", n, body)
	}

	// Download the 台账 of the day just closed, as Excel.
	dir := t.TempDir()
	dctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	progress := chromedp.Events(dctx, browser.DownloadProgress)
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/orders"]`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#ledger button")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			yes := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &yes})
			return err
		}),
	)
	if got := browsertest.Run(t, ctx, wait, chromedp.Value(chromedp.CSS(`#ledger select[name=date]`))); got != "2026-11-24" {
		t.Errorf("ledger date %q, want the day just closed", got)
	}
	browsertest.Do(t, ctx, wait, chromedp.Click(chromedp.CSS("#ledger button")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("no download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}
	f, err := excelize.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(reports.SheetLedger)
	f.Close()
	if len(rows) != 7 || rows[0][0] != "订单号" || rows[6][0] != "合计" {
		t.Fatalf("ledger rows %q", rows)
	}
	all := ""
	for _, r := range rows {
		if strings.Contains(strings.Join(r, "|"), "e2e-") {
			t.Errorf("the ledger shows an openid: %q", r)
		}
		all += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"3栋2单元501|G1|蔬菜包|2|份|50|100|||配送中|居民", "3栋2单元501|G1|鸡蛋|1|盒|30|30|||配送中|居民",
		"3栋1单元101|G1|蔬菜包|1|份|50|50||代下|配送中|楼栋长代下", "6栋3单元1202|G2|布洛芬缓释胶囊|1|盒|28|28|||待配送|居民"} {
		if !strings.Contains(all, want) {
			t.Errorf("ledger has no row %s:\n%s", want, all)
		}
	}

	// Approve the waiting binding, and mark the household.
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/households"]`)))
	if got := text("#bindings tbody"); !strings.Contains(got, "3栋2单元501") || !strings.Contains(got, "e2e-zhang-son") {
		t.Errorf("waiting bindings: %q", got)
	}
	browsertest.Shot(t, ctx, art, "06-bindings")
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`#bindings tbody button`)))
	if got := text(".flash"); !strings.Contains(got, "已同意绑定") {
		t.Errorf("after approving: %q", got)
	}
	_, body = s.admin("GET", "/api/households/3-2-501/members")
	if !strings.Contains(string(body), `"e2e-zhang-son"`) {
		t.Errorf("members after the approval: %s", body)
	}
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`#hh-3-2-501 input[value="独居老人"]`)), chromedp.Click(chromedp.CSS(`#hh-3-2-501 form.checks button`)))
	_, body = s.admin("GET", "/api/households/3-2-501/marks")
	var marks struct{ Marks []string }
	json.Unmarshal(body, &marks)
	if len(marks.Marks) != 1 || marks.Marks[0] != "独居老人" {
		t.Errorf("marks after the console: %s", body)
	}
	browsertest.Shot(t, ctx, art, "07-households")

	// Every action is in the audit log.
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/audit"]`)))
	got := text("#audit")
	for _, want := range []string{"登录", "补货", "添加志愿者", "运行任务", "下载台账", "同意绑定", "修改住户标记"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit log has no %s:\n%s", want, got)
		}
	}
	browsertest.Shot(t, ctx, art, "08-audit")

	// The overview on a phone.
	browsertest.Do(t, ctx, wait,
		browsertest.Width(browsertest.Phone),
	)
	browsertest.Load(t, ctx, wait, chromedp.Click(chromedp.CSS(`nav.menu a[href="/admin/"]`)))
	browsertest.Do(t, ctx, wait,
		chromedp.WaitVisible(chromedp.CSS("#grids")),
	)
	browsertest.Shot(t, ctx, art, "09-overview-phone")
	if _, err := os.Stat(filepath.Join(art, "09-overview-phone.png")); err != nil {
		t.Error(err)
	}
}
