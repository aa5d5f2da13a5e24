package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/demo"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// TestDemoJobs plays the demo page's 排班和备货单 panel over HTTP: a
// resident and a lead order, then 截单, 发备货单 and 排班送货 run through
// the admin API at the slots the page would use (/demo/slots); the
// volunteer persona sees the stops, the supermarket's contact gets its
// pick list and answers 备货完成.
func TestDemoJobs(t *testing.T) {
	d, base := runDemo(t)
	say := func(openid, text string) string {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"openid": openid, "text": text})
		resp, err := http.Post(base+"/demo/send", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Reply, Error string }
		json.NewDecoder(resp.Body).Decode(&out)
		if out.Error != "" {
			t.Fatalf("%s says %q: %s", openid, text, out.Error)
		}
		return out.Reply
	}
	days := func() demo.DayView {
		t.Helper()
		resp, err := http.Get(base + "/demo/days")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var d demo.DayView
		if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	// run presses a job button: the job runs now, without a slot.
	run := func(job string) jobs.Result {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/jobs/"+job+"/run", nil)
		req.Header.Set("Authorization", "Bearer "+d.Config.Admin.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res jobs.Result
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("run %s: HTTP %d, %v", job, resp.StatusCode, err)
		}
		return res
	}
	// get fetches a link from a message; the demo's links name the
	// configured address (here port 0), the page opens them on its own.
	get := func(link string) (int, string) {
		t.Helper()
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Get(base + u.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if got := say("demo-resident-zhang", "绑定 3栋2单元501"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	if got := say("demo-resident-zhang", "蔬菜包2份"); !strings.HasPrefix(got, "下单成功") {
		t.Fatalf("order: %q", got)
	}
	if got := say("demo-lead-3", "#接龙 3栋\n1. 3-2-501 牛奶1箱\n2. 3-1-101 鸡蛋1盒"); !strings.Contains(got, "新下单2户") {
		t.Fatalf("lead paste: %q", got)
	}
	if got := say("demo-volunteer-1", "任务"); !strings.Contains(got, "没有配送任务") {
		t.Errorf("tasks before the roster: %q", got)
	}

	// The demo has no schedules: at any hour, the first 截单 closes today.
	d0 := days()
	if res := run(jobs.Cutoff); !res.Published || res.Day != d0.Today || d0.Open != d0.Today {
		t.Errorf("cutoff: %+v, want today's (%s) published", res, d0.Today)
	}
	if d1 := days(); d1.LastClosed != d0.Today || d1.Open != orders.AddDays(d0.Today, 1) {
		t.Fatalf("after the cutoff: %+v", d1)
	}

	pl := run(jobs.Picklist)
	var xinyi *jobs.SupplyRun
	for i := range pl.Suppliers {
		if pl.Suppliers[i].Supplier == "sm-xinyi" {
			xinyi = &pl.Suppliers[i]
		}
	}
	if !pl.Published || xinyi == nil || xinyi.Notified != "demo-supplier-xinyi" || len(xinyi.Totals) == 0 {
		t.Fatalf("pick list: %+v", pl)
	}
	code, page := get(xinyi.Link)
	if code != http.StatusOK || !strings.Contains(page, "新义保供超市") || !strings.Contains(page, "蔬菜包") {
		t.Errorf("pick-list link: HTTP %d\n%.400s", code, page)
	}
	downloads := regexp.MustCompile(`href="([^"]*format=(?:csv|xlsx)[^"]*)"`).FindAllStringSubmatch(page, -1)
	if len(downloads) != 2 {
		t.Errorf("pick-list page links %d downloads, want CSV and XLSX", len(downloads))
	}
	for _, m := range downloads {
		if code, _ := get(html.UnescapeString(m[1])); code != http.StatusOK {
			t.Errorf("download %s: HTTP %d", m[1], code)
		}
	}

	ro := run(jobs.Roster)
	stops, mine := 0, ""
	for _, g := range ro.Grids {
		stops += g.Stops
		for _, sh := range g.Shares {
			if sh.Volunteer == "demo-volunteer-1" && sh.Stops > 0 {
				mine = sh.Link
			}
		}
	}
	if !ro.Published || stops == 0 || mine == "" {
		t.Fatalf("roster: want stops published, some for demo-volunteer-1: %+v", ro)
	}
	if code, page := get(mine); code != http.StatusOK || !strings.Contains(page, "3栋") {
		t.Errorf("roster link: HTTP %d\n%.400s", code, page)
	}
	// Pressed again (rounds are timed to the second): a new round, nobody
	// told again (nothing new).
	time.Sleep(1100 * time.Millisecond)
	if again := run(jobs.Roster); !again.Published || again.Grids[0].Shares[0].Told {
		t.Errorf("a second round at once: %+v", again)
	}

	tasks := say("demo-volunteer-1", "任务")
	if !strings.Contains(tasks, "您的任务") || !strings.Contains(tasks, "1. 3栋") {
		t.Errorf("volunteer's 任务: %q", tasks)
	}
	if got := say("demo-volunteer-1", "完成 1"); !strings.Contains(got, "已记下第1户") {
		t.Errorf("完成 1: %q", got)
	}
	if got := say("demo-supplier-xinyi", "备货完成"); !strings.Contains(got, "已通知") {
		t.Errorf("备货完成: %q", got)
	}

	// The notices reach the demo's fake WeChat API, where the page shows
	// them: the roster to the volunteer, the pick list to the supermarket.
	waitPush := func(want map[string]string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for len(want) > 0 && time.Now().Before(deadline) {
			for to, text := range want {
				for _, m := range d.API.SentTo(to) {
					if strings.Contains(m.Text, text) {
						delete(want, to)
					}
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		if len(want) > 0 {
			t.Errorf("pushes missing: %v; sent: %s", want, fmt.Sprint(d.API.Sent()))
		}
	}
	waitPush(map[string]string{"demo-volunteer-1": "【配送任务】", "demo-supplier-xinyi": "【备货单】", "demo-lead-3": "【送货通知】"})

	// Today is closed: a new order counts for tomorrow, and a second 截单
	// the same day closes nothing (never a day ahead) and says so.
	if got := say("demo-resident-li", "綁定 5棟1單元302"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	if got := say("demo-resident-li", "鸡蛋1盒"); !strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "算明天的") {
		t.Fatalf("order: %q", got)
	}
	if d := days(); d.CanClose {
		t.Errorf("a second 截单 would close tomorrow: %+v", d)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/jobs/cutoff/run", nil)
	req.Header.Set("Authorization", "Bearer "+d.Config.Admin.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), "今天已经截单了") {
		t.Errorf("a second 截单: %d %s", resp.StatusCode, body)
	}
	if got := say("demo-resident-li", "牛奶1箱"); !strings.Contains(got, "算明天的") {
		t.Errorf("an order after the second 截单: %q", got)
	}
	time.Sleep(1100 * time.Millisecond) // a round of its own
	ro2 := run(jobs.Roster)
	stops = 0
	for _, g := range ro2.Grids {
		stops += g.Stops
	}
	if !ro2.Published || stops != 2 { // 3栋's two stops carried over; tomorrow's eggs wait for its cutoff
		t.Errorf("second roster: want the stops left and not tomorrow's: %+v", ro2)
	}
}

// runDemo starts the demo in-process on a free port, in safe mode, and
// returns it and its base URL; it stops with the test.
func runDemo(t *testing.T) (*demoMain, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := startDemo(ctx, "127.0.0.1:0", true, io.Discard)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(); cancel() })
	return d, "http://" + d.Addr()
}

// TestDemoMoney: the demo starts with building 8's day (demo_seed.go):
// the page points to the console's 对账 of today, which shows what was
// collected at the door and by the lead's 群收款 list and what is owed
// back; the orders page filters 待退; the 台账 lists the shortfall's lines
// and the money; the households that lost goods were told.
func TestDemoMoney(t *testing.T) {
	d, base := runDemo(t)
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `href="/demo/money"`) || !strings.Contains(string(page), "待退") {
		t.Error("the demo page does not point to the seeded money")
	}

	// The page's link: the console, signed in, at today's 对账.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(path string) (string, string) {
		t.Helper()
		resp, err := browser.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: HTTP %d\n%s", path, resp.StatusCode, b)
		}
		return resp.Request.URL.String(), string(b)
	}
	landed, settle := get("/demo/money")
	loc, _ := d.Config.Location()
	today := orders.Day(d.Clock.Now(), loc)
	if !strings.Contains(landed, "/admin/settlement?date="+today) {
		t.Errorf("the page's link lands on %s", landed)
	}
	text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(settle, " ")
	text = strings.Join(strings.Fields(text), " ")
	// 50 cash + 100 and 80 by the list; 100 delivered unpaid; the two
	// packs not packed, 50 each, owed back.
	for _, want := range []string{"新义保供超市", "已收 230元", "志愿者老赵 收 50元", "6栋楼栋长 收 180元", "送达未收 100元", "待退住户 100元"} {
		if !strings.Contains(text, want) {
			t.Errorf("对账 does not show %q:\n%s", want, text)
		}
	}
	_, owed := get("/admin/orders?pay=" + string(orders.PayRefundDue) + "&date=" + today)
	for _, want := range []string{"8栋1单元102", "8栋1单元201", "待退"} {
		if !strings.Contains(owed, want) {
			t.Errorf("orders owed back do not show %q", want)
		}
	}
	if strings.Contains(owed, "8栋1单元202") {
		t.Error("an unpaid order is listed as owed back")
	}

	// The 台账 of the day: one line a pack not packed, the money.
	_, ledger := get("/api/ledger?format=csv&date=" + today)
	rows := map[string][]string{}
	for _, line := range strings.Split(ledger, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 20 && strings.HasPrefix(f[2], "8栋") {
			rows[f[2]+" "+f[4]+" "+f[11]] = f
		}
	}
	for key, want := range map[string]string{
		"8栋1单元101 蔬菜包 已送达":  "货到付款 已付 50.00 ",
		"8栋1单元202 蔬菜包 已送达":  "货到付款 未付  ",
		"8栋1单元102 蔬菜包 已送达":  "群收款 待退 100.00 50.00",
		"8栋1单元102 蔬菜包 缺货未送": "群收款 待退  ",
		"8栋1单元201 鸡蛋 已送达":   "群收款 待退 80.00 50.00",
		"8栋1单元201 蔬菜包 缺货未送": "群收款 待退  ",
	} {
		f, ok := rows[key]
		if got := strings.Join(f[min(len(f), 16):min(len(f), 20)], " "); !ok || got != want {
			t.Errorf("台账 %s: %q, want %q", key, got, want)
		}
	}

	// The households that lost goods were told.
	deadline := time.Now().Add(10 * time.Second)
	for _, who := range []string{demoSeedPeople["8-1-102"], demoSeedPeople["8-1-201"]} {
		for !sentTo(d, who, "【缺货】") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !sentTo(d, who, "【缺货】") {
			t.Errorf("%s was not told of the shortfall: %v", who, d.API.SentTo(who))
		}
	}
	if sentTo(d, demoSeedPeople["8-1-202"], "【缺货】") {
		t.Error("an earlier order's household was told of the shortfall")
	}
}

// sentTo reports whether the demo's fake WeChat delivered to openid a
// message containing want.
func sentTo(d *demoMain, openid, want string) bool {
	for _, m := range d.API.SentTo(openid) {
		if strings.Contains(m.Text, want) {
			return true
		}
	}
	return false
}
