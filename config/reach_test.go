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
