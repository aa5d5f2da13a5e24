package config

import (
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// TestTemplatesAndASR: a template per kind of notice, delivery_template_id
// standing for templates.delivery, typos and bad values named by key.
func TestTemplatesAndASR(t *testing.T) {
	base := strings.Replace(good, "token: t}", "token: t, delivery_template_id: tpl-old, templates: {roster: tpl-r, urgent: \" tpl-u \"}}", 1)
	c, err := Parse([]byte(base+"asr: {url: \"http://127.0.0.1:8178\", timeout: 1500ms}\n"), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	ids := c.WeChat.TemplateIDs()
	if ids[orders.TplDelivery] != "tpl-old" || ids[orders.TplRoster] != "tpl-r" || ids[orders.TplUrgent] != "tpl-u" || len(ids) != 3 {
		t.Errorf("template ids %v", ids)
	}
	if c.ASR.URL != "http://127.0.0.1:8178" || c.ASR.ASRTimeout() != 1500*time.Millisecond {
		t.Errorf("asr %+v", c.ASR)
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"a kind that does not exist", strings.Replace(good, "token: t}", "token: t, templates: {rosters: x}}", 1), "wechat.templates.rosters (line 1): unknown key (did you mean roster?)"},
		{"two names, two ids", strings.Replace(good, "token: t}", "token: t, delivery_template_id: a, templates: {delivery: b}}", 1), "wechat.templates.delivery"},
		{"not an id", strings.Replace(good, "token: t}", "token: t, templates: {digest: \"https://x/y\"}}", 1), "wechat.templates.digest"},
		{"asr url", good + "asr: {url: \"whisper\"}\n", "asr.url"},
		{"asr timeout", good + "asr: {url: \"http://x\", timeout: 10s}\n", "asr.timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// TestTemplateFields: a template whose fields are not the default five is
// described by id; a field that cannot hold its part, a name that is not
// a field, an id of no configured template and a layout of nothing are
// named by key.
func TestTemplateFields(t *testing.T) {
	with := func(fields string) string {
		return strings.Replace(good, "token: t}", "token: t, templates: {roster: tpl-r}, template_fields: {"+fields+"}}", 1)
	}
	c, err := Parse([]byte(with(`tpl-r: {what: thing3, where: thing7, status: phrase2, time: date5, ref: character_string9}`)), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if l := c.WeChat.Layouts()["tpl-r"]; l.What != "thing3" || l.Where != "thing7" || l.Status != "phrase2" || l.Time != "date5" || l.Ref != "character_string9" {
		t.Errorf("layout %+v", l)
	}
	if c, err := Parse([]byte(with(`tpl-r: {what: thing1, time: time2}`)), func(string) string { return "" }); err != nil || c.WeChat.Layouts()["tpl-r"].Ref != "" {
		t.Errorf("a template without an order number: %v", err)
	}
	if _, err := Parse([]byte(with(`tpl-r: {what: keyword1, where: keyword2, time: keyword3}`)), func(string) string { return "" }); err != nil {
		t.Errorf("an old template's keyword fields: %v", err)
	}
	for _, tc := range []struct{ name, fields, want string }{
		{"a time in a thing", `tpl-r: {what: thing1, time: thing4}`, "wechat.template_fields.tpl-r.time (line 1): thing4 is a thing field; time goes in a time or date or keyword field"},
		{"not a field", `tpl-r: {what: "{{thing1.DATA}}"}`, "wechat.template_fields.tpl-r.what"},
		{"no such template", `tpl-x: {what: thing1}`, "wechat.template_fields.tpl-x (line 1): names no template"},
		{"nothing", `tpl-r: {}`, "wechat.template_fields.tpl-r.what: missing"},
		{"no what", `tpl-r: {time: time2}`, "wechat.template_fields.tpl-r.what: missing"},
		{"one field, two parts", `tpl-r: {what: thing3, where: thing3}`, "wechat.template_fields.tpl-r.where (line 1): thing3 shows what already"},
		{"a name (no digits there)", `tpl-r: {what: thing1, where: name2}`, "where goes in a thing or keyword field"},
		{"a number", `tpl-r: {what: thing1, ref: number2}`, "ref goes in a character_string or keyword field"},
		{"a typo", `tpl-r: {whta: thing1}`, "did you mean what?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(with(tc.fields)), func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}
