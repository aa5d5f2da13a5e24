package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
)

// Personal data with an end (issue 21), against the real binary on a
// redis-server of its own: after a resident erases themselves, or the
// office purges the lockdown's data, every key of the server is read and
// none holds what went.

// privacyService is the real binary on its own redis-server (every key
// of it is the service's), with staff, a lead of building 3 and a
// volunteer, at consoleDay.
func privacyService(t *testing.T) (*service, *redis.Client) {
	t.Helper()
	own := redistest.Own(t)
	id := fmt.Sprintf("e2epr%d", time.Now().UnixNano()%1e9)
	s := startServiceWith(t, fmt.Sprintf("{url: redis://%s/0}", own.Addr), fmt.Sprintf(`  - id: %s
    name: 幸福社区
    grids: [{id: G1, buildings: ["3"], volunteers: [vol-a]}]
    leads: [{openid: lead-3, buildings: ["3"]}]
    admins: [staff]
`, id))
	s.pin(consoleDay)
	s.serve()
	return s, redistest.ClientOf(own)
}

// nothingLeft fails when any key of rdb holds any of values.
func nothingLeft(t *testing.T, rdb *redis.Client, values ...string) {
	t.Helper()
	found, err := redistest.Holding(context.Background(), rdb, values...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("left behind: %s", f)
	}
}

// somewhere fails unless some key of rdb holds value.
func somewhere(t *testing.T, rdb *redis.Client, value string) {
	t.Helper()
	found, err := redistest.Holding(context.Background(), rdb, value)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Errorf("%q is gone, and should have stayed", value)
	}
}

var (
	applyCodeRe = regexp.MustCompile(`同意志愿者 (\S+)`)
	roundLinkRe = regexp.MustCompile(`https?://\S+/r/\S+`)
)

// nonce makes values no other test writes.
func nonce() string { return strconv.FormatInt(time.Now().UnixNano()%1e12, 36) }

func TestEraseMyData(t *testing.T) {
	s, rdb := privacyService(t)
	// Staff wrote to the account today: WeChat lets pushes reach them.
	s.wrote("staff")
	n := nonce()
	me, spouse, stranger, namesake := "oRes"+n, "oMem"+n, "oOther"+n, "oRes"+n+"0"
	phone := "139" + fmt.Sprintf("%08d", time.Now().UnixNano()%1e8)
	shared := "137" + fmt.Sprintf("%08d", (time.Now().UnixNano()+1)%1e8) // the household's phone
	name, note := "易安澜"+n[:2], "门口放个纸箱"+n
	media, pic := "MEDIA-"+n, "http://mmbiz.qpic.cn/rx-"+n+".jpg"
	must := s.mustSay
	approved := map[string]bool{}
	approve := func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, m := range s.api.SentTo("lead-3") {
				if c := applyCodeRe.FindStringSubmatch(m.Text); c != nil && !approved[c[1]] {
					approved[c[1]] = true
					must("lead-3", "同意志愿者 "+c[1], "")
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("no new application sent to the lead")
	}

	// Told at binding what is kept, why, how long, how to erase it.
	got := must(me, "绑定 3栋2单元501", "已绑定")
	for _, w := range []string{"地址、订单和电话", "配送", "30天", "删除我的信息"} {
		if !strings.Contains(got, w) {
			t.Errorf("first binding does not say %q: %q", w, got)
		}
	}
	must(spouse, "绑定 3栋2单元501", "")
	must(me, "同意绑定 "+s.newCode(me, map[string]bool{}), "")
	must(spouse, "我的订单", "")
	must(stranger, "绑定 3栋2单元502", "已绑定")
	must(namesake, "绑定 3栋2单元503", "已绑定")

	// A delivered order, one waiting, a prescription the lead ordered
	// for the household whose photo I send, orders with the household's
	// phone (mine and my spouse's), a volunteer's sign-up the lead
	// approves, and someone else of the same name who volunteers too.
	must(me, "蔬菜包1份 备注："+note+" 电话"+phone, "下单成功")
	must("lead-3", "送达 3-2-501", "")
	must(me, "鸡蛋1盒 电话"+shared, "下单成功")
	must(spouse, "大米1袋 电话"+shared+" 备注：下午在家", "下单成功")
	must("lead-3", "接龙\n1. 3-2-501 胰岛素1支", "")
	s.send(true, wxsign.ImageXML("gh_e2e", me, pic, media, s.nextID(), s.now()))
	must(me, "报名志愿者 "+name+" "+phone, "")
	approve()
	s.waitSent(me, "志愿者")
	must(namesake, "报名志愿者 "+name+" 13500001111", "")
	approve()
	somewhere(t, rdb, phone)
	somewhere(t, rdb, media)

	// Asked first, as people ask, and told what will happen.
	got = must(me, "请 删除 我的信息。", "确认删除")
	for _, w := range []string{"1单", "台账", "解除绑定", "志愿者"} {
		if !strings.Contains(got, w) {
			t.Errorf("删除我的信息 does not say %q: %q", w, got)
		}
	}
	// 确认删除 from someone who asked nothing erases nothing.
	must(stranger, "确认删除", "现在没有要确认的删除")
	must(stranger, "我的订单", "")
	somewhere(t, rdb, stranger)

	got = must(me, "确认 删除！", "您的个人信息已删除")
	if !strings.Contains(got, "取消了1单") {
		t.Errorf("erased: %q, want the waiting order cancelled", got)
	}
	nothingLeft(t, rdb, phone, note, media, pic)
	found, err := redistest.HoldingWords(context.Background(), rdb, me)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("left behind: %s", f)
	}

	// Nobody else lost anything: the household's phone on my spouse's
	// order and record, the namesake volunteer's name, the lead's order.
	somewhere(t, rdb, shared)
	somewhere(t, rdb, "下午在家")
	somewhere(t, rdb, name)
	somewhere(t, rdb, namesake)
	if got := s.say(true, spouse, "我的订单"); !strings.Contains(got, "大米") || !strings.Contains(got, "胰岛素") {
		t.Errorf("the other member's orders: %q", got)
	}
	// The household stays for the other member, who hears of the cancel;
	// the office hears the volunteer is gone; the delivered order stays in
	// the ledger.
	s.waitSent(spouse, "取消")
	s.waitSent("staff", "已不再是")
	code2, ledger := s.admin("GET", "/api/ledger?date=2026-11-24&format=csv")
	if code2 != 200 || !strings.Contains(string(ledger), "3栋2单元501") || !strings.Contains(string(ledger), "蔬菜包") {
		t.Errorf("ledger after the erasure: %d\n%s", code2, ledger)
	}

	// Again: nothing to confirm, and they are a stranger now.
	must(me, "确认删除", "现在没有要确认的删除")
	must(me, "蔬菜包1份", "绑定")
	nothingLeft(t, rdb, phone, note, media, pic)
}

// TestEraseALead: a lead who erases themselves takes nothing of the
// households they ordered for: the elder's phone and note stay for the
// next round; only the lead's id goes.
func TestEraseALead(t *testing.T) {
	s, rdb := privacyService(t)
	// Staff wrote to the account today: WeChat lets pushes reach them.
	s.wrote("staff")
	elder, note := "13955556666", "老人独居敲门大声点"
	if got := s.say(true, "lead-3", "接龙\n1. 3-1-101 蔬菜包1份 "+elder+" "+note); !strings.Contains(got, "1") {
		t.Fatal(got)
	}
	if got := s.say(true, "lead-3", "删除我的信息"); !strings.Contains(got, "社区名单上您是3栋楼栋长") {
		t.Errorf("a lead in the config is told: %q", got)
	}
	if got := s.say(true, "lead-3", "确认删除"); !strings.Contains(got, "已删除") || !strings.Contains(got, "改了名单") {
		t.Errorf("erased: %q", got)
	}
	somewhere(t, rdb, elder)
	somewhere(t, rdb, note)
	s.waitSent("staff", "配置文件")
}

// nextID is a fresh MsgId, as text() takes one.
// mustSay sends text from user (safe mode) and returns the answer,
// failing the test unless it says want.
func (s *service) mustSay(user, text, want string) string {
	s.t.Helper()
	got := s.say(true, user, text)
	if !strings.Contains(got, want) {
		s.t.Fatalf("%s %q: %q, want it to say %q", user, text, got, want)
	}
	return got
}

func (s *service) nextID() int64 {
	s.msgID++
	return s.msgID
}

// TestPurgeEndOfLockdown: the office's purge removes every id, phone,
// note and photo of activity before its day, the bindings nobody used
// since, and keeps the ledger of those days whole.
func TestPurgeEndOfLockdown(t *testing.T) {
	s, rdb := privacyService(t)
	// The volunteer wrote to the account today: the round reaches them.
	s.wrote("vol-a")
	n := nonce()
	gone, stays, later, evening, asker := "oGone"+n, "oStay"+n, "oNew"+n, "oEve"+n, "oAsk"+n
	gonePhone, listPhone, laterPhone := "138"+fmt.Sprintf("%08d", time.Now().UnixNano()%1e8), "13700002222", "13600003333"
	note := "放在鞋柜上" + n
	must := func(user, text, want string) {
		t.Helper()
		if got := s.say(true, user, text); !strings.Contains(got, want) {
			t.Fatalf("%s %q: %q, want %q", user, text, got, want)
		}
	}
	// 11月24日: two residents order, a lead pastes a household without
	// WeChat, staff close the day and send the rounds.
	must(gone, "绑定 3-1-101", "已绑定")
	must(gone, "蔬菜包1份 备注："+note+" 电话"+gonePhone, "下单成功")
	must(stays, "绑定 3-1-102", "已绑定")
	must(stays, "鸡蛋1盒", "下单成功")
	must(asker, "绑定 3-1-102", "") // waits for stays, who never answers
	must("lead-3", "接龙\n1. 3-1-103 蔬菜包1份 "+listPhone, "")
	if code, body := s.admin("POST", "/api/jobs/cutoff/run"); code != 200 {
		t.Fatalf("cutoff: %d %s", code, body)
	}
	if code, body := s.admin("POST", "/api/jobs/roster/run"); code != 200 {
		t.Fatalf("roster: %d %s", code, body)
	}
	link := roundLinkRe.FindString(s.waitSent("vol-a", "配送"))
	// The volunteer's round: the phone of the household without WeChat,
	// not of those on it; kept by no browser; over when the round is.
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(string(page), listPhone) || strings.Contains(string(page), gonePhone) {
		t.Errorf("round page %d %q: want %s shown and %s not\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), listPhone, gonePhone, page)
	}
	u, _ := url.Parse(link)
	if end := time.Date(2026, 11, 25, 0, 0, 0, 0, consoleDay.Location()); u.Query().Get("exp") != strconv.FormatInt(end.Unix(), 10) {
		t.Errorf("the round's link lasts until %s, want the round's end %v", u.Query().Get("exp"), end)
	}
	must("lead-3", "送达 3栋", "")
	_, before := s.admin("GET", "/api/ledger?date=2026-11-24&format=csv")
	somewhere(t, rdb, listPhone)

	// The next evening, after the cutoff, a resident orders for the day
	// after: the purge of that day keeps them.
	s.stop()
	s.pin(consoleDay.Add(35 * time.Hour)) // 11月25日 21:00: closed at 20:00
	s.serve()
	must(evening, "绑定 3-1-105", "已绑定")
	must(evening, "牛奶1箱 备注：晚单备注"+n, "明天")

	// Two days on, the lockdown ends: one resident still uses the
	// service, a new one orders.
	s.stop()
	s.pin(consoleDay.Add(48 * time.Hour))
	s.serve()
	must(stays, "我的订单", "")
	if resp, err := http.Get(link); err != nil || resp.StatusCode < 400 {
		t.Errorf("the round's link two days on: %v %v", resp.StatusCode, err)
	}
	must(later, "绑定 3-1-104", "已绑定")
	must(later, "牛奶1箱 电话"+laterPhone, "下单成功")

	for _, bad := range []struct{ body, want string }{
		{`{"before": "2026-11-27"}`, "after today"},
		{`{"before": "11月26日"}`, "2026-12-31"},
		{`{}`, "before"},
	} {
		if code, body := s.adminBody("POST", "/api/privacy/purge", bad.body); code != 400 || !strings.Contains(string(body), bad.want) {
			t.Errorf("purge %s: %d %s", bad.body, code, body)
		}
	}
	somewhere(t, rdb, gone)

	code, body := s.adminBody("POST", "/api/privacy/purge", `{"before": "2026-11-26"}`)
	if code != 200 {
		t.Fatalf("purge: %d %s", code, body)
	}
	var run struct {
		Status string             `json:"status"`
		Purge  orders.PurgeReport `json:"purge"`
	}
	if err := json.Unmarshal(body, &run); err != nil || run.Status != "done" || run.Purge.Orders < 3 || run.Purge.Bindings != 1 {
		t.Errorf("purge: %s (orders stripped and bindings removed: want 3 or more and 1)", body)
	}
	nothingLeft(t, rdb, gone, gonePhone, listPhone, note, asker)
	// What happened since stays: the binding used since, the new order,
	// the evening's order for the day and who placed it.
	somewhere(t, rdb, stays)
	somewhere(t, rdb, evening)
	somewhere(t, rdb, "晚单备注"+n)
	somewhere(t, rdb, later)
	somewhere(t, rdb, laterPhone)

	// The ledger of the purged day has the same rows and totals.
	_, after := s.admin("GET", "/api/ledger?date=2026-11-24&format=csv")
	// Who delivered stays too, by role or name: the office still knows
	// who holds the cash.
	if rowsAndTotal(string(after)) != rowsAndTotal(string(before)) || strings.Count(string(after), ",楼栋长,") != 3 {
		t.Errorf("ledger changed:\nbefore\n%s\nafter\n%s", before, after)
	}
	// The resident who never came back is a stranger; the one who did
	// is not.
	must(gone, "蔬菜包1份", "绑定")
	must(stays, "蔬菜包1份", "下单成功")

	// A second purge repeats nothing and fails nothing.
	if code, body := s.adminBody("POST", "/api/privacy/purge", `{"before": "2026-11-26"}`); code != 200 {
		t.Errorf("second purge: %d %s", code, body)
	}
}

// rowsAndTotal is a ledger CSV's number of rows and its 合计 row.
func rowsAndTotal(csv string) string {
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	total := ""
	for _, l := range lines {
		if strings.Contains(l, "合计") {
			total = l
		}
	}
	return fmt.Sprintf("%d rows, %s", len(lines), total)
}

// TestRetentionJob: a month after an order was delivered, the nightly
// job strips who placed it, its phone and note; the household's binding
// and the ledger row stay.
func TestRetentionJob(t *testing.T) {
	s, rdb := privacyService(t)
	n := nonce()
	me := "oRet" + n
	phone := "135" + fmt.Sprintf("%08d", time.Now().UnixNano()%1e8)
	note := "敲门三下" + n
	if got := s.say(true, me, "绑定 3-2-301"); !strings.Contains(got, "已绑定") {
		t.Fatal(got)
	}
	if got := s.say(true, me, "蔬菜包1份 备注："+note+" 电话"+phone); !strings.Contains(got, "下单成功") {
		t.Fatal(got)
	}
	s.say(true, "lead-3", "送达 3-2-301")
	s.stop()
	s.pin(consoleDay.Add(29 * 24 * time.Hour))
	s.serve()
	if code, body := s.admin("POST", "/api/jobs/privacy/run"); code != 200 {
		t.Fatalf("privacy job: %d %s", code, body)
	}
	somewhere(t, rdb, phone) // 29 days: kept
	s.stop()
	s.pin(consoleDay.Add(31 * 24 * time.Hour))
	s.serve()
	code, body := s.admin("POST", "/api/jobs/privacy/run")
	if code != 200 || !strings.Contains(string(body), `"redacted":1`) {
		t.Fatalf("privacy job: %d %s", code, body)
	}
	// The answers saved for WeChat's retries hold the order as it was
	// told; they expire a day after (Redis's own clock, which the test
	// clock does not move): leave them out.
	found, err := redistest.Holding(context.Background(), rdb, phone, note)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if !strings.Contains(f, ":msg:") {
			t.Errorf("left behind: %s", f)
		}
	}
	found, err = redistest.Holding(context.Background(), rdb, me)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if strings.Contains(f, ":o:") {
			t.Errorf("the order still names who placed it: %s", f)
		}
	}
	if len(found) == 0 {
		t.Error("the binding went too: only orders lose their personal fields")
	}
	if code, ledger := s.admin("GET", "/api/ledger?date=2026-11-24&format=csv"); code != 200 || !strings.Contains(string(ledger), "3栋2单元301") {
		t.Errorf("ledger: %d\n%s", code, ledger)
	}
}
