package outbox

import (
	"context"
	"strings"
	"testing"
)

// TestCheckTemplates: a template the account lacks and one without the
// fields baogong fills are problems, told to staff once; a template that
// fits is not.
func TestCheckTemplates(t *testing.T) {
	e := newWXEnv(t, "")
	e.box.Staff = []string{"staff-1"}
	e.box.Templates = map[string]string{"roster": "tpl-gone", "delivery": "tpl-lib", "urgent": "tpl-lib", "picklist": "tpl-ok"}
	have := map[string][]string{
		"tpl-lib": {"thing3", "time5"},
		"tpl-ok":  {"thing1", "thing2", "phrase3", "time4", "character_string5"},
	}
	fill := map[string][]string{}
	for _, id := range []string{"tpl-gone", "tpl-lib", "tpl-ok"} {
		fill[id] = []string{"thing1", "thing2", "phrase3", "time4", "character_string5"}
	}
	got := e.box.CheckTemplates(context.Background(), have, fill)
	if len(got) != 2 || !strings.Contains(got[0], "公众号里没有模板ID tpl-gone（用于排班通知）") ||
		!strings.Contains(got[1], "模板 tpl-lib（用于送达、急需通知）没有字段 thing1、thing2、phrase3、time4、character_string5") ||
		!strings.Contains(got[1], "这个模板的字段是：thing3、time5") || !strings.Contains(got[1], "wechat.template_fields.tpl-lib") {
		t.Fatalf("problems %q", got)
	}
	if n := e.pending(); n != 1 {
		t.Fatalf("%d notices to staff, want 1", n)
	}
	// The same problems at the next start: staff were told already.
	e.box.CheckTemplates(context.Background(), have, fill)
	if n := e.pending(); n != 1 {
		t.Errorf("told again: %d pending", n)
	}
	// Fixed: nothing to say.
	fill["tpl-lib"] = []string{"thing3", "time5"}
	have["tpl-gone"] = fill["tpl-gone"]
	if got := e.box.CheckTemplates(context.Background(), have, fill); len(got) != 0 {
		t.Errorf("problems %q after the fix", got)
	}
}
