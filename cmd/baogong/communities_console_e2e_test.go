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

// TestCommunitiesConsole: with two communities on one account, each
// has its own console. A staff member's sign-in link from the bot opens
// their community's and shows only its orders; the same browser is not
// signed in to the other; without a community the console asks which;
// the admin token (the subdistrict) signs in to either. Their signed
// links (rosters, pick lists, the lead's 汇总) open under ?community=.
func TestCommunitiesConsole(t *testing.T) {
	a := fmt.Sprintf("e2ea%d", time.Now().UnixNano()%1e9)
	b := fmt.Sprintf("e2eb%d", time.Now().UnixNano()%1e9)
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
	if r := s.say(true, "ra", "绑定 5栋1单元101"); !strings.HasPrefix(r, "已绑定：阳光小区") {
		t.Fatalf("bind in 阳光小区: %q", r)
	}
	if r := s.say(true, "rb", "绑定 9栋2单元202"); !strings.HasPrefix(r, "已绑定：幸福里") {
		t.Fatalf("bind in 幸福里: %q", r)
	}
	idOf(t, s.say(true, "ra", "挂面1袋"))
	idOf(t, s.say(true, "rb", "挂面2袋"))

	get := func(c *http.Client, path string) (int, string, string) {
		t.Helper()
		if strings.HasPrefix(path, "/") {
			path = s.base + path
		}
		resp, err := c.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Request.URL.Path, string(body)
	}
	newBrowser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar}
	}

	// staff-b's link opens 幸福里's console: 9栋's order, not 5栋's.
	reply, link := s.signInLink("staff-b")
	if link == "" || !strings.Contains(link, "community="+b) {
		t.Fatalf("staff-b's 登录: %q", reply)
	}
	browser := newBrowser()
	if code, path, body := get(browser, link); code != 200 || path != "/admin/" || !strings.Contains(body, "staff-b") {
		t.Fatalf("staff-b's sign-in link: %d %s", code, path)
	}
	code, _, body := get(browser, "/admin/orders")
	if code != 200 || !strings.Contains(body, "9栋2单元202") || strings.Contains(body, "5栋1单元101") {
		t.Errorf("幸福里's console lists (%d):\n%s", code, body)
	}
	// The same browser asking for 阳光小区 is not signed in there.
	if code, path, body := get(browser, "/admin/orders?community="+a); strings.Contains(body, "5栋1单元101") || path == "/admin/orders" && code == 200 {
		t.Errorf("staff-b opened 阳光小区's orders: %d %s", code, path)
	}
	// staff-a cannot get a link from 幸福里's side, and a resident gets none.
	if _, l := s.signInLink("rb"); l != "" {
		t.Errorf("a resident got a console link: %s", l)
	}

	// Without a community the console asks which.
	if code, _, body := get(newBrowser(), "/admin/"); code != 200 || !strings.Contains(body, "选择社区") ||
		!strings.Contains(body, "阳光小区") || !strings.Contains(body, "幸福里") {
		t.Errorf("/admin/ without a community: %d\n%s", code, body)
	}

	// The admin token signs in to 阳光小区's console.
	sub := newBrowser()
	get(sub, "/admin/login?community="+a)
	resp, err := sub.PostForm(s.base+"/admin/login", url.Values{"token": {e2eAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code, _, body = get(sub, "/admin/orders")
	if code != 200 || !strings.Contains(body, "5栋1单元101") || strings.Contains(body, "9栋2单元202") {
		t.Errorf("阳光小区's console with the token lists (%d):\n%s", code, body)
	}

	// The ledger over the API is the community's named.
	code, ledger := s.admin("GET", "/api/ledger?date=2026-11-24&format=csv&community="+b)
	if code != 200 || !strings.Contains(string(ledger), "9栋2单元202") || strings.Contains(string(ledger), "5栋1单元101") {
		t.Errorf("幸福里's ledger (%d):\n%s", code, ledger)
	}

	// A big building's 汇总 is a link: it names its community and opens.
	var paste strings.Builder
	for unit := 1; unit <= 4; unit++ {
		for floor := 1; floor <= 30; floor++ {
			fmt.Fprintf(&paste, "9-%d-%d01 挂面1袋\n", unit, floor)
		}
	}
	if r := s.say(true, "lead-b", paste.String()); !strings.Contains(r, "共120户") {
		t.Fatalf("幸福里's lead pastes 120 households: %q", r)
	}
	sum := s.say(true, "lead-b", "汇总")
	link = summaryLinkRe.FindString(sum)
	if link == "" || !strings.Contains(link, "community="+b) {
		t.Fatalf("幸福里's 汇总 has no link naming it: %q", sum)
	}
	if code, _, body := get(http.DefaultClient, link); code != 200 || !strings.Contains(body, "3001") {
		t.Errorf("幸福里's 汇总 link: %d\n%s", code, body)
	}
}

var summaryLinkRe = regexp.MustCompile(`https?://\S+/s/\S+`)
