package bot

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// Every sentence the bot says lives in this file, so the bot's whole voice
// can be read (and reviewed by the people who answer residents' calls) in
// one place. Replies are short, plain, say what happened and what to do
// next, and never show an internal error. testdata/replies/*.golden holds
// each rendered.

const (
	textBusy         = "系统繁忙，请稍后再试。"
	textStillWorking = "您的消息还在处理中。\n请稍等一会儿，发\"我的订单\"看结果，不用重复下单。"
	textBindExample  = "例如：绑定 3栋2单元501"
	textNotText      = "抱歉，现在只能看懂文字消息。\n下单请直接发文字，例如：蔬菜包2份\n发\"帮助\"看用法。"
)

func textWelcome(community string) string {
	return fmt.Sprintf(`欢迎关注%s保供服务！
第一步，绑定您家地址：
  绑定 3栋2单元501
第二步，直接发要买的东西：
  蔬菜包2份 鸡蛋1盒
发"商品"看能买什么，发"帮助"看全部用法。`, community)
}

func textHelp() string {
	return `怎么用：
1. 绑定地址：绑定 3栋2单元501
2. 下单：蔬菜包2份 鸡蛋1盒
3. 看订单：我的订单
4. 取消：取消 订单号
5. 看能买什么：商品
有问题请联系您的楼栋长。`
}

func textBindFirst() string {
	return "请先绑定您家地址，再下单。\n" + textBindExample
}

func textBindHowTo() string {
	return "请发：绑定 楼栋单元门牌号\n" + textBindExample + "\n也可以写 3-2-501"
}

func textBindUnreadable() string {
	return "没看懂这个地址。\n请按这样发：绑定 3栋2单元501"
}

func textBindUnknownBuilding(building string, buildings []string) string {
	return fmt.Sprintf("本社区没有%s栋。\n本社区的楼栋：%s\n请检查后重新发送。", building, strings.Join(buildings, "、"))
}

func textBound(a orders.Address) string {
	return fmt.Sprintf("已绑定：%s\n现在可以下单了，例如：蔬菜包2份\n地址不对请重新发\"绑定 新地址\"。", a)
}

func textOtherHousehold(bound orders.Address) string {
	return fmt.Sprintf("您只能为自己家下单（%s）。\n地址变了请先发\"绑定 新地址\"；帮邻居下单请找楼栋长。", bound)
}

func textNotUnderstood() string {
	return "没看懂您的意思。\n下单请发：蔬菜包2份\n发\"商品\"看能买什么，发\"帮助\"看用法。"
}

func textUnknownItems(words []string, suggestions []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "没有找到：%s。", strings.Join(words, "、"))
	if len(suggestions) > 0 {
		fmt.Fprintf(&b, "\n您是不是要：%s？", strings.Join(suggestions, "、"))
	}
	b.WriteString("\n这次没有下单，请改好后重新发送。发\"商品\"看能买什么。")
	return b.String()
}

func textZeroQty(names []string) string {
	return fmt.Sprintf("%s的数量是0。\n请写上要几份，例如：蔬菜包2份", strings.Join(names, "、"))
}

func textTooMany(names []string) string {
	return fmt.Sprintf("%s的数量太多了（一次最多%d）。\n这次没有下单，请改好后重新发送。", strings.Join(names, "、"), orders.MaxQty)
}

func textSoldOut(name, unit string, left int) string {
	if left <= 0 {
		return fmt.Sprintf("抱歉，%s已经卖完了，这次没有下单。\n可以去掉它再发一次。", name)
	}
	return fmt.Sprintf("抱歉，%s只剩%d%s了，这次没有下单。\n请改少一点再发一次。", name, left, unit)
}

func textOverLimit(name, unit string, limit, left int) string {
	if left <= 0 {
		return fmt.Sprintf("%s每户每天限购%d%s，您家今天已经买够了，这次没有下单。\n明天可以再买。", name, limit, unit)
	}
	return fmt.Sprintf("%s每户每天限购%d%s，您家今天还能买%d%s，这次没有下单。\n请改一下数量再发。", name, limit, unit, left, unit)
}

func textPlaced(o orders.Order) string {
	var b strings.Builder
	fmt.Fprintf(&b, "下单成功！订单号 %s\n送到：%s\n", o.ID, o.Address)
	writeLines(&b, o)
	fmt.Fprintf(&b, "取消请发：取消 %s", o.ID)
	return b.String()
}

func writeLines(b *strings.Builder, o orders.Order) {
	for _, l := range o.Lines {
		fmt.Fprintf(b, "%s %d%s %s\n", l.Name, l.Qty, l.Unit, yuan(l.PriceFen*int64(l.Qty)))
	}
	fmt.Fprintf(b, "合计 %s\n", yuan(o.TotalFen))
}

func textNoOrders() string {
	return "您家现在没有订单。\n下单请发：蔬菜包2份"
}

var statusWords = map[orders.Status]string{
	orders.StatusPending:   "待配送",
	orders.StatusAssigned:  "配送中",
	orders.StatusReceived:  "已收到",
	orders.StatusDelivered: "已送达",
	orders.StatusCancelled: "已取消",
}

func textOrderList(list []orders.Order, more int) string {
	var b strings.Builder
	b.WriteString("您家的订单：\n")
	for _, o := range list {
		fmt.Fprintf(&b, "%s【%s】", o.ID, statusWords[o.Status])
		for i, l := range o.Lines {
			if i > 0 {
				b.WriteString("、")
			}
			fmt.Fprintf(&b, "%s%d%s", l.Name, l.Qty, l.Unit)
		}
		fmt.Fprintf(&b, " %s\n", yuan(o.TotalFen))
	}
	if more > 0 {
		fmt.Fprintf(&b, "还有%d个更早的订单没有列出。\n", more)
	}
	b.WriteString("取消请发：取消 订单号")
	return b.String()
}

func textCancelWhich(open []orders.Order) string {
	if len(open) == 0 {
		return "您家没有可以取消的订单。"
	}
	ids := make([]string, len(open))
	for i, o := range open {
		ids[i] = o.ID
	}
	return fmt.Sprintf("请告诉我要取消哪个订单，例如：取消 %s\n可以取消的订单：%s", ids[0], strings.Join(ids, "、"))
}

func textCancelled(o orders.Order) string {
	return fmt.Sprintf("已取消订单 %s。\n需要的话可以重新下单。", o.ID)
}

func textCancelNotFound(id string) string {
	return fmt.Sprintf("没有找到您家的订单 %s。\n发\"我的订单\"看订单号。", id)
}

func textCancelTooLate(o orders.Order) string {
	switch o.Status {
	case orders.StatusCancelled:
		return fmt.Sprintf("订单 %s 已经取消过了。", o.ID)
	case orders.StatusDelivered:
		return fmt.Sprintf("订单 %s 已经送达，不能取消了。\n有问题请联系楼栋长。", o.ID)
	}
	return fmt.Sprintf("订单 %s 正在配送，不能取消了。\n有问题请联系楼栋长。", o.ID)
}

func textCatalog(items []catalog.Item, left map[string]int) string {
	var b strings.Builder
	b.WriteString("可以买的东西：\n")
	for _, it := range items {
		fmt.Fprintf(&b, "%s %s/%s", it.Name, yuan(it.PriceFen), it.Unit)
		switch n, ok := left[it.SKU]; {
		case it.Limited() && ok && n <= 0:
			b.WriteString("（已卖完）")
		case it.LimitPerHousehold > 0:
			fmt.Fprintf(&b, "（每户每天限%d%s）", it.LimitPerHousehold, it.Unit)
		}
		b.WriteString("\n")
	}
	b.WriteString("下单请发：蔬菜包2份")
	return b.String()
}

// yuan renders fen as 50元 or 12.5元.
func yuan(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("%d元", fen/100)
	}
	s := fmt.Sprintf("%d.%02d", fen/100, fen%100)
	return strings.TrimRight(s, "0") + "元"
}

// ---- Building leads (楼栋长) ----

const (
	textOnlyLeads        = "这个功能只有楼栋长可以用。\n您要给自己家下单，直接发：蔬菜包2份"
	textDeliverHowTo     = "请告诉我送到了哪里，例如：\n送达 3-2-501（一户）\n送达 3栋2单元（一个单元）\n送达 3栋（整栋）\n送达 1001（一个订单）"
	textNothingToReceive = "您家现在没有已送达、待确认的订单。\n发\"我的订单\"看订单。"
	// maxReply keeps a reply under WeChat's 2048-byte limit for text.
	maxReply = 2000
)

func textDeliverNoOrder(id string) string {
	return fmt.Sprintf("没有找到您负责的楼栋里的订单 %s。", id)
}

func textNotYourBuilding(building string) string {
	return fmt.Sprintf("%s栋不是您负责的楼栋，没有改动。", building)
}

func textDeliverNothing(where string) string {
	return fmt.Sprintf("%s没有待送的订单。\n发\"汇总\"看今天的订单。", where)
}

// place is where goods are left: the unit door, or downstairs.
func place(a orders.Address) string {
	if a.Unit == "" {
		return a.Building + "栋楼下"
	}
	return a.Building + "栋" + a.Unit + "单元门口"
}

func itemsText(lines []orders.Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("%s%d%s", l.Name, l.Qty, l.Unit)
	}
	return strings.Join(parts, "、")
}

// textDeliveredNotice is pushed to every resident bound to the household.
func textDeliveredNotice(o orders.Order) string {
	return fmt.Sprintf("您订的%s已放到%s，请下楼收取。\n收到后请回复\"收到\"。（订单%s）", itemsText(o.Lines), place(o.Address), o.ID)
}

// deliveredTemplateData fills the delivery template message, used when the
// resident has not written to the account in 48 hours. Fields: first (a
// heading), keyword1 (order id), keyword2 (goods), keyword3 (where),
// remark (what to do).
func deliveredTemplateData(o orders.Order) map[string]string {
	return map[string]string{
		"first":    "您订的保供物资已送到",
		"keyword1": o.ID,
		"keyword2": itemsText(o.Lines),
		"keyword3": place(o.Address),
		"remark":   "请尽快下楼收取，收到后回复\"收到\"。",
	}
}

// deliveryView is what a 送达 did.
type deliveryView struct {
	where    string
	orders   []orders.Order
	notified int
	// toPhone are delivered orders of households nobody in WeChat is
	// bound to (or whose notice could not be queued): the lead calls.
	toPhone []orders.Order
}

func textDelivered(v deliveryView) string {
	var b strings.Builder
	households := map[string]bool{}
	for _, o := range v.orders {
		households[o.Household()] = true
	}
	fmt.Fprintf(&b, "已确认送达 %s：%d户 %d单。\n", v.where, len(households), len(v.orders))
	if v.notified > 0 {
		fmt.Fprintf(&b, "已在微信上通知%d单的住户。\n", v.notified)
	}
	if len(v.toPhone) > 0 {
		b.WriteString("下面这些没有绑定微信，请打电话或上门告诉他们：\n")
		for _, o := range v.toPhone {
			fmt.Fprintf(&b, "%s %s", o.Address, itemsText(o.Lines))
			if o.Contact != "" {
				fmt.Fprintf(&b, " 电话%s", o.Contact)
			}
			b.WriteString("\n")
		}
	}
	return fit(strings.TrimRight(b.String(), "\n"))
}

func textLeadCancelled(a orders.Address, done, late []orders.Order) string {
	if len(done) == 0 && len(late) == 0 {
		return fmt.Sprintf("%s没有待送的订单，不用取消。", a)
	}
	var b strings.Builder
	if len(done) > 0 {
		ids := make([]string, len(done))
		for i, o := range done {
			ids[i] = o.ID
		}
		fmt.Fprintf(&b, "已取消%s的订单：%s。\n", a, strings.Join(ids, "、"))
	}
	if len(late) > 0 {
		ids := make([]string, len(late))
		for i, o := range late {
			ids[i] = o.ID
		}
		fmt.Fprintf(&b, "订单%s正在配送，不能取消了，请联系志愿者。\n", strings.Join(ids, "、"))
	}
	return strings.TrimRight(b.String(), "\n")
}

func textReceived(done []orders.Order) string {
	ids := make([]string, len(done))
	for i, o := range done {
		ids[i] = o.ID
	}
	return fmt.Sprintf("好的，已确认收到（订单%s）。谢谢！", strings.Join(ids, "、"))
}

var shortStatus = map[orders.Status]string{
	orders.StatusAssigned:  "（配送中）",
	orders.StatusDelivered: "（已送）",
	orders.StatusReceived:  "（已收）",
}

func textSummary(buildings []string, list []orders.Order, totals []orders.Line) string {
	var b strings.Builder
	households := map[string]bool{}
	pending := 0
	for _, o := range list {
		households[o.Household()] = true
		if o.Status.Open() {
			pending++
		}
	}
	fmt.Fprintf(&b, "今天%s栋的订单：%d户 %d单\n", strings.Join(buildings, "、"), len(households), len(list))
	if len(list) == 0 {
		b.WriteString("还没有订单。")
		return b.String()
	}
	fmt.Fprintf(&b, "待送%d单，已送达%d单\n", pending, len(list)-pending)
	fmt.Fprintf(&b, "合计：%s\n", itemsText(totals))
	unit := ""
	for _, o := range list {
		u := o.Address.Building + "栋"
		if o.Address.Unit != "" {
			u += o.Address.Unit + "单元"
		}
		if u != unit {
			if unit != "" {
				b.WriteString("\n")
			}
			unit = u
			b.WriteString(u + "：")
		} else {
			b.WriteString("；")
		}
		fmt.Fprintf(&b, "%s %s%s", o.Address.Room, itemsText(o.Lines), shortStatus[o.Status])
	}
	return fit(b.String())
}

// pasteView is what a pasted list did.
type pasteView struct {
	jielong    bool
	title      string
	report     orders.ListReport
	rejected   []orders.RejectedLine
	overridden []orders.OverriddenLine
	totals     []orders.Line
	households int
	catalog    *catalog.Catalog
}

// refusal says in a few words why a line was not ordered.
func refusal(err error, cat *catalog.Catalog) string {
	var short *orders.ShortageError
	if errors.As(err, &short) {
		name, unit := short.SKU, ""
		if it, ok := cat.Item(short.SKU); ok {
			name, unit = it.Name, it.Unit
		}
		switch {
		case errors.Is(err, orders.ErrLimit) && short.Left > 0:
			return fmt.Sprintf("%s每户每天限%d%s，这户今天还能买%d%s", name, short.Limit, unit, short.Left, unit)
		case errors.Is(err, orders.ErrLimit):
			return fmt.Sprintf("%s每户每天限%d%s，这户今天已买够", name, short.Limit, unit)
		case short.Left > 0:
			return fmt.Sprintf("%s只剩%d%s了", name, short.Left, unit)
		}
		return fmt.Sprintf("%s卖完了", name)
	}
	if errors.Is(err, orders.ErrForbidden) {
		return "不是您负责的楼栋"
	}
	return "看不懂"
}

func textPasted(v pasteView) string {
	var b strings.Builder
	r := v.report
	kind := "订单"
	if v.jielong {
		kind = "接龙"
	}
	fmt.Fprintf(&b, "%s已登记：共%d户\n", kind, v.households)
	var counts []string
	for _, c := range []struct {
		o    orders.ListOutcome
		word string
	}{{orders.OutcomeCreated, "新下单"}, {orders.OutcomeUpdated, "修改"}, {orders.OutcomeUnchanged, "没变"}, {orders.OutcomeCancelled, "取消"}} {
		if n := r.Count(c.o); n > 0 {
			counts = append(counts, fmt.Sprintf("%s%d户", c.word, n))
		}
	}
	if len(counts) > 0 {
		b.WriteString(strings.Join(counts, "，") + "\n")
	}
	// What needs the lead's attention comes before the totals: a long
	// reply is cut at the end.
	type problem struct {
		line int
		at   string // 第3条 (the 接龙 number the lead sees) or 第5行
		text string
	}
	var problems []problem
	for _, x := range r.Results {
		if x.Outcome == orders.OutcomeRefused {
			at := lineName(x.Number, x.Line)
			text := fmt.Sprintf("%s %s：%s", at, x.Address, refusal(x.Err, v.catalog))
			if x.Order.ID != "" {
				text += "，原来的订单" + x.Order.ID + "不变"
			}
			problems = append(problems, problem{x.Line, at, text})
		}
	}
	for _, x := range v.rejected {
		at := lineName(x.Number, x.Line)
		problems = append(problems, problem{x.Line, at, fmt.Sprintf("%s：%s", at, x.Reason)})
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].line < problems[j].line })
	if len(problems) > 0 {
		b.WriteString("没登记上的：\n")
		for _, p := range problems {
			b.WriteString(p.text + "\n")
		}
	}
	var cancelled, kept, closed, done []string
	for _, x := range r.Results {
		switch x.Outcome {
		case orders.OutcomeCancelled:
			cancelled = append(cancelled, x.Address.String())
		case orders.OutcomeKept:
			kept = append(kept, x.Address.String())
		case orders.OutcomeClosed:
			closed = append(closed, x.Address.String())
		case orders.OutcomeDone:
			done = append(done, x.Address.String())
		}
	}
	if len(cancelled) > 0 {
		fmt.Fprintf(&b, "不在新接龙里，已取消：%s\n", strings.Join(cancelled, "、"))
	}
	if len(kept) > 0 {
		fmt.Fprintf(&b, "有看不懂的行，这次没有取消：%s\n", strings.Join(kept, "、"))
	}
	if len(closed) > 0 {
		fmt.Fprintf(&b, "已截单或正在配送，改动没有生效：%s\n", strings.Join(closed, "、"))
	}
	if len(done) > 0 {
		fmt.Fprintf(&b, "已送达或已取消，没有改动：%s\n", strings.Join(done, "、"))
	}
	for _, o := range v.overridden {
		fmt.Fprintf(&b, "第%d行和第%d行是同一户，用后面那行\n", o.Line, o.By)
	}
	if len(v.totals) > 0 {
		fmt.Fprintf(&b, "合计：%s\n", itemsText(v.totals))
	}
	if v.jielong && v.households > 0 {
		b.WriteString("——可以复制到群里——\n")
		fmt.Fprintf(&b, "【%s】已登记%d户：%s。", firstNonEmpty(v.title, "接龙登记"), v.households, itemsText(v.totals))
		if len(problems) > 0 {
			ats := make([]string, len(problems))
			for i, p := range problems {
				ats[i] = p.at
			}
			fmt.Fprintf(&b, "%s没登记上，请这几户看一下。", strings.Join(ats, "、"))
		}
	}
	return fit(strings.TrimRight(b.String(), "\n"))
}

// lineName names a line the way the lead can find it: by its 接龙 number
// when it has one, else by its line in the message.
func lineName(number, line int) string {
	if number > 0 {
		return fmt.Sprintf("第%d条", number)
	}
	return fmt.Sprintf("第%d行", line)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fit cuts a reply at a line end so it stays within maxReply bytes.
func fit(s string) string {
	if len(s) <= maxReply {
		return s
	}
	const more = "\n……太长了，后面没有列出。"
	cut := s[:maxReply-len(more)]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return cut + more
}

// ---- Volunteers (志愿者) and suppliers ----

const (
	textNoTasks      = "您现在没有配送任务。\n排班后会收到消息。"
	textDoneHowTo    = "请告诉我送完了第几户，例如：完成 3\n发\"任务\"看序号。"
	textOnlyGridLead = "只有本网格的楼栋长可以同意志愿者报名。"
	textNoPicklist   = "今天还没有发备货单，不用回复备货完成。"
)

func textTasks(ro orders.Roster, sh orders.Share, status map[string]orders.Status, loc *time.Location) string {
	var b strings.Builder
	t := ro.Slot.In(loc)
	left := 0
	for _, st := range sh.Stops {
		if status[st.OrderID].Open() {
			left++
		}
	}
	fmt.Fprintf(&b, "您的任务（%d月%d日 %02d:%02d，%s网格）：共%d户，还剩%d户\n", t.Month(), t.Day(), t.Hour(), t.Minute(), ro.Grid, len(sh.Stops), left)
	for _, st := range sh.Stops {
		mark := "（已送）"
		if status[st.OrderID].Open() {
			mark = ""
		}
		fmt.Fprintf(&b, "%d. %s %s%s\n", st.Seq, st.Address, itemsText(st.Lines), mark)
	}
	b.WriteString("送到后回复：完成 序号")
	return fit(b.String())
}

func textDoneNoStop(ref string, n int) string {
	return fmt.Sprintf("没有第%s户。您这一轮共%d户，发\"任务\"看序号。", ref, n)
}

func textDoneAlready(st orders.Stop, s orders.Status) string {
	if s == orders.StatusCancelled {
		return fmt.Sprintf("第%d户 %s 的订单已经取消了，不用送。", st.Seq, st.Address)
	}
	return fmt.Sprintf("第%d户 %s 已经记过送达了。", st.Seq, st.Address)
}

func textDone(st orders.Stop, notified bool, left int) string {
	told := "已通知住户。"
	if !notified {
		told = "这户没有绑定微信，请敲门或打电话告诉他们。"
	}
	tail := fmt.Sprintf("还剩%d户。", left)
	if left == 0 {
		tail = "这一轮全部送完了，辛苦了！"
	}
	return fmt.Sprintf("已记下第%d户 %s 送达。%s\n%s", st.Seq, st.Address, told, tail)
}

func textApplication(a orders.Application) string {
	return fmt.Sprintf("%s的居民报名当志愿者（%s网格）。\n同意请回复：同意志愿者 %s", a.Address, a.Grid, a.Code)
}

func textSignedUp(code string, leadTold bool) string {
	if !leadTold {
		return fmt.Sprintf("已报名（编号%s）。您的楼栋还没有楼栋长，请联系社区网格员。", code)
	}
	return fmt.Sprintf("已报名（编号%s），谢谢您！\n楼栋长同意后会通知您。", code)
}

func textApplicationNotFound(code string) string {
	return fmt.Sprintf("没有找到编号%s的报名，可能已经处理过了。", code)
}

func textApproved(a orders.Application) string {
	return fmt.Sprintf("已同意%s的居民当%s网格的志愿者，已通知本人。", a.Address, a.Grid)
}

func textWelcomeVolunteer(grid string) string {
	return fmt.Sprintf("您已成为%s网格的志愿者，谢谢您！\n排班后会收到配送任务，发\"任务\"可以查看。", grid)
}

func textReadyAlready(day string) string {
	return fmt.Sprintf("%s的备货完成已经通知过志愿者了。", day)
}

func textReady(day string, told int) string {
	return fmt.Sprintf("好的，%s的货已备好，已通知%d位志愿者来取。", day, told)
}

func textGoodsReady(supplier, day string) string {
	return fmt.Sprintf("%s：%s的货已经备好，可以去取了。", supplier, day)
}

// ---- Prescriptions (处方药) ----

// ---- Urgent requests and vulnerable households ----

// ---- Free packs (政府蔬菜包) ----
