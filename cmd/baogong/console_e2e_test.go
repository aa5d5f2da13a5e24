package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// consoleDay is when the console tests run: a morning, after the first
// delivery round and before the cutoff.
var consoleDay = time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// e2eStaff is the community staff member (community.admins) of the
// console tests.
const e2eStaff = "e2e-staff"

// startConsoleService is startService with a staff member in
// community.admins and JSON logs.
func startConsoleService(t *testing.T) *service {
	t.Helper()
	s := startService(t, redistest.Shared(t).Addr)
	f, err := os.OpenFile(s.cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The config ends inside community: one more key of it, then a
	// top-level one.
	if _, err := f.WriteString("  admins: [" + e2eStaff + "]\nlog: {format: json}\n"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return s
}

var linkRe = regexp.MustCompile(`https?://\S+/admin/signin\?\S+`)

// signInLink asks the bot for a console link as user, through the real
// callback, and returns it ("" when the reply has none).
func (s *service) signInLink(user string) (reply, link string) {
	s.t.Helper()
	reply = s.say(true, user, "登录")
	return reply, linkRe.FindString(reply)
}

// TestConsoleEndToEnd: through the real binary, staff get a one-time
// console link from the bot, others do not; the admin token signs in
// too; /metrics and /api/ledger want the token; logs are JSON with
// request ids and without addresses or phone numbers.
func TestConsoleEndToEnd(t *testing.T) {
	s := startConsoleService(t)
	s.pin(consoleDay)
	s.serve()

	reply, link := s.signInLink("e2e-zhang")
	if link != "" || !strings.Contains(reply, "只给社区工作人员") {
		t.Errorf("a resident's 登录: %q", reply)
	}
	reply, link = s.signInLink(e2eStaff)
	if link == "" || !strings.HasPrefix(link, s.base+"/admin/signin?") {
		t.Fatalf("staff's 登录: %q", reply)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/admin/" || !strings.Contains(string(body), e2eStaff) {
		t.Fatalf("sign-in link: %d %s", resp.StatusCode, resp.Request.URL)
	}
	resp, err = http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("second use of the link: %d", resp.StatusCode)
	}
	resp, err = http.PostForm(s.base+"/admin/login", url.Values{"token": {"not-the-token"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("wrong admin token: %d %v", resp.StatusCode, resp.Cookies())
	}

	// An order with a phone and an address, for the ledger and the logs.
	s.say(true, "e2e-zhang", "绑定 3栋2单元501")
	s.say(true, "e2e-lead-3", "3-1-101 蔬菜包1份 13900001111")
	code, csv := s.admin("GET", "/api/ledger?date=2026-11-24&format=csv")
	if code != 200 || !strings.Contains(string(csv), "3栋1单元101,G1,蔬菜包,1,份,50.00,50.00,,代下,待配送,楼栋长代下,,,,货到付款,未付,,,\r\n") || strings.Contains(string(csv), "e2e-lead-3") {
		t.Errorf("ledger %d:\n%s", code, csv)
	}

	if resp, err := http.Get(s.base + "/metrics"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("metrics without the token: %v %v", resp.StatusCode, err)
	}
	code, text := s.admin("GET", "/metrics")
	for _, want := range []string{
		`baogong_messages_total{intent="console",outcome="ok"} 2`,
		`baogong_messages_total{intent="bind",outcome="ok"} 1`,
		`baogong_messages_total{intent="paste",outcome="ok"} 1`,
		`baogong_reply_duration_seconds_bucket`,
		`baogong_orders{community="` + s.community + `",status="pending"} 1`,
		`baogong_outbox_pending{community="` + s.community + `"}`,
		`baogong_outbox_dead{community="` + s.community + `"} 0`,
		`baogong_job_runs_total{community="` + s.community + `",job="roster",result=`,
		`go_goroutines`,
	} {
		if code != 200 || !strings.Contains(string(text), want) {
			t.Errorf("metrics: no %s", want)
		}
	}

	s.stop()
	logs := s.logs.String()
	if strings.Contains(logs, "13900001111") || strings.Contains(logs, "3栋1单元101") || strings.Contains(logs, "3-1-101") {
		t.Errorf("personal data in the logs:\n%s", logs)
	}
	sawRequest := false
	for _, line := range strings.Split(logs, "\n") {
		var rec map[string]any
		if !strings.HasPrefix(line, "{") {
			continue
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not JSON: %s", line)
			continue
		}
		if rec["msg"] == "http" && rec["route"] == "/wechat" && rec["request_id"] != nil {
			sawRequest = true
		}
	}
	if !sawRequest {
		t.Errorf("no request line with a request id:\n%s", logs)
	}
}

// TestDemoConsole: the demo links to the console signed in as its staff
// persona, who can also ask the bot for a link.
func TestDemoConsole(t *testing.T) {
	_, base := runDemo(t)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.Get(base + "/demo/console")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/admin/" || !strings.Contains(string(body), "社区网格员") {
		t.Errorf("demo console: %d %s", resp.StatusCode, resp.Request.URL)
	}
	page, _ := http.Get(base + "/")
	index, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(index), `href="/demo/console"`) {
		t.Error("the demo page does not link to the console")
	}
	msg, _ := json.Marshal(map[string]string{"openid": demoStaff, "text": "登录"})
	resp, err = http.Post(base+"/demo/send", "application/json", strings.NewReader(string(msg)))
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Reply string }
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if !strings.Contains(out.Reply, "/admin/signin?t=") {
		t.Errorf("the staff persona's 登录: %q", out.Reply)
	}
}
