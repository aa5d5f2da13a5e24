package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
)

// image sends a photo from user, as WeChat posts it.
func (e *env) image(user, picURL, mediaID string) string {
	e.t.Helper()
	return e.reply(wxsign.ImageXML(officialID, user, picURL, mediaID, e.msgID.Add(1), time.Now()))
}

// newest returns the household's newest order.
func (e *env) newest(t *testing.T, household string) orders.Order {
	t.Helper()
	list, err := e.store.HouseholdOrders(context.Background(), household, 1)
	if err != nil || len(list) == 0 {
		t.Fatalf("orders of %s: %v %v", household, list, err)
	}
	return list[0]
}

// pharmacyList is the pharmacy's pick list of the env's day.
func (e *env) pharmacyList(t *testing.T) orders.PickList {
	t.Helper()
	day := orders.Day(e.now, shanghai)
	all, err := e.store.Orders(context.Background(), orders.Filter{Day: day})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range orders.BuildPickLists(e.bot.Catalog, all, day) {
		if p.Supplier == "ph-renmin" {
			return p
		}
	}
	t.Fatal("no pharmacy list")
	return orders.PickList{}
}

const pharmacist = "ph-renmin-boss" // ph-renmin's contact in testdata/catalog.yaml

// TestRxPhotoSendsOrderToPharmacy: an insulin order waits for a photo,
// off the pick list and the lead's 送达, until the resident sends one.
func TestRxPhotoSendsOrderToPharmacy(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.wrote(pharmacist)
	u := "rx-resident"
	e.say(u, "绑定 3栋2单元501")
	got := e.say(u, "胰岛素2支 蔬菜包1份")
	o := e.newest(t, "3-2-501")
	if o.Status != orders.StatusAwaitingRx {
		t.Fatalf("order is %s, want awaiting_rx", o.Status)
	}
	if want := textPlacedRx(o, orders.RxLines(e.bot.Catalog, o.Lines)); got != want {
		t.Errorf("reply\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(got, "胰岛素注射液是处方药") || !strings.Contains(got, "订单号 "+o.ID) {
		t.Errorf("reply does not ask for the prescription: %s", got)
	}
	if left, _ := e.store.StockLeft(ctx); left["MED-INSULIN"] != 38 || left["VEG-A"] != 299 {
		t.Errorf("stock not reserved: %v", left)
	}
	if list := e.say(u, "我的订单"); !strings.Contains(list, o.ID+"【待审核】") {
		t.Errorf("my orders: %s", list)
	}
	// Not packed, not delivered, not on anyone's pick list.
	if p := e.pharmacyList(t); !p.Empty() || len(p.Rx) != 0 {
		t.Errorf("awaiting order on the pick list: %+v", p)
	}
	if got := e.say("lead-3", "送达 3栋"); got != textDeliverNothing("3栋") {
		t.Errorf("送达 while awaiting: %s", got)
	}
	if got := e.say("lead-3", "送达 "+o.ID); got != textDeliverNothing("订单 "+o.ID) {
		t.Errorf("送达 by id while awaiting: %s", got)
	}

	// The photo.
	if got := e.image(u, "http://mmbiz.qpic.cn/rx/501.jpg", "media-501"); got != textRxPhotoReceived([]orders.Order{o}) {
		t.Errorf("photo reply: %s", got)
	}
	o, _ = e.store.Order(ctx, o.ID)
	// The photo is kept by baogong (WeChat's expires in three days, and
	// its URL is readable by anyone): WeChat's URL is nowhere.
	if o.Status != orders.StatusPending || o.Rx == nil || o.Rx.Photo != "rx:"+o.ID || o.Rx.PicURL != "" || o.Rx.MediaID != "media-501" {
		t.Fatalf("after photo: %s %+v", o.Status, o.Rx)
	}
	kept, ct, err := e.store.Media(ctx, o.Rx.Photo)
	if want, _ := fake.Media("media-501"); err != nil || ct != "image/jpeg" || string(kept) != string(want) {
		t.Fatalf("kept photo: %q %q %v", kept, ct, err)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	sent := fake.SentTo(pharmacist)
	if len(sent) != 1 {
		t.Fatalf("pharmacy told %d times: %+v", len(sent), sent)
	}
	for _, want := range []string{"订单" + o.ID, "https://bg.example/m/rx:" + o.ID, "胰岛素注射液2支", "审核 " + o.ID + " 通过", "审核 " + o.ID + " 驳回"} {
		if !strings.Contains(sent[0].Text, want) {
			t.Errorf("pharmacy notice lacks %q:\n%s", want, sent[0].Text)
		}
	}
	if strings.Contains(sent[0].Text, "蔬菜包") || strings.Contains(sent[0].Text, "mmbiz") {
		t.Errorf("pharmacy told of groceries: %s", sent[0].Text)
	}
	p := e.pharmacyList(t)
	if len(p.Totals) != 1 || p.Totals[0].SKU != "MED-INSULIN" || p.Totals[0].Qty != 2 {
		t.Errorf("pharmacy totals %+v", p.Totals)
	}
	if len(p.Rx) != 1 || p.Rx[0].OrderID != o.ID || p.Rx[0].Photo != "rx:"+o.ID || p.Rx[0].PicURL != "" || p.Rx[0].Address.Room != "501" {
		t.Errorf("pick list prescription %+v", p.Rx)
	}
	// A second photo finds nothing awaiting; now the order is delivered.
	if got := e.image(u, "http://x/2.jpg", "media-2"); got != textRxNoOrder {
		t.Errorf("second photo: %s", got)
	}
	if got := e.say("lead-3", "送达 3栋"); !strings.Contains(got, "1户 1单") {
		t.Errorf("送达 after photo: %s", got)
	}
}

func TestRxImageWithoutOrder(t *testing.T) {
	e := newEnv(t, nil)
	if got := e.image("stranger", "http://x/1.jpg", "m1"); got != textRxNoOrder {
		t.Errorf("unbound: %s", got)
	}
	e.say("rx-plain", "绑定 5栋1单元101")
	e.say("rx-plain", "蔬菜包1份")
	if got := e.image("rx-plain", "http://x/2.jpg", "m2"); got != textRxNoOrder {
		t.Errorf("no awaiting order: %s", got)
	}
	if o := e.newest(t, "5-1-101"); o.Status != orders.StatusPending || o.Rx != nil {
		t.Errorf("a plain order took the photo: %s %+v", o.Status, o.Rx)
	}
}

func TestRxReview(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.bot.Community.Admins = []string{"admin-1"}
	ob, fake := e.withOutbox(t)
	u := "rx-zhang"
	e.say(u, "绑定 3栋2单元501")
	e.say(u, "胰岛素1支")
	first := e.newest(t, "3-2-501")

	// Residents, other buildings' leads and a supermarket cannot review.
	if got := e.say(u, "审核 "+first.ID+" 通过"); got != textRxOnly {
		t.Errorf("resident: %s", got)
	}
	if got := e.say("lead-68", "审核 "+first.ID+" 通过"); got != textRxOnly {
		t.Errorf("other lead: %s", got)
	}
	if got := e.say(pharmacist, "审核 "+first.ID); got != textRxHowTo {
		t.Errorf("no verdict: %s", got)
	}
	if got := e.say(pharmacist, "审核 99999 通过"); got != textRxNoSuchOrder("99999") {
		t.Errorf("unknown order: %s", got)
	}
	if o, _ := e.store.Order(ctx, first.ID); o.Status != orders.StatusAwaitingRx {
		t.Fatalf("refused reviews changed the order: %s", o.Status)
	}

	// The pharmacy approves without a photo.
	got := e.say(pharmacist, "审核 "+first.ID+" 通过")
	o, _ := e.store.Order(ctx, first.ID)
	if got != textRxApproved(o, true) {
		t.Errorf("approve: %s", got)
	}
	if o.Status != orders.StatusPending || o.Rx.By != pharmacist || o.Rx.Note != "人民大药房" || o.Rx.At.IsZero() {
		t.Errorf("approved order: %s %+v", o.Status, o.Rx)
	}
	if got := e.say(pharmacist, "审核 "+first.ID+" 通过"); got != textRxAlreadyApproved(first.ID) {
		t.Errorf("approve twice: %s", got)
	}
	if p := e.pharmacyList(t); len(p.Rx) != 1 || p.Rx[0].ApprovedBy != pharmacist || p.Rx[0].Note != "人民大药房" {
		t.Errorf("pick list prescription %+v", p.Rx)
	}

	// The lead rejects the second with a reason: cancelled, stock back.
	e.say(u, "蔬菜包1份 胰岛素1支")
	second := e.newest(t, "3-2-501")
	if left, _ := e.store.StockLeft(ctx); left["MED-INSULIN"] != 38 {
		t.Fatalf("insulin left %d, want 38", left["MED-INSULIN"])
	}
	if got := e.say("lead-3", "审核 "+second.ID+" 驳回"); got != textRxRejectWhy(second.ID) {
		t.Errorf("reject without reason: %s", got)
	}
	got = e.say("lead-3", "审核 "+second.ID+" 驳回 处方过期了，请找医院开新的")
	o, _ = e.store.Order(ctx, second.ID)
	if got != textRxRejected(o, "处方过期了，请找医院开新的", true) {
		t.Errorf("reject: %s", got)
	}
	if o.Status != orders.StatusCancelled || o.Rx.By != "lead-3" || o.Rx.Note != "处方过期了，请找医院开新的" ||
		!strings.Contains(o.History[len(o.History)-1].Note, "处方过期了") {
		t.Errorf("rejected order: %s %+v %+v", o.Status, o.Rx, o.History)
	}
	if left, _ := e.store.StockLeft(ctx); left["MED-INSULIN"] != 39 || left["VEG-A"] != 300 {
		t.Errorf("stock after rejection: %v", left)
	}
	if got := e.say("lead-3", "审核 "+second.ID+" 驳回 再来"); got != textRxTooLate(o) {
		t.Errorf("reject twice: %s", got)
	}

	// An admin approves a third; a plain order needs no review.
	e.say(u, "胰岛素1支")
	third := e.newest(t, "3-2-501")
	if got := e.say("admin-1", "审核 "+third.ID+" 同意 已电话核实"); !strings.HasPrefix(got, "已审核通过订单 "+third.ID) {
		t.Errorf("admin approve: %s", got)
	}
	if o, _ := e.store.Order(ctx, third.ID); o.Status != orders.StatusPending || o.Rx.Note != "社区：已电话核实" {
		t.Errorf("admin-approved order: %s %+v", o.Status, o.Rx)
	}
	e.say(u, "鸡蛋1盒")
	plain := e.newest(t, "3-2-501")
	if got := e.say("lead-3", "审核 "+plain.ID+" 通过"); got != textRxNotRx(plain.ID) {
		t.Errorf("plain order: %s", got)
	}

	// The resident heard each step.
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, s := range fake.SentTo(u) {
		texts = append(texts, s.Text)
	}
	all := strings.Join(texts, "\n---\n")
	for _, want := range []string{
		"订单" + first.ID + "（胰岛素注射液1支）的处方已审核通过",
		"订单" + second.ID + "（蔬菜包1份、胰岛素注射液1支）的处方没有通过审核：处方过期了，请找医院开新的",
		"订单" + third.ID + "（胰岛素注射液1支）的处方已审核通过",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("resident was not told %q:\n%s", want, all)
		}
	}
	// Told at once, the three go as one message (WeChat allows few).
	if len(texts) != 1 || !strings.HasPrefix(texts[0], "【3条通知】") {
		t.Errorf("resident got %d messages, want the three notices in one:\n%s", len(texts), all)
	}
}

func TestRxResidentCancels(t *testing.T) {
	e := newEnv(t, nil)
	u := "rx-cancel"
	e.say(u, "绑定 3栋2单元502")
	e.say(u, "胰岛素2支")
	o := e.newest(t, "3-2-502")
	if got := e.say(u, "取消"); !strings.Contains(got, o.ID) {
		t.Errorf("cancel which: %s", got)
	}
	if got := e.say(u, "取消 "+o.ID); !strings.HasPrefix(got, "已取消订单 "+o.ID) {
		t.Errorf("cancel: %s", got)
	}
	if left, _ := e.store.StockLeft(context.Background()); left["MED-INSULIN"] != 40 {
		t.Errorf("insulin left %d, want 40", left["MED-INSULIN"])
	}
}

// TestRxLeadPaste: a lead's line with insulin waits for a photo too; the
// household is told, and a changed line replaces the waiting order.
func TestRxLeadPaste(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.say("rx-li", "绑定 3栋2单元501")
	got := e.say("lead-3", "#接龙 药\n1. 3-2-501 胰岛素1支\n2. 3-2-502 蔬菜包1份")
	o := e.newest(t, "3-2-501")
	if o.Status != orders.StatusAwaitingRx || o.Channel != orders.ChannelJielong {
		t.Fatalf("pasted insulin: %s %s", o.Status, o.Channel)
	}
	if !strings.Contains(got, "处方药要审核：3栋2单元501（订单"+o.ID+"）") {
		t.Errorf("paste reply:\n%s", got)
	}
	if veg := e.newest(t, "3-2-502"); veg.Status != orders.StatusPending {
		t.Errorf("groceries: %s", veg.Status)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("rx-li"); len(sent) != 1 || !strings.Contains(sent[0].Text, "楼栋长为您家登记了订单"+o.ID) || !strings.Contains(sent[0].Text, "处方或药盒的照片") {
		t.Errorf("household notice: %+v", sent)
	}

	// The same list again changes nothing; a changed line replaces it.
	same := e.say("lead-3", "#接龙 药\n1. 3-2-501 胰岛素1支\n2. 3-2-502 蔬菜包1份")
	if !strings.Contains(same, "没变2户") {
		t.Errorf("same list:\n%s", same)
	}
	changed := e.say("lead-3", "#接龙 药\n1. 3-2-501 胰岛素2支\n2. 3-2-502 蔬菜包1份 胰岛素1支")
	if !strings.Contains(changed, "修改2户") {
		t.Errorf("changed list:\n%s", changed)
	}
	old, _ := e.store.Order(ctx, o.ID)
	if old.Status != orders.StatusCancelled {
		t.Errorf("replaced order is %s", old.Status)
	}
	for _, hh := range []string{"3-2-501", "3-2-502"} {
		if n := e.newest(t, hh); n.Status != orders.StatusAwaitingRx {
			t.Errorf("%s after the change: %s %+v", hh, n.Status, n.Lines)
		}
	}
	if left, _ := e.store.StockLeft(ctx); left["MED-INSULIN"] != 37 || left["VEG-A"] != 299 {
		t.Errorf("stock after the change: %v", left)
	}
	// The resident's photo releases the lead's order.
	if got := e.image("rx-li", "http://x/li.jpg", "m-li"); !strings.HasPrefix(got, "收到照片了") {
		t.Errorf("photo: %s", got)
	}
	if p := e.pharmacyList(t); len(p.Rx) != 1 || p.Rx[0].Address.Room != "501" {
		t.Errorf("pick list prescriptions: %+v", p.Rx)
	}
	// The lead removes the other household: its waiting order is cancelled.
	if got := e.say("lead-3", "#接龙 药\n1. 3-2-501 胰岛素2支"); !strings.Contains(got, "不在新接龙里，已取消：3栋2单元502") {
		t.Errorf("removal:\n%s", got)
	}
}

func rxCatalog() *catalog.Catalog {
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		panic(err)
	}
	return cat
}

// rxReplies renders what the prescription flow says, for TestReplyGolden.
func rxReplies(placed orders.Order) map[string]string {
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
	second := rx
	second.ID = "1005"
	cancelled := rx
	cancelled.Status = orders.StatusCancelled
	assigned := rx
	assigned.Status = orders.StatusAssigned
	delivered := rx
	delivered.Status = orders.StatusDelivered
	a := func(room string) orders.Address { return orders.Address{Building: "3", Unit: "2", Room: room} }
	pasted := orders.ListReport{Results: []orders.ListResult{
		{Line: 2, Number: 1, Address: a("501"), Outcome: orders.OutcomeCreated, Order: rx},
		{Line: 3, Number: 2, Address: a("502"), Outcome: orders.OutcomeCreated, Order: orders.Order{ID: "1006", Status: orders.StatusPending, Day: "2026-11-24"}},
	}}
	other := placed
	other.ID = "1000"
	cat := rxCatalog()
	totals := orders.Totals(cat, []orders.Order{rx, other})
	return map[string]string{
		"rx_placed":               textPlacedRx(rx, insulin),
		"rx_no_order":             textRxNoOrder,
		"rx_photo_received":       textRxPhotoReceived([]orders.Order{rx}),
		"rx_photo_received_two":   textRxPhotoReceived([]orders.Order{rx, second}),
		"rx_how_to":               textRxHowTo,
		"rx_only":                 textRxOnly,
		"rx_no_such_order":        textRxNoSuchOrder("1234"),
		"rx_not_rx":               textRxNotRx("1234"),
		"rx_reject_why":           textRxRejectWhy("1001"),
		"rx_already_approved":     textRxAlreadyApproved("1001"),
		"rx_too_late_cancelled":   textRxTooLate(cancelled),
		"rx_too_late_assigned":    textRxTooLate(assigned),
		"rx_too_late_delivered":   textRxTooLate(delivered),
		"rx_too_late_changed":     textRxTooLate(rx),
		"rx_approved":             textRxApproved(rx, true),
		"rx_approved_no_wechat":   textRxApproved(rx, false),
		"rx_rejected":             textRxRejected(rx, "照片看不清，请重拍处方", true),
		"rx_order_list":           textOrderList([]orders.Order{rx, other}, 0, goldenDays(false)),
		"rx_lead_pasted":          textPasted(pasteView{jielong: true, title: "3栋买药", report: pasted, totals: totals, households: 2, catalog: cat, days: goldenDays(false)}),
		"rx_lead_summary_pending": textSummary([]string{"3"}, "", []orders.Order{rx, other}, totals, goldenDays(false)),
	}
}

// TestRxUrgentPushedOnceReleased: an urgent insulin order is pushed to the
// grid when its photo arrives, not while it waits for one.
func TestRxUrgentPushedOnceReleased(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.wrote("lead-3")
	u := "rx-urgent"
	e.say(u, "绑定 3栋2单元501")
	e.say(u, "急 胰岛素1支")
	o := e.newest(t, "3-2-501")
	if o.Status != orders.StatusAwaitingRx || !o.Urgent {
		t.Fatalf("urgent insulin: %s urgent=%v", o.Status, o.Urgent)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("lead-3"); len(sent) != 0 {
		t.Errorf("pushed before the prescription: %+v", sent)
	}
	e.image(u, "http://x/u.jpg", "m-u")
	ob.Drain(ctx)
	if sent := fake.SentTo("lead-3"); len(sent) != 1 || !strings.Contains(sent[0].Text, o.ID) {
		t.Errorf("lead not told of the released urgent order: %+v", sent)
	}
}
