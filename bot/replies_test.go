package bot

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/golden"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// TestReplyGolden renders every reply the bot can send into
// testdata/replies, so a reviewer reads the bot's whole voice in one folder.
// Run with -update after changing replies.go, and read the diff.
func TestReplyGolden(t *testing.T) {
	at := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	placed := orders.Order{
		ID: "1001", Address: orders.Address{Building: "3", Unit: "2", Room: "501"},
		Lines: []orders.Line{
			{SKU: "VEG-A", Name: "蔬菜包", Qty: 2, Unit: "份", PriceFen: 5000},
			{SKU: "MED-IBU", Name: "布洛芬缓释胶囊", Qty: 1, Unit: "盒", PriceFen: 2850},
		},
		TotalFen: 12850, Status: orders.StatusPending, CreatedAt: at, Day: "2026-11-24",
	}
	delivered, cancelled, tomorrows := placed, placed, placed
	placed.Pay = orders.Payment{Status: orders.PayUnpaid, Method: orders.PayAtDoor}
	paidOrder, refundDue := placed, placed
	paidOrder.ID, paidOrder.Pay = "1007", orders.Payment{Status: orders.PayPaid, Method: orders.PayAtDoor, PaidFen: 12850}
	refundDue.ID, refundDue.Pay = "1008", orders.Payment{Status: orders.PayRefundDue, Method: orders.PayGroup, PaidFen: 12850, RefundFen: 5000}
	refunded, claimed, grown := refundDue, placed, placed
	refunded.ID, refunded.Pay = "1009", orders.Payment{Status: orders.PayRefunded, Method: orders.PayGroup, PaidFen: 12850, RefundedFen: 5000,
		Refunds: []orders.Handover{{Fen: 5000, By: "lead-3", At: at}}}
	claimed.Pay = orders.Payment{Status: orders.PayClaimed, Method: orders.PayCode, ClaimedFen: 12850}
	grown.ID, grown.Pay = "1010", orders.Payment{Status: orders.PayUnpaid, Method: orders.PayGroup, PaidFen: 7850}
	cancelledPaid := paidOrder
	cancelledPaid.Status, cancelledPaid.Pay.Status, cancelledPaid.Pay.RefundFen = orders.StatusCancelled, orders.PayRefundDue, 12850
	delivered.ID, delivered.Status = "1002", orders.StatusDelivered
	cancelled.ID, cancelled.Status = "1003", orders.StatusCancelled
	tomorrows.ID, tomorrows.Day = "1004", "2026-11-25"
	open, closed := goldenDays(false), goldenDays(true)
	stock := 300
	items := []catalog.Item{
		{SKU: "VEG-A", Name: "蔬菜包", Unit: "份", PriceFen: 5000, Stock: &stock, LimitPerHousehold: 2},
		{SKU: "EGG", Name: "鸡蛋", Unit: "盒", PriceFen: 3000, Stock: &stock},
		{SKU: "MED-IBU", Name: "布洛芬缓释胶囊", Unit: "盒", PriceFen: 2800},
		{SKU: "VEG-FREE", Name: "政府蔬菜包", Unit: "份", FreeOnly: true, Stock: &stock},
	}
	replies := map[string]string{
		"busy":                          textBusy,
		"bind_pending_members":          textBindPending(placed.Address, true),
		"bind_pending_lead":             textBindPending(placed.Address, false),
		"bind_nobody_to_ask":            textBindNobodyToAsk(placed.Address),
		"bind_pending_known":            textBindPendingKnown(placed.Address),
		"bind_refused_lately":           textBindRefusedLately(placed.Address),
		"bind_too_many":                 textBindTooMany,
		"sign_up_already":               textSignedUpAlready("4821"),
		"bind_answer_how_to":            textBindAnswerHowTo,
		"bind_code_not_found":           textBindCodeNotFound("4821"),
		"bind_approved":                 textBindApproved(placed.Address),
		"bind_refused":                  textBindRefused(placed.Address),
		"not_bound":                     textNotBound,
		"unbound":                       textUnbound(placed.Address),
		"unbind_how_to":                 textUnbindHowTo,
		"members":                       textMembers(placed.Address, []orders.Binding{{At: placed.CreatedAt}, {At: placed.CreatedAt.AddDate(0, 0, 2)}}),
		"members_none":                  textMembers(placed.Address, nil),
		"member_removed":                textMemberRemoved(placed.Address, 2),
		"slow_down":                     textSlowDown,
		"too_long":                      textTooLong(false),
		"too_long_lead":                 textTooLong(true),
		"help_again":                    textHelpAgain,
		"help_again_staff":              textHelpAgainTo(urgent.Staff, true),
		"help_again_unbound":            textHelpAgainTo(urgent.Staff, false),
		"help_again_unbound_leads":      textHelpAgainTo(urgent.Team, false),
		"help_again_held":               textHelpAgainTo(urgent.Held, true),
		"help_passed_fire":              textForFire(textHelpPassed(urgent.Team, nil, "")),
		"help_again_fire":               textForFire(textHelpAgain),
		"lead_summary_linked":           textSummaryLinked([]string{"3"}, "", []orders.Order{placed, delivered}, placed.Lines, "https://bg.example/s/lead-3/all?exp=1&sig=x"),
		"summary_how_to":                textSummaryHowTo,
		"sign_up_how_to":                textSignUpHowTo(true, true),
		"sign_up_no_phone":              textSignUpHowTo(false, true),
		"what_we_have":                  textWhatWeHave,
		"maybe":                         textMaybe,
		"placed_unconfirmed":            textPlacedUnconfirmed(placed),
		"account_welcome":               textWelcomeAccount([]string{"阳光小区", "幸福里"}),
		"account_help":                  textHelpAccount([]string{"阳光小区", "幸福里"}),
		"account_bind_how_to":           textBindHowToAccount([]string{"阳光小区", "幸福里"}),
		"account_bind_first":            textBindFirstAccount([]string{"阳光小区", "幸福里"}),
		"account_bind_before":           textBindBeforeAccount([]string{"阳光小区", "幸福里"}),
		"account_bind_which":            textBindWhich(placed.Address, []string{"阳光小区", "幸福里"}),
		"account_bind_no_community":     textBindNoCommunity("12", []string{"阳光小区", "幸福里"}),
		"account_bound":                 textBoundIn("幸福里", placed.Address),
		"account_bind_unknown_building": textBindUnknownBuilding("幸福里", "12", []string{"3", "9"}),
		"negative_qty":                  textNegativeQty([]string{"鸡蛋"}, "鸡蛋2盒"),
		"not_whole":                     textNotWhole([]string{"猪肉"}, "猪肉2斤"),
		"unclear_qty":                   textUnclearQty([]string{"蔬菜包", "鸡蛋"}, "蔬菜包2份"),
		"partly":                        textPartly,
		"free_only":                     textFreeOnly,
		"help_passed":                   textHelpPassed(urgent.Team, nil, "021-12345678"),
		"help_passed_neighbour":         textHelpPassed(urgent.Team, []orders.Address{{Building: "3", Unit: "9", Room: "102"}}, "021-12345678"),
		"help_passed_staff":             textHelpPassed(urgent.Staff, nil, "021-12345678"),
		"help_nobody":                   textHelpPassed(urgent.Nobody, nil, "021-12345678"),
		"help_unbound":                  textHelpUnbound(urgent.Staff, nil, "021-12345678"),
		"help_unbound_door":             textHelpUnbound(urgent.Team, []orders.Address{{Building: "3", Unit: "9", Room: "102"}}, "021-12345678"),
		"help_unbound_two_communities": textHelpUnbound(urgent.Team, []orders.Address{{Building: "3", Unit: "9", Room: "102"}},
			textPhones([]communityPhone{{"阳光小区", "021-11111111"}, {"幸福里", "021-22222222"}})),
		"help_and_order":                    textHelpPassed(urgent.Team, nil, "") + "\n" + textUrgentPlaced(placed, urgent.Team),
		"cry_order_failed":                  textHelpPassed(urgent.Team, nil, "") + "\n" + textCryOrderFailed,
		"cry_line":                          textCall120 + textCryLine(2, 3, urgent.Team, []orders.Address{{Building: "3", Unit: "2", Room: "502"}}, false),
		"cry_line_again":                    textCryLine(2, 3, urgent.Team, nil, true),
		"cry_line_staff":                    textCryLine(0, 5, urgent.Staff, nil, false),
		"cry_line_nobody":                   textCryLine(2, 3, urgent.Nobody, nil, false),
		"cry_line_failed":                   textCryLineFailed(2, 3),
		"urgent_open":                       textUrgentOpen(placed, ""),
		"urgent_open_claimed":               textUrgentOpen(placed, "志愿者林师傅"),
		"urgent_joined":                     textUrgentJoined(placed),
		"urgent_joined_claimer":             textUrgentJoinedClaimer(placed, "志愿者林师傅"),
		"urgent_placed_cry":                 textCall120 + textUrgentPlaced(placed, urgent.Team),
		"not_text":                          textNotText,
		"welcome":                           textWelcome("幸福社区"),
		"help":                              textHelp("幸福社区"),
		"bind_first":                        textBindFirst(),
		"bind_before":                       textBindBefore(),
		"bind_how_to":                       textBindHowTo(),
		"bind_unreadable":                   textBindUnreadable(),
		"bind_unknown_building":             textBindUnknownBuilding("", "12", []string{"3", "5", "6", "8"}),
		"bound":                             textBound(placed.Address),
		"bound_new":                         textBoundNew(placed.Address, 30),
		"erase_ask":                         textAskErase(actions.ErasePlan{Cancel: []orders.Order{placed}, Bound: true, Roles: []string{"A网格志愿者"}}),
		"erase_ask_nothing":                 textAskErase(actions.ErasePlan{}),
		"erase_done":                        textErased(actions.ErasePlan{Cancel: []orders.Order{placed, placed}, Cancelled: []orders.Order{placed}, OnTheWay: []orders.Order{placed}, Bound: true}),
		"erase_going":                       textErased(actions.ErasePlan{Going: true}),
		"erase_ask_config":                  textAskErase(actions.ErasePlan{InConfig: []string{"3栋楼栋长"}, Roles: []string{"A网格志愿者"}}),
		"erase_none":                        textNoErasure,
		"other_household":                   textOtherHousehold(placed.Address),
		"not_understood":                    textNotUnderstood(),
		"unknown_items":                     textUnknownItems([]string{"西红柿"}, []string{"番茄"}),
		"unknown_items_no_guess":            textUnknownItems([]string{"手机", "充电器"}, nil),
		"zero_qty":                          textZeroQty([]string{"蔬菜包"}),
		"too_many":                          textTooMany([]string{"鸡蛋"}),
		"sold_out":                          textSoldOut("鸡蛋", "盒", 0),
		"sold_out_some_left":                textSoldOut("鸡蛋", "盒", 3),
		"over_limit":                        textOverLimit("蔬菜包", "份", 2, 1, open.Note(open.Open)),
		"over_limit_none_left":              textOverLimit("蔬菜包", "份", 2, 0, open.Note(open.Open)),
		"over_limit_after_cutoff":           textOverLimit("蔬菜包", "份", 2, 1, closed.Note(closed.Open)),
		"over_limit_none_left_after_cutoff": textOverLimit("蔬菜包", "份", 2, 0, closed.Note(closed.Open)),
		"over_limit_no_schedules":           textOverLimit("蔬菜包", "份", 2, 0, orders.Calendar{}.At(at, shanghai, false).Note("2026-11-24")),
		"placed":                            textPlaced(placed, open.Note(placed.Day), textHowToPay(orders.PayAtDoor, "")),
		"placed_after_cutoff":               textPlaced(tomorrows, closed.Note(tomorrows.Day), textHowToPay(orders.PayAtDoor, "")),
		"placed_no_schedules":               textPlaced(placed, orders.Calendar{}.At(at, shanghai, false).Note(placed.Day), textHowToPay(orders.PayAtDoor, "")),
		"placed_group":                      textPlaced(placed, open.Note(placed.Day), textHowToPay(orders.PayGroup, "")),
		"placed_code":                       textPlaced(placed, open.Note(placed.Day), textHowToPay(orders.PayCode, "https://pay.example/xinyi.png")),
		"placed_free":                       textPlaced(placed, open.Note(placed.Day), ""),
		"door_payment":                      textDoorPayment(placed, "3", 12850, nil),
		"door_payment_wrong":                textDoorPayment(placed, "3", 5000, &orders.PaymentError{Order: placed, Want: 12850, Got: 5000, Why: orders.ErrAmount}),
		"door_payment_paid":                 textDoorPayment(placed, "3", 12850, &orders.PaymentError{Order: paidOrder, Why: orders.ErrConflict}),
		"collected": textCollected([]actions.DoorPayments{{Address: placed.Address, Paid: []orders.Order{paidOrder}},
			{Address: orders.Address{Building: "3", Unit: "2", Room: "502"}}}),
		"collect_how_to":    textCollectHowTo,
		"paid_claimed":      textPaidClaimed(claimed),
		"pay_already":       textPayAlready(paidOrder),
		"refunded":          textRefunded(refunded),
		"no_refund_due":     textNoRefundDue(paidOrder),
		"short_down":        textShortDown("蔬菜包", 20),
		"short_too_large":   textShortTooLarge("蔬菜包", 120, 100),
		"short_too_big":     textShortTooBig("蔬菜包", 10000, 9900),
		"short_how_to":      textShortHowTo,
		"short_no_picklist": textShortNoPicklist,
		"short_done": textShortDone(actions.ShortfallResult{Day: "2026-11-24", Item: orders.Line{Name: "蔬菜包", Unit: "份"}, Qty: 20,
			Orders: []actions.ShortOrder{{Order: placed, Qty: 1, Told: true}, {Order: placed, Qty: 1}}}),
		"order_list_payments":     textOrderList([]orders.Order{paidOrder, refundDue, refunded, grown, claimed, placed}, 0, open),
		"no_orders":               textNoOrders(),
		"order_list":              textOrderList([]orders.Order{placed, delivered, cancelled}, 0, open),
		"order_list_after_cutoff": textOrderList([]orders.Order{tomorrows, placed, delivered}, 0, closed),
		"order_list_more":         textOrderList([]orders.Order{placed}, 4, open),
		"cancel_which":            textCancelWhich([]orders.Order{placed, delivered}),
		"cancel_which_none":       textCancelWhich(nil),
		"cancelled":               textCancelled(placed),
		"cancelled_paid":          textCancelled(cancelledPaid),
		"cancel_not_found":        textCancelNotFound("1234"),
		"cancel_too_late":         textCancelTooLate(delivered),
		"cancel_already":          textCancelTooLate(cancelled),
		"catalog":                 textCatalog(items, map[string]int{"VEG-A": 12, "EGG": 0}),
		"about_goods":             textAboutGoods(items, map[string]int{"VEG-A": 12, "EGG": 0}),
		"when_it_comes":           textWhenItComes,
		"cancel_one_at_a_time":    textCancelOneAtATime([]string{"1001", "1002"}),
		"declined":                textDeclined([]string{"鸡蛋"}, []orders.Order{{ID: "1001"}, {ID: "1002"}}, "大米1袋"),
		"declined_nothing_open":   textDeclined([]string{"鸡蛋"}, nil, ""),
		"thanks_resident":         textThanks(textGreetResident),
	}
	for name, text := range leadReplies(placed, delivered) {
		replies[name] = text
	}
	for name, text := range urgentReplies(placed) {
		replies[name] = text
	}
	for name, text := range rxReplies(placed) {
		replies[name] = text
	}
	for name, text := range voiceReplies(placed) {
		replies[name] = text
	}
	replies["console_staff_only"] = textConsoleStaffOnly
	replies["console_link"] = textConsoleLink("https://bg.example.com/admin/signin?t=…&exp=…&sig=…")
	// 我是谁.
	replies["whoami_resident"] = textWhoAmI("oAbC123_resident", "幸福社区", nil, "3栋2单元501")
	replies["whoami_stranger"] = textWhoAmI("oAbC123_new", "幸福社区", nil, "")
	replies["whoami_staff"] = textWhoAmI("oAbC123_lead", "幸福社区",
		[]string{textRoleLeadOf([]string{"3", "5"}), textRoleVolunteerOf("G1"), textRoleSupplierOf("新义保供超市"), textRoleStaff}, "")
	for name, text := range deliveryReplies() {
		replies[name] = text
	}
	for name, text := range reachReplies(placed) {
		replies[name] = text
	}
	// Replies are read on phones: keep them short.
	golden.Texts(t, filepath.Join("testdata", "replies"), replies, 400)
}

// goldenDays is where the order days stand on 2026-11-24 with the default
// schedules: at 17:30, or (closed) at 20:30 after the cutoff.
func goldenDays(closed bool) orders.Days {
	if closed {
		return testCalendar.At(time.Date(2026, 11, 24, 20, 30, 0, 0, shanghai), shanghai, true)
	}
	return testCalendar.At(time.Date(2026, 11, 24, 17, 30, 0, 0, shanghai), shanghai, false)
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0元", 5000: "50元", 1250: "12.5元", 1205: "12.05元", 99: "0.99元"} {
		if got := yuan(fen); got != want {
			t.Errorf("yuan(%d) = %s, want %s", fen, got, want)
		}
	}
}

// leadReplies renders what building leads (and residents confirming
// receipt) are told.
func leadReplies(placed, delivered orders.Order) map[string]string {
	proxy := placed
	proxy.ID, proxy.Address.Room, proxy.Contact = "1004", "502", "13900001111"
	proxy.Lines = proxy.Lines[:1]
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		panic(err)
	}
	a := func(room string) orders.Address { return orders.Address{Building: "3", Unit: "2", Room: room} }
	report := orders.ListReport{Results: []orders.ListResult{
		{Line: 3, Number: 1, Address: a("501"), Outcome: orders.OutcomeCreated, Order: placed},
		{Line: 4, Number: 2, Address: a("502"), Outcome: orders.OutcomeUpdated, Order: proxy},
		{Line: 5, Number: 3, Address: a("503"), Outcome: orders.OutcomeRefused, Err: &orders.ShortageError{Kind: orders.ErrSoldOut, SKU: "EGG-30", Left: 2}},
		{Line: 6, Number: 4, Address: orders.Address{Building: "5", Unit: "1", Room: "302"}, Outcome: orders.OutcomeRefused, Err: orders.ErrForbidden},
		{Line: 7, Number: 5, Address: a("601"), Outcome: orders.OutcomeRefused, Err: &orders.ShortageError{Kind: orders.ErrLimit, SKU: "VEG-A", Limit: 2, Left: 1}},
		{Line: 9, Address: a("101"), Outcome: orders.OutcomeCancelled},
	}}
	totals := []orders.Line{{Name: "蔬菜包", Qty: 4, Unit: "份"}, {Name: "布洛芬缓释胶囊", Qty: 1, Unit: "盒"}}
	later := proxy
	later.ID, later.Address.Room, later.Day, later.Contact = "1007", "601", "2026-11-25", ""
	old := proxy
	old.ID, old.Address.Room, old.Day, old.Contact = "0998", "101", "2026-11-21", ""
	repasted := orders.ListReport{Results: []orders.ListResult{
		{Line: 3, Number: 1, Address: a("501"), Outcome: orders.OutcomeUnchanged, Order: placed},
		{Line: 4, Number: 2, Address: a("502"), Outcome: orders.OutcomeClosed, Order: proxy},
		{Line: 5, Number: 3, Address: a("601"), Outcome: orders.OutcomeCreated, Order: later},
		{Line: 6, Number: 4, Address: a("602"), Outcome: orders.OutcomeRefused, Err: &orders.ShortageError{Kind: orders.ErrLimit, SKU: "VEG-A", Limit: 2, Left: 0}},
	}}
	kept := orders.ListReport{Results: []orders.ListResult{
		{Line: 3, Number: 1, Address: a("501"), Outcome: orders.OutcomeUnchanged, Order: placed},
		{Line: 9, Address: a("101"), Outcome: orders.OutcomeKept},
	}}
	unfinished := orders.ListReport{Interrupted: true, Results: []orders.ListResult{
		{Line: 3, Number: 1, Address: a("501"), Outcome: orders.OutcomeCreated, Order: placed},
		{Line: 4, Number: 2, Address: a("502"), Outcome: orders.OutcomeUnchanged, Order: proxy},
		{Line: 5, Number: 3, Address: a("503"), Outcome: orders.OutcomeRefused, Err: &orders.ShortageError{Kind: orders.ErrSoldOut, SKU: "EGG-30", Left: 2}},
		{Line: 6, Number: 4, Address: a("601"), Outcome: orders.OutcomeUnknown, Tried: orders.OutcomeCreated},
		{Line: 7, Number: 5, Address: a("602"), Outcome: orders.OutcomeUnknown, Tried: orders.OutcomeCreated},
		{Line: 8, Number: 6, Address: a("603"), Outcome: orders.OutcomeUnknown, Tried: orders.OutcomeUpdated},
		{Line: 9, Number: 7, Address: a("701"), Outcome: orders.OutcomeNotDone, Tried: orders.OutcomeCreated},
		{Line: 10, Number: 8, Address: a("702"), Outcome: orders.OutcomeNotDone, Tried: orders.OutcomeCreated},
		{Line: 11, Number: 9, Address: a("703"), Outcome: orders.OutcomeNotDone, Tried: orders.OutcomeUpdated},
		{Line: 13, Number: 11, Address: a("801"), Outcome: orders.OutcomeNotDone, Tried: orders.OutcomeCreated},
	}}
	own := func(id, room string) orders.Order {
		o := proxy
		o.ID, o.Address.Room, o.Channel, o.PlacedBy = id, room, orders.ChannelWeChat, "res-"+room
		return o
	}
	byOther := proxy
	byOther.ID, byOther.Address.Room, byOther.Channel, byOther.PlacedBy = "1005", "602", orders.ChannelJielong, "lead-68"
	return map[string]string{
		"lead_pasted_unfinished": textPasted(pasteView{jielong: true, title: "3栋蔬菜包接龙", report: unfinished,
			rejected: []orders.RejectedLine{{Line: 12, Number: 10, Text: "10. 王 蔬菜包1份", Reason: orders.ReasonNoAddress},
				{Line: 14, Text: "3-2-1201 蔬菜包1份", Reason: orders.ReasonUnnumbered}},
			totals: totals, households: 2, catalog: cat}),
		"lead_order_lines_unfinished": textPasted(pasteView{report: orders.ListReport{Interrupted: true, Results: []orders.ListResult{
			{Line: 1, Address: a("501"), Outcome: orders.OutcomeCreated, Order: placed},
			{Line: 2, Address: a("502"), Outcome: orders.OutcomeUnknown, Tried: orders.OutcomeCreated},
		}}, totals: totals[:1], households: 1, catalog: cat}),
		"lead_only":              textOnlyLeads,
		"lead_deliver_how_to":    textDeliverHowTo,
		"lead_deliver_no_order":  textDeliverNoOrder("1234"),
		"lead_not_your_building": textNotYourBuilding("5"),
		"lead_no_such_building":  textNoSuchBuilding("9", []string{"6", "8"}),
		"lead_deliver_nothing":   textDeliverNothing("3栋2单元"),
		"lead_delivered": textDelivered(deliveryView{where: "3栋2单元", orders: []orders.Order{placed, proxy}, notified: 1,
			toPhone: []orders.Order{proxy}}),
		"resident_received":           textReceived([]orders.Order{placed}),
		"resident_nothing_to_receive": textNothingToReceive,
		"lead_summary": textSummary([]string{"3"}, "", []orders.Order{placed, delivered, proxy},
			totals, goldenDays(false)),
		"lead_summary_after_cutoff": textSummary([]string{"3"}, "", []orders.Order{placed, delivered, later, proxy},
			totals, goldenDays(true)),
		"lead_summary_overdue": textSummary([]string{"3"}, "", []orders.Order{old, placed},
			totals, goldenDays(false)),
		"lead_summary_free_pack": func() string {
			free := placed
			free.ID, free.Distribution, free.TotalFen = "1009", "w48", 0
			free.Lines = []orders.Line{{SKU: "VEG-FREE", Name: "政府蔬菜包", Qty: 1, Unit: "份"}}
			return textSummary([]string{"3"}, "", []orders.Order{placed, free}, totals, goldenDays(false))
		}(),
		"lead_summary_empty": textSummary([]string{"3", "5"}, "", nil, nil, goldenDays(true)),
		"lead_pasted": textPasted(pasteView{jielong: true, title: "3栋蔬菜包接龙", report: report,
			rejected:   []orders.RejectedLine{{Line: 8, Number: 6, Text: "6. 3-1-102 西红柿1斤", Reason: orders.ReasonUnknownItem + "西红柿"}},
			overridden: []orders.OverriddenLine{{Line: 3, By: 9, Household: "3-2-501", Number: 1, ByNumber: 7}},
			totals:     totals, households: 2, catalog: cat, days: goldenDays(false)}),
		"lead_repasted_after_cutoff": textPasted(pasteView{jielong: true, title: "3栋蔬菜包接龙", report: repasted,
			totals: totals, households: 3, catalog: cat, days: goldenDays(true)}),
		"lead_pasted_kept": textPasted(pasteView{jielong: true, report: kept,
			rejected: []orders.RejectedLine{{Line: 4, Text: "3-2-5O2 鸡旦1盒", Reason: orders.ReasonNoAddress}},
			totals:   totals[:1], households: 1, catalog: cat, days: goldenDays(false)}),
		// The list re-pasted under an edited title: 501 had the same
		// goods on the first list (taken over), 502 other goods (a
		// second order), 601 more than its limit allows with the first.
		"lead_pasted_edited_title": textPasted(pasteView{jielong: true, title: "3栋蔬菜包接龙（更新）", report: orders.ListReport{Results: []orders.ListResult{
			{Line: 3, Number: 1, Address: a("501"), Outcome: orders.OutcomeUnchanged, Order: placed},
			{Line: 4, Number: 2, Address: a("502"), Outcome: orders.OutcomeCreated, Order: later, Others: []orders.Order{proxy}},
			{Line: 5, Number: 3, Address: a("601"), Outcome: orders.OutcomeRefused, Err: &orders.ShortageError{Kind: orders.ErrLimit, SKU: "VEG-A", Limit: 2, Left: 1}, Others: []orders.Order{old}},
		}}, totals: totals, households: 2, catalog: cat, days: goldenDays(false)}),
		// Residents on the list who ordered themselves: 502 and 503 the
		// same goods (none placed), 601 other goods (a second order); 602
		// the same goods that another lead placed.
		"lead_pasted_own_order": textPasted(pasteView{jielong: true, title: "3栋团购", lead: "lead-3", report: orders.ListReport{Results: []orders.ListResult{
			{Line: 2, Number: 1, Address: a("501"), Outcome: orders.OutcomeCreated, Order: placed},
			{Line: 3, Number: 2, Address: a("502"), Outcome: orders.OutcomeHeld, Order: own("1002", "502")},
			{Line: 4, Number: 3, Address: a("503"), Outcome: orders.OutcomeHeld, Order: own("1003", "503")},
			{Line: 5, Number: 4, Address: a("601"), Outcome: orders.OutcomeCreated, Order: later, Others: []orders.Order{own("0998", "601")}},
			{Line: 6, Number: 5, Address: a("602"), Outcome: orders.OutcomeHeld, Order: byOther},
		}}, totals: totals, households: 5, catalog: cat, days: goldenDays(false)}),
		"lead_cancel_by_id":           textLeadCancelled(proxy.Address, []orders.Order{proxy}, nil),
		"lead_cancel_id_not_found":    textLeadCancelNotFound("1006"),
		"volunteer_done_no_stop":      textDoneNoStop("9", 3),
		"volunteer_done_not_on_round": textDoneNoStop("1006", 3),
		"lead_order_lines": textPasted(pasteView{report: orders.ListReport{Results: report.Results[:1]},
			totals: totals[:1], households: 1, catalog: cat, days: goldenDays(false)}),
	}
}
