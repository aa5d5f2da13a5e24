package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// The time-of-day suite: the real binary on a test clock, at the hours
// where "today" is easy to get wrong. Every run has a community of its own
// on the one shared redis-server, and the binary is built once.

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// shAt reads a Shanghai wall time, "2006-01-02 15:04:05".
func shAt(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(time.DateTime, s, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// clockedService starts the binary with its clock at start: default
// schedules (cutoff 20:00, pick list 20:05, rounds 07:00 and 13:00),
// volunteer vol-a in G1 (buildings 3 and 5) with lead e2e-lead-3 of
// building 3, admin e2e-admin, supplier contacts sm-boss and ph-boss.
func clockedService(t *testing.T, start time.Time) *service {
	t.Helper()
	s := startService(t, redistest.Shared(t).Addr)
	os.WriteFile(filepath.Join(filepath.Dir(s.cfgPath), "catalog.yaml"), []byte(contactsCatalog()), 0o644)
	cfg, _ := os.ReadFile(s.cfgPath)
	text := strings.Replace(string(cfg), `{id: G1, buildings: ["3", "5"]}`, `{id: G1, buildings: ["3", "5"], volunteers: [vol-a]}`, 1)
	os.WriteFile(s.cfgPath, []byte(text+"  admins: [e2e-admin]\n"), 0o644)
	s.pin(start)
	s.serve()
	// The volunteer and the suppliers' contacts wrote to the account
	// today: pushes reach them (reach_e2e_test.go has those who did not).
	s.wrote("vol-a", "sm-boss", "ph-boss")
	return s
}

// restartAt stops the service and starts it again with its clock at at,
// as if it had run until then: the catch-up runs the day's jobs up to at.
func (s *service) restartAt(at time.Time) {
	s.t.Helper()
	s.stop()
	s.pin(at)
	s.serve()
}

// waitSent waits for a message to user at the fake WeChat API containing
// want, and returns it.
func (s *service) waitSent(user, want string) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range s.api.SentTo(user) {
			if strings.Contains(m.Text, want) {
				return m.Text
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no message to %s containing %q; sent: %+v", user, want, s.api.SentTo(user))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitUntil checks that the steps before at were done before it, then
// sleeps until the service's clock has passed at. The service's clock
// lags the test's by the time the binary took to start: a second of
// margin covers it.
func (s *service) waitUntil(at time.Time) {
	s.t.Helper()
	if !s.now().Before(at) {
		s.t.Fatalf("the steps meant for before %v took until %v: start the clock earlier", at, s.now())
	}
	time.Sleep(time.Until(at.Add(-s.offset)) + time.Second)
}

// runJob runs a job through the admin API (slot "" for its latest
// scheduled time) and returns what it did.
func (s *service) runJob(job, slot string) (published bool, day string) {
	s.t.Helper()
	path := "/api/jobs/" + job + "/run"
	if slot != "" {
		path += "?slot=" + strings.ReplaceAll(slot, "+", "%2B")
	}
	code, body := s.admin("POST", path)
	var res struct {
		Published bool
		Day       string
	}
	if err := json.Unmarshal(body, &res); err != nil || code != http.StatusOK {
		s.t.Fatalf("run %s: %d %s", job, code, body)
	}
	return res.Published, res.Day
}

// orderID is the order number at the start of a reply (下单成功！订单号 1001 …).
var orderID = regexp.MustCompile(`订单号 (\d+)`)

func idOf(t *testing.T, reply string) string {
	t.Helper()
	m := orderID.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("no order number in %q", reply)
	}
	return m[1]
}

// must checks that got contains every want, and returns got.
func must(t *testing.T, what, got string, want ...string) string {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
	return got
}

// TestAroundTheClock runs a day of the service from several times of day
// (Asia/Shanghai): a resident orders and hits the limit, a lead pastes,
// re-pastes, reads 汇总 and confirms 送达, an urgent request is claimed and
// finished, a prescription is approved; then the clock moves on to the
// order day's evening (cutoff and pick lists) and the next morning (the
// round), and what each person is told says the same day throughout.
func TestAroundTheClock(t *testing.T) {
	const (
		beforeCutoff = "（20:00后下单算明天）"
		afterCutoff  = "（今天已截单，算明天的）"
		limitToday   = "您家今天已经买够了，这次没有下单。\n今天20:00以后可以再买。"
		limitTomorow = "今天已截单，现在下的单算明天的，您家明天已经买够了，这次没有下单。\n明天20:00以后可以再买。"
	)
	for _, c := range []struct {
		start string
		// open is the order day of what is placed at start; comes is the
		// day its goods come (the first round after its cutoff).
		open, comes string
		note        string // what the cutoff means for it
		limit       string
	}{
		{"2026-11-30 07:59:00", "2026-11-30", "12月1日", beforeCutoff, limitToday},
		{"2026-11-30 12:00:00", "2026-11-30", "12月1日", beforeCutoff, limitToday},
		{"2026-11-30 19:59:00", "2026-11-30", "12月1日", beforeCutoff, limitToday},
		// From 20:00 the catch-up at start has closed the day.
		{"2026-11-30 20:01:00", "2026-12-01", "12月2日", afterCutoff, limitTomorow},
		{"2026-11-30 23:59:00", "2026-12-01", "12月2日", afterCutoff, limitTomorow},
		{"2026-12-01 00:01:00", "2026-12-01", "12月2日", beforeCutoff, limitToday},
	} {
		t.Run(c.start[11:16], func(t *testing.T) {
			s := clockedService(t, shAt(t, c.start))
			when := c.comes + "送" + c.note

			// A WeChat message signed two hours before the service's
			// clock is a replay, whatever the real time.
			if code, _ := s.post(true, s.text("zhang", "我的订单"), s.now().Add(-2*time.Hour)); code != http.StatusForbidden {
				t.Errorf("stale signature: %d, want 403", code)
			}

			// A resident orders, hits the limit, looks at the order.
			s.say(true, "zhang", "绑定 3栋2单元501")
			got := s.say(true, "zhang", "蔬菜包2份")
			must(t, "placed", got, "送到：3栋2单元501\n"+when+"\n")
			veg := idOf(t, got)
			must(t, "limit", s.say(true, "zhang", "蔬菜包1份"), c.limit)
			must(t, "我的订单", s.say(true, "zhang", "我的订单"), veg+"【待配送】蔬菜包2份 100元 未付（"+c.comes+"送）")

			// The lead pastes, re-pastes the grown list, reads 汇总 and
			// confirms one household (no WeChat: call them).
			lead := "e2e-lead-3"
			must(t, "paste", s.say(true, lead, "#接龙 3栋\n1. 孙奶奶 13900001111 3-1-101 鸡蛋1盒\n2. 3-1-102 牛奶1箱"),
				"新下单2户\n"+when)
			must(t, "re-paste", s.say(true, lead, "#接龙 3栋\n1. 孙奶奶 13900001111 3-1-101 鸡蛋2盒\n3. 3-2-502 挂面1袋"),
				"新下单1户，修改1户，取消1户\n"+when, "不在新接龙里，已取消：3栋1单元102")
			must(t, "汇总", s.say(true, lead, "汇总"), "3栋的订单：3户 3单\n待送3单，已送达0单",
				when+"：\n3栋1单元：101 鸡蛋2盒\n3栋2单元：501 蔬菜包2份；502 挂面1袋")
			must(t, "送达", s.say(true, lead, "送达 3-1-101"), "已确认送达 3栋1单元101：1户 1单", "3栋1单元101 鸡蛋2盒 电话13900001111")

			// An urgent request: pushed at once, claimed, finished.
			s.say(true, "li", "绑定 5栋1单元302")
			got = s.say(true, "li", "急 布洛芬1盒")
			must(t, "urgent", got, "急需订单已收到", "已马上转给本网格的志愿者")
			ibu := idOf(t, got)
			s.waitSent("vol-a", "【急】5栋1单元302 布洛芬缓释胶囊1盒")
			must(t, "领取", s.say(true, "vol-a", "领取 "+ibu), "交给您了")
			s.waitSent("li", "正在给您送来")
			must(t, "完成", s.say(true, "vol-a", "完成 "+ibu), "已记下订单 "+ibu+" 送达。已通知住户。")
			s.waitSent("li", "已放到5栋1单元门口")

			// A prescription: waits, the pharmacy approves it.
			s.say(true, "wang", "绑定 3栋2单元601")
			got = s.say(true, "wang", "胰岛素1支")
			must(t, "rx", got, "胰岛素注射液是处方药")
			rx := idOf(t, got)
			must(t, "审核", s.say(true, "ph-boss", "审核 "+rx+" 通过"), "已审核通过订单 "+rx)
			s.waitSent("wang", "处方已审核通过")

			// The order day's evening: the cutoff closes it at 20:00 and
			// the pick lists go out at 20:05 (caught up at start), with
			// what is still to pack: the eggs the lead and the 布洛芬 the
			// volunteer delivered already are not on them.
			open := shAt(t, c.open+" 00:00:00")
			s.restartAt(open.Add(20*time.Hour + 6*time.Minute))
			must(t, "supermarket's pick list", s.waitSent("sm-boss", "【备货单】"+c.open), "合计：蔬菜包2份、挂面1袋\n")
			must(t, "pharmacy's pick list", s.waitSent("ph-boss", "【备货单】"+c.open), "合计：胰岛素注射液1支\n")
			must(t, "汇总 after the cutoff", s.say(true, lead, "汇总"), c.comes+"送（已截单）：\n3栋1单元：101 鸡蛋2盒（已送）")

			// The next morning's round takes the day's orders.
			s.restartAt(open.Add(31*time.Hour + time.Minute))
			must(t, "roster", s.waitSent("vol-a", "【配送任务】"+c.comes+" 07:00 G1网格"),
				"您负责3户", "1. 【急】3栋2单元601 胰岛素注射液1支", "3栋2单元501 蔬菜包2份", "3栋2单元502 挂面1袋")
			s.waitSent(lead, "【送货通知】"+c.comes+" 07:00这一轮要送到3栋：3户 3单")
			must(t, "任务", s.say(true, "vol-a", "任务"), "您的任务（"+c.comes+" 07:00，G1网格）：共3户，还剩3户")
			must(t, "完成 1", s.say(true, "vol-a", "完成 1"), "已记下第1户 3栋2单元601 送达。已通知住户。")
			s.waitSent("wang", "胰岛素注射液1支已放到3栋2单元门口")
			must(t, "送达 the rest", s.say(true, lead, "送达 3栋"), "已确认送达 3栋：2户 2单")
			s.waitSent("zhang", "蔬菜包2份已放到3栋2单元门口")
		})
	}
}

// TestAcrossMidnight: orders placed after the cutoff count for tomorrow;
// at midnight tomorrow becomes today, and the same order day is then
// called today: limits carry over, 汇总 shows the same orders, and a
// re-paste after midnight joins the same day.
func TestAcrossMidnight(t *testing.T) {
	s := clockedService(t, shAt(t, "2026-11-30 23:59:55"))
	lead := "e2e-lead-3"
	s.say(true, "zhang", "绑定 3栋2单元501")
	must(t, "placed before midnight", s.say(true, "zhang", "蔬菜包2份"), "12月2日送（今天已截单，算明天的）")
	must(t, "limit before midnight", s.say(true, "zhang", "蔬菜包1份"), "您家明天已经买够了")
	must(t, "paste before midnight", s.say(true, lead, "#接龙 3栋\n1. 3-1-101 鸡蛋1盒"), "新下单1户\n12月2日送（今天已截单，算明天的）")
	before := s.say(true, lead, "汇总")
	must(t, "汇总 before midnight", before, "3栋的订单：2户 2单\n待送2单",
		"12月2日送（今天已截单，算明天的）：\n3栋1单元：101 鸡蛋1盒\n3栋2单元：501 蔬菜包2份")

	s.waitUntil(shAt(t, "2026-12-01 00:00:00"))
	must(t, "limit after midnight", s.say(true, "zhang", "蔬菜包1份"), "您家今天已经买够了，这次没有下单。\n今天20:00以后可以再买。")
	must(t, "我的订单 after midnight", s.say(true, "zhang", "我的订单"), "【待配送】蔬菜包2份 100元 未付（12月2日送）")
	must(t, "汇总 after midnight", s.say(true, lead, "汇总"), "3栋的订单：2户 2单\n待送2单",
		"12月2日送（20:00后下单算明天）：\n3栋1单元：101 鸡蛋1盒\n3栋2单元：501 蔬菜包2份")
	must(t, "re-paste after midnight", s.say(true, lead, "#接龙 3栋\n1. 3-1-101 鸡蛋1盒\n2. 3-1-102 牛奶1箱"),
		"新下单1户，没变1户\n12月2日送（20:00后下单算明天）\n")
	must(t, "送达", s.say(true, lead, "送达 3栋"), "已确认送达 3栋：3户 3单")
	s.waitSent("zhang", "蔬菜包2份已放到3栋2单元门口")
}

// TestAcrossTheCutoffWhileRepasting: a lead pastes at 19:59, the cutoff
// runs at 20:00, the lead re-pastes the grown list: lines of the closed
// day stay as packed, new households count for tomorrow, 汇总 shows both
// days, the pick list has only the closed day's, and 送达 confirms both.
func TestAcrossTheCutoffWhileRepasting(t *testing.T) {
	s := clockedService(t, shAt(t, "2026-11-30 19:59:55"))
	lead := "e2e-lead-3"
	must(t, "paste", s.say(true, lead, "#接龙 3栋\n1. 3-1-101 鸡蛋1盒\n2. 3-1-102 牛奶1箱"), "新下单2户\n12月1日送（20:00后下单算明天）")

	s.waitUntil(shAt(t, "2026-11-30 20:00:00"))
	// Cron's 20:00 firing (no timers under the test clock).
	if published, day := s.runJob("cutoff", ""); !published || day != "2026-11-30" {
		t.Fatalf("cutoff: published %v day %s", published, day)
	}
	got := s.say(true, lead, "#接龙 3栋\n1. 3-1-101 鸡蛋2盒\n3. 3-2-501 蔬菜包1份")
	must(t, "re-paste after the cutoff", got, "新下单1户\n12月2日送（今天已截单，算明天的）",
		"已截单或正在配送，改动没有生效：3栋1单元101、3栋1单元102")
	must(t, "汇总", s.say(true, lead, "汇总"), "3栋的订单：3户 3单\n待送3单",
		"12月1日送（已截单）：\n3栋1单元：101 鸡蛋1盒；102 牛奶1箱",
		"12月2日送（今天已截单，算明天的）：\n3栋2单元：501 蔬菜包1份")
	if published, day := s.runJob("picklist", "2026-11-30T20:05:00+08:00"); !published || day != "2026-11-30" {
		t.Errorf("pick list: published %v day %s", published, day)
	}
	pl := s.waitSent("sm-boss", "【备货单】2026-11-30")
	if !strings.Contains(pl, "合计：鸡蛋1盒、牛奶1箱") || strings.Contains(pl, "蔬菜包") {
		t.Errorf("the closed day's pick list: %s", pl)
	}
	must(t, "送达 after the cutoff", s.say(true, lead, "送达 3-2-501"), "已确认送达 3栋2单元501：1户 1单")
	must(t, "送达 the closed day's", s.say(true, lead, "送达 3栋1单元"), "已确认送达 3栋1单元：2户 2单")
	must(t, "汇总 after 送达", s.say(true, lead, "汇总"), "待送0单，已送达3单")
}
