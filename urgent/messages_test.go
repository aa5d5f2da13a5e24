package urgent

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/golden"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// TestMessagesGolden renders every text the protocol sends into testdata,
// so a reviewer reads what the team and the admins see. Run with -update
// after changing messages.go, and read the diff.
func TestMessagesGolden(t *testing.T) {
	o := orders.Order{ID: "1005", Grid: "G1", Urgent: true, Status: orders.StatusPending,
		Address: orders.Address{Building: "3", Unit: "2", Room: "501"},
		Lines:   []orders.Line{{SKU: "MED-INSULIN", Name: "胰岛素注射液", Qty: 1, Unit: "支", PriceFen: 6800}}}
	proxy := o
	proxy.Address.Room, proxy.Contact = "502", "13900001111"
	alone := []orders.Mark{orders.MarkAlone}
	voice := o
	voice.Channel = orders.ChannelVoice
	// A template shows the brief in its fields, as WeChat gets them.
	tmpl := func(b *orders.Brief) string {
		j, _ := json.MarshalIndent(wechat.TemplateFields(*b, time.Date(2026, 11, 24, 20, 30, 0, 0, time.UTC), time.UTC), "", "  ")
		return string(j)
	}
	golden.Texts(t, "testdata", map[string]string{
		"push":                PushText(o, alone),
		"push_no_wechat":      PushText(proxy, nil),
		"push_template":       tmpl(brief(o, false)),
		"push_voice":          PushText(voice, nil),
		"push_voice_template": tmpl(brief(voice, false)),
		"no_team":             escalationText(proxy, alone, 0, true),
		"unclaimed":           escalationText(proxy, alone, 31*time.Minute, false),
		"escalation_template": tmpl(brief(o, true)),
		"unreached":           unreachedText(proxy, alone),
	}, 0)
}
