package fakewechat

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/material"
	"github.com/silenceper/wechat/v2/officialaccount/menu"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// at moves the fake's clock to t until the test ends.
func at(t *testing.T, now *time.Time) {
	t.Helper()
	api.Clock = func() time.Time { return *now }
	t.Cleanup(func() { api.Clock = nil })
}

func hear(body string) { api.Hear([]byte(body)) }

func textFrom(user string) string {
	return "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[" + user +
		"]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>1</MsgId></xml>"
}

func eventFrom(user, event string) string {
	return "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[" + user +
		"]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event + "]]></Event></xml>"
}

// TestWindowAndBudget: WeChat's customer-service rules, by default.
func TestWindowAndBudget(t *testing.T) {
	oa := fresh(t)
	now := time.Now()
	at(t, &now)

	wantErrcode(t, sendText(oa, "stranger", "x"), 45015) // never wrote

	hear(textFrom("writer"))
	for i := range MessageBudget {
		if err := sendText(oa, "writer", "x"); err != nil {
			t.Fatalf("message %d of the budget: %v", i+1, err)
		}
	}
	wantErrcode(t, sendText(oa, "writer", "x"), 45047)
	hear(textFrom("writer")) // writing again renews the budget
	if err := sendText(oa, "writer", "x"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(MessageWindow + time.Second)
	wantErrcode(t, sendText(oa, "writer", "x"), 45015)

	// A click opens a minute for three.
	hear(eventFrom("clicker", "CLICK"))
	for range EventBudget {
		if err := sendText(oa, "clicker", "x"); err != nil {
			t.Fatal(err)
		}
	}
	wantErrcode(t, sendText(oa, "clicker", "x"), 45047)
	hear(eventFrom("clicker2", "subscribe"))
	now = now.Add(EventWindow + time.Second)
	wantErrcode(t, sendText(oa, "clicker2", "x"), 45015)

	// A click does not shorten a message's window; opening a link
	// (VIEW) opens none.
	hear(textFrom("both"))
	hear(eventFrom("both", "CLICK"))
	if api.Budget("both") != MessageBudget {
		t.Errorf("budget after a message and a click: %d", api.Budget("both"))
	}
	hear(eventFrom("viewer", "VIEW"))
	if api.Budget("viewer") != 0 {
		t.Error("a VIEW opened a window")
	}
	// Unfollowed: 43004.
	hear(textFrom("gone"))
	hear(eventFrom("gone", "unsubscribe"))
	wantErrcode(t, sendText(oa, "gone", "x"), 43004)

	codes := map[int]int{}
	for _, r := range api.Refusals() {
		codes[r.ErrCode]++
	}
	if codes[45015] != 3 || codes[45047] != 2 || codes[43004] != 1 {
		t.Errorf("refusals %v", codes)
	}
}

// TestTemplateRules: a template needs a known id, short fields and a
// follower; a repeated client_msg_id is shown once.
func TestTemplateRules(t *testing.T) {
	oa := fresh(t)
	send := func(id, cmid string, data map[string]string) error {
		d := map[string]*message.TemplateDataItem{}
		for k, v := range data {
			d[k] = &message.TemplateDataItem{Value: v}
		}
		_, err := oa.GetTemplate().Send(&message.TemplateMessage{ToUser: "nobody-wrote", TemplateID: id, Data: d, ClientMsgID: cmid})
		return err
	}
	wantErrcode(t, send("unknown", "", nil), 40037)
	api.AddTemplate("known")
	if err := send("known", "c1", map[string]string{"thing1": strings.Repeat("字", 20), "phrase3": "已送达"}); err != nil {
		t.Fatal(err)
	}
	if err := send("known", "c1", map[string]string{"thing1": "again"}); err != nil {
		t.Fatal(err)
	}
	if n := len(api.SentTo("nobody-wrote")); n != 1 {
		t.Errorf("a repeated client_msg_id was shown %d times", n)
	}
	wantErrcode(t, send("known", "", map[string]string{"thing1": strings.Repeat("字", 21)}), 47003)
	wantErrcode(t, send("known", "", map[string]string{"phrase3": "送达了2次"}), 47003)
	wantErrcode(t, send("known", "", map[string]string{"character_string5": "订单1"}), 47003)
	api.Unfollow("nobody-wrote")
	wantErrcode(t, send("known", "", nil), 43004)
}

// TestMediaExpires: what a person sent can be downloaded for three days;
// an uploaded voice can be sent as a voice message.
func TestMediaExpires(t *testing.T) {
	oa := fresh(t)
	now := time.Now()
	at(t, &now)
	hear(`<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[elder]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[V1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[]]></Recognition><MsgId>77</MsgId></xml>`)
	tok, _ := oa.GetAccessToken()
	get := func() []byte {
		resp, err := http.Get(srv.URL + PathMediaGet + "?access_token=" + tok + "&media_id=V1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	if b := get(); !bytes.HasPrefix(b, []byte("#!AMR\n")) {
		t.Fatalf("voice: %q", b)
	}
	now = now.Add(MediaLife + time.Second)
	if b := get(); !bytes.Contains(b, []byte("40007")) {
		t.Fatalf("expired voice: %q", b)
	}

	m, err := oa.GetMaterial().MediaUploadFromReader(material.MediaTypeVoice, "v.amr", bytes.NewReader([]byte("#!AMR\nxx")))
	if err != nil {
		t.Fatal(err)
	}
	hear(textFrom("lead"))
	if err := oa.GetCustomerMessageManager().Send(message.NewCustomerVoiceMessage("lead", m.MediaID)); err != nil {
		t.Fatal(err)
	}
	s := api.SentTo("lead")
	if len(s) != 1 || s[0].MediaID != m.MediaID {
		t.Fatalf("sent %+v", s)
	}
	if b, ok := api.Media(m.MediaID); !ok || string(b) != "#!AMR\nxx" {
		t.Errorf("uploaded %q", b)
	}
	wantErrcode(t, oa.GetCustomerMessageManager().Send(message.NewCustomerVoiceMessage("lead", "nope")), 40007)
}

// TestTagsAndConditionalMenus: tags, tagging in batches of 50, and menus
// by tag (which need the default menu).
func TestTagsAndConditionalMenus(t *testing.T) {
	oa := fresh(t)
	u := oa.GetUser()
	tag, err := u.CreateTag("志愿者")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.CreateTag("志愿者"); err == nil {
		t.Error("a tag name twice")
	}
	if err := u.BatchTag([]string{"v1", "v2"}, tag.ID); err != nil {
		t.Fatal(err)
	}
	if err := u.BatchUntag([]string{"v2"}, tag.ID); err != nil {
		t.Fatal(err)
	}
	if got := api.TagsOf("v1"); len(got) != 1 || got[0] != "志愿者" || len(api.TagsOf("v2")) != 0 {
		t.Errorf("tags %v %v", got, api.TagsOf("v2"))
	}
	many := make([]string, 51)
	for i := range many {
		many[i] = "x"
	}
	if err := u.BatchTag(many, tag.ID); err == nil {
		t.Error("51 openids tagged at once")
	}
	// silenceper's MatchRule lacks tag_id (WeChat's name): JSON it is.
	cond := `{"button":[{"type":"click","name":"任务","key":"BG_TASKS"}],"matchrule":{"tag_id":"100"}}`
	if err := oa.GetMenu().AddConditionalByJSON(cond); err == nil || !strings.Contains(err.Error(), "65303") {
		t.Fatalf("conditional without the default menu: %v", err)
	}
	if err := oa.GetMenu().SetMenu([]*menu.Button{menu.NewClickButton("任务", "BG_TASKS")}); err != nil {
		t.Fatal(err)
	}
	if err := oa.GetMenu().AddConditionalByJSON(cond); err != nil {
		t.Fatal(err)
	}
	if c := api.ConditionalMenus(); len(c) != 1 || c[0].TagID != "100" {
		t.Errorf("conditional menus %+v", c)
	}
}

// TestTemplateTypesAsWeChat: a name field takes only Chinese or only
// letters (no digits); a date field takes a date with its time.
func TestTemplateTypesAsWeChat(t *testing.T) {
	oa := fresh(t)
	api.AddTemplateFields("lib", "name1", "date2")
	send := func(data map[string]string) error {
		d := map[string]*message.TemplateDataItem{}
		for k, v := range data {
			d[k] = &message.TemplateDataItem{Value: v}
		}
		_, err := oa.GetTemplate().Send(&message.TemplateMessage{ToUser: "oUser1", TemplateID: "lib", Data: d})
		return err
	}
	if err := send(map[string]string{"name1": "张三", "date2": "2026年11月24日 07:00"}); err != nil {
		t.Errorf("a date with its time: %v", err)
	}
	wantErrcode(t, send(map[string]string{"name1": "3号楼", "date2": "2026年11月24日"}), 47003)
}
