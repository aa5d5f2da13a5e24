package bot

import (
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// urgentReplies renders what is said about urgent requests and vulnerable
// households (TestReplyGolden).
func urgentReplies(placed orders.Order) map[string]string {
	a := placed.Address
	u := placed
	u.ID, u.Urgent, u.Grid = "1005", true, "G1"
	u.Lines = []orders.Line{{SKU: "MED-INSULIN", Name: "胰岛素注射液", Qty: 1, Unit: "支", PriceFen: 6800}}
	u.TotalFen = 6800
	proxy := u
	proxy.Address.Room, proxy.Contact = "502", "13900001111"
	alone := []orders.Mark{orders.MarkAlone}
	two := []orders.Mark{orders.MarkAlone, orders.MarkLowIncome}
	delivered, cancelled, waiting := u, u, u
	delivered.Status, cancelled.Status, waiting.Status = orders.StatusDelivered, orders.StatusCancelled, orders.StatusAwaitingRx
	marked := []markedHousehold{
		{addr: orders.Address{Building: "3", Unit: "1", Room: "101"}, marks: []orders.Mark{orders.MarkDisabled}},
		{addr: a, marks: two},
	}
	slot := time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC)
	share := orders.Share{Volunteer: "vol-a", Stops: []orders.Stop{
		{Seq: 1, OrderID: "1005", Address: a, Lines: u.Lines, Urgent: true, Marks: alone},
		{Seq: 2, OrderID: "1006", Address: orders.Address{Building: "3", Unit: "1", Room: "101"}, Lines: placed.Lines[:1], Marks: two},
		{Seq: 3, OrderID: "1001", Address: proxy.Address, Lines: placed.Lines[:1]},
	}}
	tasks := textTasks(orders.Roster{Grid: "G1", Slot: slot, Shares: []orders.Share{share}}, share,
		map[string]orders.Order{"1005": {Status: orders.StatusAssigned}, "1006": {Status: orders.StatusAssigned}, "1001": {Status: orders.StatusDelivered}}, time.UTC)
	fewer := slices.Clone(placed.Lines[:1])
	fewer[0].Qty = 1
	afterCut := textTasks(orders.Roster{Grid: "G1", Slot: slot, Shares: []orders.Share{share}}, share,
		map[string]orders.Order{"1005": {Status: orders.StatusAssigned, Lines: u.Lines}, "1006": {Status: orders.StatusCancelled},
			"1001": {Status: orders.StatusAssigned, Lines: fewer}}, time.UTC)
	return map[string]string{
		"volunteer_tasks_urgent_marked": tasks,
		"volunteer_tasks_after_cut":     afterCut,
		"mark_how_to":                   textMarkHowTo,
		"mark_unknown":                  textMarkUnknown([]string{"富豪"}),
		"marked":                        textMarked(a, two),
		"marks_of":                      textMarksOf(a, alone),
		"marks_of_none":                 textMarksOf(a, nil),
		"unmarked_all":                  textUnmarked(a, nil, nil),
		"unmarked_one":                  textUnmarked(a, []orders.Mark{orders.MarkLowIncome}, alone),
		"unmarked_last":                 textUnmarked(a, alone, nil),
		"unmark_nothing":                textUnmarkNothing(a, true),
		"unmark_nothing_none":           textUnmarkNothing(a, false),
		"marked_list":                   textMarkedList(marked),
		"marked_list_none":              textMarkedList(nil),
		"lead_summary_marks":            textSummaryMarks(marked) + textSummary([]string{"3"}, "", []orders.Order{placed}, placed.Lines, goldenDays(false)),
		"urgent_placed":                 textUrgentPlaced(u, urgent.Team),
		"urgent_placed_staff":           textUrgentPlaced(u, urgent.Staff),
		"urgent_placed_nobody":          textUrgentPlaced(u, urgent.Nobody),
		"urgent_pasted":                 textUrgentPasted([]orders.Address{a, proxy.Address}, urgent.Team),
		"urgent_pasted_staff":           textUrgentPasted([]orders.Address{a}, urgent.Staff),
		"urgent_pasted_nobody":          textUrgentPasted([]orders.Address{a}, urgent.Nobody),
		"claim_how_to":                  textClaimHowTo,
		"claim_not_allowed":             textClaimNotAllowed,
		"claim_not_found":               textClaimNotFound("9999"),
		"claim_not_urgent":              textClaimNotUrgent("1001"),
		"claim_taken":                   textClaimTaken(u, "5栋1单元302的志愿者"),
		"claim_taken_unbound":           textClaimTaken(u, textAnotherVolunteer),
		"claim_yours":                   textClaimYours(u),
		"claim_closed_delivered":        textClaimClosed(delivered),
		"claim_closed_cancelled":        textClaimClosed(cancelled),
		"claim_closed_waiting":          textClaimClosed(waiting),
		"claimed":                       textClaimed(u, alone, true),
		"claimed_no_wechat":             textClaimed(proxy, nil, false),
		"claim_done":                    textClaimDone(u, true),
		"claim_done_no_wechat":          textClaimDone(proxy, false),
	}
}
