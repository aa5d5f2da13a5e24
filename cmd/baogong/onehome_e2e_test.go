package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// staffBrowser is a staff member's browser signed in to a community's
// console: it posts forms as the console's own pages do (with the
// session's CSRF token).
type staffBrowser struct {
	t    *testing.T
	s    *service
	c    *http.Client
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInAs opens the console for staff member openid from the one-time
// link the bot sends them.
func (s *service) signInAs(openid string) *staffBrowser {
	s.t.Helper()
	reply, link := s.signInLink(openid)
	if link == "" {
		s.t.Fatalf("%s's 登录: %q", openid, reply)
	}
	jar, _ := cookiejar.New(nil)
	b := &staffBrowser{t: s.t, s: s, c: &http.Client{Jar: jar}}
	code, path, body := b.get(link)
	if code != 200 || path != "/admin/" {
		s.t.Fatalf("%s's sign-in link: %d %s", openid, code, path)
	}
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no CSRF token on the console's first page:\n%s", body)
	}
	b.csrf = m[1]
	return b
}

// get fetches path (or a full URL) and returns the status, the final
// path after redirects and the body.
func (b *staffBrowser) get(path string) (int, string, string) {
	b.t.Helper()
	if strings.HasPrefix(path, "/") {
		path = b.s.base + path
	}
	resp, err := b.c.Get(path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, string(body)
}

// post submits a console form and returns the page it lands on.
func (b *staffBrowser) post(path string, form url.Values) string {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	resp, err := b.c.PostForm(b.s.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		b.t.Fatalf("POST %s: %d\n%s", path, resp.StatusCode, body)
	}
	return string(body)
}

var codeRe = regexp.MustCompile(`同意绑定 (\d{4,6})`)

// TestOneActionOneHome: each action does the same whatever front door it
// comes through (the bugs of the copies each front door once had), run
// against the real binary with two communities on one account.
func TestOneActionOneHome(t *testing.T) {
	a := fmt.Sprintf("e2eoa%d", time.Now().UnixNano()%1e9)
	b := fmt.Sprintf("e2eob%d", time.Now().UnixNano()%1e9)
	s := startServiceWith(t, fmt.Sprintf("{url: redis://%s/0}", redistest.Shared(t).Addr), fmt.Sprintf(`  - id: %s
    name: 阳光小区
    grids: [{id: G1, buildings: ["5"]}]
    leads: [{openid: lead-a, buildings: ["5"]}]
    admins: [staff-a]
  - id: %s
    name: 幸福里
    grids: [{id: G1, buildings: ["9"]}]
    leads: [{openid: lead-b, buildings: ["9"]}]
    admins: [staff-b]
`, a, b))
	s.pin(consoleDay)
	s.serve()
	must(t, "mum binds in 阳光小区", s.say(true, "mum", "绑定 阳光小区 5栋1单元101"), "已绑定：阳光小区")
	idOf(t, s.say(true, "mum", "挂面1袋"))

	// A resident of 幸福里 asks to join a household of 阳光小区: the
	// answer, through any front door, moves them there.
	movers := []struct {
		who, home string
		approve   func(code string)
	}{
		{"son", "9栋2单元201", func(code string) {
			staffA := s.signInAs("staff-a")
			if page := staffA.post("/admin/bindings/"+code+"/approve", nil); !strings.Contains(page, "已同意绑定") {
				t.Errorf("console approval: %s", page)
			}
		}},
		{"daughter", "9栋2单元202", func(code string) {
			if st, body := s.admin("POST", "/api/bindings/"+code+"/approve?community="+a); st != http.StatusNoContent {
				t.Errorf("API approval: %d %s", st, body)
			}
		}},
		{"nephew", "9栋2单元203", func(code string) {
			must(t, "mum's approval", s.say(true, "mum", "同意绑定 "+code), "已同意")
		}},
	}
	seen := map[string]bool{}
	for _, m := range movers {
		t.Run(m.who, func(t *testing.T) {
			must(t, "binds in 幸福里", s.say(true, m.who, "绑定 幸福里 "+m.home), "已绑定：幸福里")
			must(t, "asks for 阳光小区", s.say(true, m.who, "绑定 阳光小区 5栋1单元101"), "已请")
			code := s.newCode("mum", seen)
			m.approve(code)
			// Their messages now reach 阳光小区, where they see mum's
			// order; 幸福里 no longer has them.
			must(t, "我的订单 after the approval", s.say(true, m.who, "我的订单"), "挂面1袋")
			st, members := s.admin("GET", "/api/households/9-2-"+m.home[len(m.home)-3:]+"/members?community="+b)
			if st != 200 || strings.Contains(string(members), m.who) {
				t.Errorf("still a member in 幸福里: %d %s", st, members)
			}
		})
	}

	// A lead added in 幸福里's console is 幸福里's lead at once.
	t.Run("lead added in the console", func(t *testing.T) {
		staffB := s.signInAs("staff-b")
		staffB.post("/admin/people/leads", url.Values{"openid": {"new-lead-b"}, "buildings": {"9"}, "name": {"王姐"}})
		must(t, "the new lead's 汇总", s.say(true, "new-lead-b", "汇总"), "9栋的订单")
		staffB.post("/admin/people/volunteers", url.Values{"openid": {"new-vol-b"}, "grid": {"G1"}, "name": {"小赵"}})
		must(t, "the new volunteer's 任务", s.say(true, "new-vol-b", "任务"), "没有配送任务")
	})

	// 截单 pressed twice in the console closes today once, never
	// tomorrow.
	t.Run("cutoff twice", func(t *testing.T) {
		staffA := s.signInAs("staff-a")
		staffA.post("/admin/jobs/cutoff/run", nil)
		page := staffA.post("/admin/jobs/cutoff/run", nil)
		if !strings.Contains(page, "今天已经截单了") {
			t.Errorf("a second 截单 in the console:\n%s", page)
		}
		must(t, "an order after both", s.say(true, "mum", "挂面1袋"), "算明天的")
	})

	// The console's 台账 links download with the session, on an account
	// of several communities too.
	t.Run("ledger from the console", func(t *testing.T) {
		staffB := s.signInAs("staff-b")
		_, _, overview := staffB.get("/admin/")
		link := regexp.MustCompile(`href="(/api/ledger\?[^"]+format=csv[^"]*)"`).FindStringSubmatch(overview)
		if link == nil {
			t.Fatalf("no ledger link on the overview:\n%s", overview)
		}
		code, _, csv := staffB.get(strings.ReplaceAll(link[1], "&amp;", "&"))
		if code != 200 || strings.Contains(csv, "5栋1单元101") {
			t.Errorf("ledger from 幸福里's console: %d\n%s", code, csv)
		}
	})
}

// newCode waits for a binding request sent to user with a code not in
// seen, and returns it (adding it to seen).
func (s *service) newCode(user string, seen map[string]bool) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range s.api.SentTo(user) {
			if c := codeRe.FindStringSubmatch(m.Text); c != nil && !seen[c[1]] {
				seen[c[1]] = true
				return c[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no new binding request sent to %s: %+v", user, s.api.SentTo(user))
	return ""
}
