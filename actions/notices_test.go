package actions

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/golden"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/wechat"
)

// TestNoticeGolden renders every notice the actions send into
// testdata/notices, beside the bot's replies (bot/testdata/replies): a
// reviewer reads what people are told without asking in one folder. Run
// with -update after changing notices.go, and read the diff.
func TestNoticeGolden(t *testing.T) {
	at := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	placed := orders.Order{
		ID: "1001", Address: orders.Address{Building: "3", Unit: "2", Room: "501"},
		Lines: []orders.Line{
			{SKU: "VEG-A", Name: "蔬菜包", Qty: 2, Unit: "份", PriceFen: 5000},
			{SKU: "MED-IBU", Name: "布洛芬缓释胶囊", Qty: 1, Unit: "盒", PriceFen: 2850},
		},
		TotalFen: 12850, Status: orders.StatusPending, CreatedAt: at, Day: "2026-11-24",
	}
	rx := placed
	rx.Status = orders.StatusAwaitingRx
	rx.Lines = []orders.Line{
		{SKU: "VEG-A", Name: "蔬菜包", Qty: 1, Unit: "份", PriceFen: 5000},
		{SKU: "MED-INSULIN", Name: "胰岛素注射液", Qty: 2, Unit: "支", PriceFen: 6800},
	}
	rx.TotalFen = 18600
	insulin := rx.Lines[1:]
	photo := rx
	photo.Status = orders.StatusPending
	photo.Rx = &orders.Prescription{MediaID: "media-1", Photo: "rx:1001"}
	u := placed
	u.ID, u.Urgent, u.Grid = "1005", true, "G1"
	u.Lines = []orders.Line{{SKU: "MED-INSULIN", Name: "胰岛素注射液", Qty: 1, Unit: "支", PriceFen: 6800}}
	u.TotalFen = 6800
	// A template shows the brief in its fields, as WeChat gets them.
	tmpl := func(b *orders.Brief) string {
		j, _ := json.MarshalIndent(wechat.TemplateFields(*b, at, time.UTC), "", "  ")
		return string(j)
	}
	five := orders.Address{Building: "5", Unit: "1", Room: "302"}
	req := orders.BindRequest{Code: "4821", Address: placed.Address}
	app := orders.Application{Code: "3721", Address: placed.Address, Grid: "G1", Name: "林师傅", Phone: "13800001111"}
	notices := map[string]string{
		"bind_ask_members":            textBindAskMembers(req),
		"bind_ask_lead":               textBindAskLead(req, false, false),
		"bind_ask_lead_too":           textBindAskLead(req, true, false),
		"bind_ask_lead_known":         textBindAskLead(req, false, true),
		"bind_approved_notice":        textBindApprovedNotice(placed.Address, 30),
		"bind_refused_notice":         textBindRefusedNotice(placed.Address),
		"removed_notice":              textRemovedNotice(placed.Address),
		"cancelled_notice":            textCancelledNotice(placed, byMember),
		"cancelled_notice_lead":       textCancelledNotice(placed, byLead),
		"changed_notice":              textChangedNotice(placed),
		"urgent_cancelled":            textUrgentCancelled(placed),
		"help_push":                   textCryPush(&placed.Address, nil, "救命 我爸心脏病药吃完了", false),
		"help_push_more":              textCryPush(&placed.Address, nil, "老伴晕倒了 叫不醒", true),
		"help_push_neighbour":         textCryPush(&placed.Address, []orders.Address{orders.Address{Building: "3", Unit: "2", Room: "502"}}, "救命 楼下502的老人晕倒了", false),
		"help_push_unbound":           textCryPush(nil, []orders.Address{orders.Address{Building: "3", Unit: "2", Room: "502"}}, "救命！3栋2单元502有人喘不上气", false),
		"help_push_unbound_more":      textCryPush(nil, nil, "老人摔倒了 起不来", true),
		"help_push_fire":              textForFire(textCryPush(&placed.Address, nil, "着火了", false)),
		"voice_help_push":             textCryPush(&placed.Address, nil, "【语音】救命，我爸心脏病药吃完了\n（语音转的文字，可能有错字）", false),
		"console_cancelled_notice":    textCancelledByStaffNotice(placed, "住户已转运，不需要了"),
		"resident_delivered_notice":   textDeliveredNotice(placed),
		"resident_delivered_template": tmpl(deliveredBrief(placed)),
		"rx_awaiting_notice":          textRxAwaitingNotice(rx, insulin),
		"rx_pharmacy_photo":           textRxPhotoNotice(photo, insulin, "https://bg.example.com/m/rx:1001?exp=1764000000&sig=4f1c"),
		"rx_pharmacy_no_photo":        textRxPhotoNotice(photo, insulin, ""),
		"voice_passed_lead":           textVoicePassed(placed.Address, "https://bg.example.com/m/voice:m:1?exp=1&sig=x", true),
		"voice_passed_team":           textVoicePassed(placed.Address, "https://bg.example.com/m/voice:m:1?exp=1&sig=x", false),
		"voice_template":              tmpl(voiceBrief(placed.Address)),
		"rx_approved_notice":          textRxApprovedNotice(rx),
		"rx_rejected_notice":          textRxRejectedNotice(rx, "照片看不清，请重拍处方"),
		"resident_claimed_notice":     textClaimedNotice(u, textVolunteerOf(five)),
		"resident_claimed_unbound":    textClaimedNotice(u, textCommunityVolunteer),
		"resident_claimed_template":   tmpl(claimedBrief(u, textVolunteerOf(five))),
		"resident_claimed_named":      textClaimedNotice(u, textVolunteerNamed("林师傅")),
		// The office noted them as 志愿者老赵: said once.
		"resident_claimed_titled": textClaimedNotice(u, textVolunteerNamed("志愿者老赵")),
		"volunteer_application":   textApplication(app),
		"volunteer_welcome":       textWelcomeVolunteer("G1"),
		"urgent_more":             textUrgentMore(u),
		"urgent_cry_again":        textUrgentCryAgain(u, false),
		"urgent_cry_again_holder": textUrgentCryAgain(u, true),
		"help_push_relayed":       textCryRelayed("接龙第2条", []orders.Address{{Building: "3", Unit: "2", Room: "502"}}, "2. 李 3-2-502 救命 老人晕倒了喘不上气"),
		"goods_ready":             textGoodsReady("新义超市", "2026-11-24"),
	}
	// Notices are read on phones: keep them short.
	golden.Texts(t, filepath.Join("testdata", "notices"), notices, 400)
}
