package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
)

// Reaching people under WeChat's real rules, against the real binary: the
// fake WeChat API refuses a customer-service message to anyone who has
// not written within 48 hours (45015) and past five per message (45047),
// and knows only the templates the test adds.

// reachService is a service whose config gets extra, its G1 the
// volunteers vols, and its community an admin, on the test clock at at;
// the account has the templates prepare adds (before the service starts
// and compares them with its config).
func reachService(t *testing.T, at time.Time, vols, extra string, prepare ...func(*fakewechat.API)) *service {
	t.Helper()
	s := startService(t, redistest.Shared(t).Addr)
	cfg, _ := os.ReadFile(s.cfgPath)
	text := strings.Replace(string(cfg), `{id: G1, buildings: ["3", "5"]}`, `{id: G1, buildings: ["3", "5"], volunteers: [`+vols+`]}`, 1)
	text = strings.Replace(text, "  api_base:", extra+"  api_base:", 1)
	os.WriteFile(s.cfgPath, []byte(text+"  admins: [e2e-admin]\n"), 0o644)
	for _, p := range prepare {
		p(s.api)
	}
	s.pin(at)
	s.serve()
	return s
}

// openLink fetches a link from a message and returns the page.
func openLink(t *testing.T, link string) string {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", link, resp.StatusCode, body)
	}
	return string(body)
}

// orderForTheRound has a resident order and the day cut off, so a round
// has a stop for G1.
func (s *service) orderForTheRound(t *testing.T) {
	t.Helper()
	s.say(true, "zhang", "绑定 3栋2单元501")
	idOf(t, s.say(true, "zhang", "蔬菜包2份"))
	if published, _ := s.runJob("cutoff", ""); !published {
		t.Fatal("cutoff not published")
	}
}

// TestRosterReachesVolunteersWhoNeverWrote: volunteers set up by the
// office never wrote to the account. With a roster template the round
// reaches them at publication as a template with a link to their round;
// without one, it waits, and whatever they send next (你好) is answered
// with it first.
func TestRosterReachesVolunteersWhoNeverWrote(t *testing.T) {
	at := shAt(t, "2026-11-30 15:00:00")
	t.Run("template", func(t *testing.T) {
		s := reachService(t, at, "vol-new", "  templates: {roster: tpl-roster}\n", func(api *fakewechat.API) { api.AddTemplate("tpl-roster") })
		m := s.rosterTemplate(t, "vol-new", "tpl-roster")
		if !strings.Contains(m.Text, "thing1: 配送任务1户") || !strings.Contains(m.URL, "/r/G1/") {
			t.Fatalf("roster template %+v", m)
		}
		must(t, "the round behind the link", openLink(t, m.URL), "3栋2单元501", "蔬菜包")
		if r := s.api.Refusals(); len(r) != 0 {
			t.Errorf("pushes refused: %+v", r)
		}
	})
	// A template picked from WeChat's library has fields of its own; the
	// config says which shows what.
	t.Run("a library template", func(t *testing.T) {
		s := reachService(t, at, "vol-new", "  templates: {roster: tpl-lib}\n"+
			"  template_fields: {tpl-lib: {what: thing3, where: thing7, status: phrase2, time: time5, ref: character_string9}}\n",
			func(api *fakewechat.API) {
				api.AddTemplateFields("tpl-lib", "thing3", "thing7", "phrase2", "time5", "character_string9")
			})
		m := s.rosterTemplate(t, "vol-new", "tpl-lib")
		if !strings.Contains(m.Text, "thing3: 配送任务1户") || !strings.Contains(m.Text, "time5: 2026年") {
			t.Fatalf("roster template %+v", m)
		}
	})
	t.Run("held", func(t *testing.T) {
		s := reachService(t, at, "vol-new", "")
		s.orderForTheRound(t)
		if code, body := s.admin("POST", "/api/jobs/roster/run"); code != 200 {
			t.Fatalf("roster: %d %s", code, body)
		}
		// The roster is held once the outbox looked at it.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			code, body := s.admin("GET", "/api/notices")
			if code == 200 && bytes.Contains(body, []byte(`"pending":0`)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("notices still pending: %s", body)
			}
		}
		if sent := s.api.SentTo("vol-new"); len(sent) != 0 {
			t.Fatalf("pushed to a volunteer who never wrote: %+v", sent)
		}
		got := s.say(true, "vol-new", "你好")
		must(t, "你好 from the volunteer", got, "【您有1条没收到的通知】", "【配送任务】", "3栋2单元501", "蔬菜包2份", "您好！您是志愿者。")
		if strings.Contains(got, "没看懂") {
			t.Errorf("你好 was not understood:\n%s", got)
		}
		must(t, "任务", s.say(true, "vol-new", "任务"), "共1户")
	})
}

// rosterTemplate has a round published and returns the roster template
// tpl that reaches volunteer vol.
func (s *service) rosterTemplate(t *testing.T, vol, tpl string) fakewechat.Sent {
	t.Helper()
	s.orderForTheRound(t)
	if code, body := s.admin("POST", "/api/jobs/roster/run"); code != 200 {
		t.Fatalf("roster: %d %s", code, body)
	}
	return waitTemplate(t, s, vol, tpl)
}

// waitTemplate waits for a template message templateID to user; every
// field of the template must show something.
func waitTemplate(t *testing.T, s *service, user, templateID string) fakewechat.Sent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, m := range s.api.SentTo(user) {
			if m.Kind == "template" && m.TemplateID == templateID {
				if len(m.Blank) > 0 {
					t.Errorf("template %s to %s shows %v blank:\n%s", templateID, user, m.Blank, m.Text)
				}
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no template %s to %s; sent %+v refused %+v", templateID, user, s.api.SentTo(user), s.api.Refusals())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestResidentOutsideTheWindowHearsOfDelivery: a resident ordered, then
// wrote nothing for two days; their goods are delivered: WeChat would
// refuse a customer-service message, so the delivery template goes, with
// a link to the notice in full.
func TestResidentOutsideTheWindowHearsOfDelivery(t *testing.T) {
	at := shAt(t, "2026-11-30 10:00:00")
	s := reachService(t, at, "vol-a", "  templates: {delivery: tpl-delivery}\n", func(api *fakewechat.API) { api.AddTemplate("tpl-delivery") })
	s.say(true, "zhang", "绑定 3栋2单元501")
	id := idOf(t, s.say(true, "zhang", "蔬菜包2份"))

	// Two days later (the service's clock and WeChat's).
	later := at.Add(49 * time.Hour)
	s.stop()
	s.pin(later)
	s.api.Clock = func() time.Time { return time.Now().Add(49 * time.Hour) }
	s.serve()
	must(t, "送达", s.say(true, "e2e-lead-3", "送达 3栋"), "已确认送达")
	m := waitTemplate(t, s, "zhang", "tpl-delivery")
	if !strings.Contains(m.Text, "thing1: 送到了：蔬菜包2份") || !strings.Contains(m.Text, "character_string5: "+id) || !strings.Contains(m.URL, "/n/zhang") {
		t.Fatalf("delivery template %+v", m)
	}
	must(t, "the notices page", openLink(t, m.URL), "您订的蔬菜包2份已放到3栋2单元门口")
	for _, r := range s.api.Refusals() {
		if r.ToUser == "zhang" {
			t.Errorf("a customer-service message was tried out of the window: %+v", r)
		}
	}
}

// TestElderVoiceReachesTheLead: WeChat sends an elder's voice without
// words; no speech-to-text service is configured. The lead gets a text
// naming the household and the line that orders for it, then the voice
// itself; the elder hears who will listen.
func TestElderVoiceReachesTheLead(t *testing.T) {
	s := reachService(t, shAt(t, "2026-11-30 10:00:00"), "vol-a", "")
	s.wrote("e2e-lead-3")
	s.say(true, "grandpa", "绑定 3栋2单元501")
	s.msgID++
	body := wxsign.VoiceXML("gh_e2e", "grandpa", "e2e-voice-1", "", s.msgID, s.now())
	got := s.send(true, body)
	must(t, "the elder's answer", got, "您的语音已经转给3栋的楼栋长")
	text := s.waitSent("e2e-lead-3", "3栋2单元501的住户发来一段语音")
	must(t, "the lead's text", text, "3-2-501 蔬菜包1份")
	said, _ := s.api.Media("e2e-voice-1")
	var voice *fakewechat.Sent
	for deadline := time.Now().Add(10 * time.Second); voice == nil; {
		for _, m := range s.api.SentTo("e2e-lead-3") {
			if m.MediaID != "" {
				voice = &m
			}
		}
		if voice == nil && time.Now().After(deadline) {
			t.Fatalf("no voice message to the lead: %+v", s.api.SentTo("e2e-lead-3"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if heard, _ := s.api.Media(voice.MediaID); !bytes.Equal(heard, said) {
		t.Fatal("the voice forwarded is not the elder's")
	}
	// The link in the text plays the voice baogong kept.
	link := regexp.MustCompile(`http://\S+/m/\S+?sig=[0-9a-f]+`).FindString(text)
	if kept := openLink(t, link); kept != string(said) {
		t.Errorf("the voice behind the link differs (%d bytes)", len(kept))
	}
	must(t, "the lead orders for them", s.say(true, "e2e-lead-3", "3-2-501 蔬菜包1份"), "新下单1户")
}

// TestBusyEveningUrgentPagesStayWithinTheBudget: the lead and two
// volunteers wrote once; eight households of one building send urgent
// requests through the evening. Every request reaches someone who can
// act, WeChat refuses (almost) nothing, and each resident is told who was
// reached.
func TestBusyEveningUrgentPagesStayWithinTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("spreads eight requests over twenty seconds")
	}
	s := reachService(t, shAt(t, "2026-11-30 18:00:00"), "vol-a, vol-b", "")
	s.wrote("e2e-lead-3", "vol-a", "vol-b")
	rooms := []string{"101", "102", "201", "202", "301", "302", "401", "402"}
	for _, r := range rooms {
		s.say(true, "res-"+r, "绑定 3栋1单元"+r)
	}
	var ids []string
	for i, r := range rooms {
		if i > 0 {
			time.Sleep(2500 * time.Millisecond) // apart: no coalescing helps
		}
		got := s.say(true, "res-"+r, "急 布洛芬1盒")
		id := idOf(t, got)
		ids = append(ids, id)
		if !strings.Contains(got, "已马上转给") {
			t.Errorf("request %d (%s): the resident was not told who was reached:\n%s", i+1, id, got)
		}
	}
	for _, id := range ids {
		deadline := time.Now().Add(10 * time.Second)
		for !slices.ContainsFunc(s.api.Sent(), func(m fakewechat.Sent) bool { return strings.Contains(m.Text, "领取 "+id) }) {
			if time.Now().After(deadline) {
				t.Fatalf("urgent order %s reached nobody; sent %+v", id, s.api.Sent())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	budget := 0
	for _, r := range s.api.Refusals() {
		if r.ErrCode == 45047 {
			budget++
		}
	}
	if budget > 2 {
		t.Errorf("%d pages refused for the budget: %+v", budget, s.api.Refusals())
	}
	t.Logf("pushes: vol-a %d, vol-b %d, lead %d, admin %d; 45047 refusals %d",
		len(s.api.SentTo("vol-a")), len(s.api.SentTo("vol-b")), len(s.api.SentTo("e2e-lead-3")), len(s.api.SentTo("e2e-admin")), budget)
}

// TestMenusByRole: leads, volunteers and staff get their own menu by
// WeChat tag; a volunteer added at run time is tagged, and untagged when
// removed.
func TestMenusByRole(t *testing.T) {
	s := reachService(t, shAt(t, "2026-11-30 10:00:00"), "vol-a", "")
	cli := exec.Command(s.bin, "menu", "--config", s.cfgPath)
	cli.Env = s.environ()
	if out, err := cli.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("menu created")) {
		t.Fatalf("baogong menu: %v\n%s", err, out)
	}
	if c := s.api.ConditionalMenus(); len(c) != 3 {
		t.Fatalf("conditional menus: %+v", c)
	}
	waitTags := func(user string, want ...string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for fmt.Sprint(s.api.TagsOf(user)) != fmt.Sprint(want) {
			if time.Now().After(deadline) {
				t.Fatalf("%s's tags %v, want %v", user, s.api.TagsOf(user), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitTags("e2e-lead-3", "楼栋长")
	waitTags("vol-a", "志愿者")
	waitTags("e2e-admin", "社区工作人员")

	req, _ := http.NewRequest("POST", s.base+"/api/leads", strings.NewReader(`{"openid":"new-lead","buildings":["5"]}`))
	req.Header.Set("Authorization", "Bearer "+e2eAdmin)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("add lead: %v %v", resp, err)
	}
	waitTags("new-lead", "楼栋长")
	if code, body := s.admin("DELETE", "/api/leads/new-lead"); code != 200 && code != 204 {
		t.Fatalf("remove lead: %d %s", code, body)
	}
	waitTags("new-lead")
	// The lead's menu button answers as the word does.
	s.msgID++
	got := s.send(true, wxsign.EventXML("gh_e2e", "e2e-lead-3", "CLICK", "BG_SUMMARY", s.now()))
	must(t, "楼栋汇总 button", got, "3栋")
}

// TestOfficeReadsWhyANoticeFailed: a resident unfollowed the account
// between their order and its delivery; WeChat refuses the delivery
// notice (43004). The console's 消息 page lists it as a 送达 notice that
// could not be sent because they unfollowed, in words, with the code, and
// without WeChat's English; the admin API gives the same words.
func TestOfficeReadsWhyANoticeFailed(t *testing.T) {
	s := reachService(t, shAt(t, "2026-11-30 10:00:00"), "vol-a", "")
	s.say(true, "zhang", "绑定 3栋2单元501")
	idOf(t, s.say(true, "zhang", "蔬菜包2份"))
	s.api.Unfollow("zhang")
	must(t, "送达", s.say(true, "e2e-lead-3", "送达 3栋"), "已确认送达")
	office := s.signInAs("e2e-admin")
	var page string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		code, path, body := office.get("/admin/notices")
		if code != 200 || path != "/admin/notices" {
			t.Fatalf("notices page: %d %s %s", code, path, body)
		}
		if page = body; strings.Contains(page, "对方没关注公众号（可能已取消），请打电话告诉他（错误43004）") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the failed notice is not on the 消息 page with its reason:\n%s", page)
		}
	}
	_, dead, ok := strings.Cut(page, `id="dead"`)
	if !ok {
		t.Fatalf("no dead letters section:\n%s", page)
	}
	if !strings.Contains(dead, "送达") || strings.Contains(dead, "errmsg") || strings.Contains(dead, "require subscribe") {
		t.Errorf("the failed notice's row:\n%s", dead)
	}
	// The admin API gives the same words beside the raw error.
	if _, body := s.admin("GET", "/api/notices"); !strings.Contains(string(body), `"reason":"对方没关注公众号（可能已取消），请打电话告诉他（错误43004）"`) {
		t.Errorf("/api/notices without the reason: %s", body)
	}
}

// TestStartChecksTheTemplates: the config names a roster template the
// account does not have and a delivery template from the library whose
// fields are not the five baogong fills by default. At start the service
// compares them with the account's list and tells the office what to fix.
func TestStartChecksTheTemplates(t *testing.T) {
	s := reachService(t, shAt(t, "2026-11-30 10:00:00"), "vol-a", "  templates: {roster: tpl-gone, delivery: tpl-lib}\n",
		func(api *fakewechat.API) { api.AddTemplateFields("tpl-lib", "thing3", "time5") })
	// Held for the admin's next message, or pushed once it opened their
	// window: whichever came first.
	got := s.say(true, "e2e-admin", "你好")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(got, "【模板消息设置有误】"); time.Sleep(50 * time.Millisecond) {
		for _, m := range s.api.SentTo("e2e-admin") {
			if strings.Contains(m.Text, "【模板消息设置有误】") {
				got = m.Text
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no word of the templates to the office:\n%s", got)
		}
	}
	must(t, "the office's word", got, "公众号里没有模板ID tpl-gone（用于排班通知）", "模板 tpl-lib（用于送达通知）没有字段 thing1",
		"这个模板的字段是：thing3、time5", "wechat.template_fields.tpl-lib")
}
