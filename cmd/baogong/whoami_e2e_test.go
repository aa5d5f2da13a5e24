package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestStaffFindOpenIDs: through the real binary, a newcomer asks 我是谁
// and hears their openid; the console's 人员 lists them among the recent
// senders; staff make them a volunteer from there (the same action as the
// add form), and the newcomer's 我是谁 then names the role. The openid is
// in no log line.
func TestStaffFindOpenIDs(t *testing.T) {
	s := startConsoleService(t)
	s.pin(consoleDay)
	s.serve()
	newcomer := "e2e-newcomer-7f3a"
	reply := s.say(true, newcomer, "我的编号？")
	if !strings.Contains(reply, "\n"+newcomer+"\n") || strings.Contains(reply, "您在") {
		t.Fatalf("我的编号: %q", reply)
	}
	s.say(true, "e2e-zhang", "绑定 3栋2单元501")

	staff := s.signInAs(e2eStaff)
	_, _, page := staff.get("/admin/people")
	recent := section(t, page, "recent")
	// The latest first: the staff member's 登录, the resident (with their
	// household), the newcomer with no role yet.
	order := regexp.MustCompile(`<code>([^<]+)</code>`).FindAllStringSubmatch(recent, -1)
	if len(order) < 3 || order[0][1] != e2eStaff || order[1][1] != "e2e-zhang" || order[2][1] != newcomer {
		t.Fatalf("recent senders %q:\n%s", order, recent)
	}
	if !strings.Contains(recent, "住3栋2单元501") || !strings.Contains(recent, "还没有身份") || !strings.Contains(recent, "社区工作人员") {
		t.Errorf("recent senders lack a household or a role:\n%s", recent)
	}
	done := staff.post("/admin/people/volunteers", url.Values{"openid": {newcomer}, "name": {"小周"}, "grid": {"G1"}})
	if !strings.Contains(done, "已添加志愿者") || !strings.Contains(section(t, done, "recent"), "志愿者") {
		t.Errorf("after 设为志愿者:\n%s", done)
	}
	if got := s.say(true, newcomer, "我是谁"); !strings.Contains(got, "志愿者（G1网格）") {
		t.Errorf("the new volunteer's 我是谁: %q", got)
	}
	if strings.Contains(s.logs.String(), newcomer) {
		t.Errorf("an openid in the logs:\n%s", s.logs.String())
	}
}

// section returns the part of page inside the element with id.
func section(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no #%s in\n%s", id, page)
	}
	j := strings.Index(page[i:], "</section>")
	if j < 0 {
		j = len(page) - i
	}
	return page[i : i+j]
}
