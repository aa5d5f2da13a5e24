package bot

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// Every sentence the bot says lives in this file, so the bot's whole voice
// can be read (and reviewed by the people who answer residents' calls) in
// one place. Replies are short, plain, say what happened and what to do
// next, and never show an internal error. testdata/replies/*.golden holds
// each rendered.

const (
	// textBusy is said only when nothing the message asked for happened.
	textBusy = "系统繁忙，刚才这条消息没有办成。\n请过一会儿再发一次。"
	// textMaybe is said when we cannot know whether it happened.
	textMaybe = "系统有点慢，刚才这条消息可能已经办好了。\n请过一分钟发\"我的订单\"看看；没有的话再发一次。"
	// textPartly is said when a message with several steps stopped
	// halfway: sending it again finishes it and repeats nothing.
	textPartly      = "系统繁忙，刚才这条消息可能只办了一部分。\n请过一会儿把同样的话再发一次，已经办好的不会重复。"
	textBindExample = "例如：绑定 3栋2单元501"
	textNotText     = "抱歉，现在只能看懂文字和语音消息。\n下单请直接发文字或语音，例如：蔬菜包2份\n发\"帮助\"看用法。"
)

func textWelcome(community string) string {
	return fmt.Sprintf(`欢迎关注%s保供服务！
第一步，绑定您家地址：
  绑定 3栋2单元501
第二步，直接发要买的东西：
  蔬菜包2份 鸡蛋1盒
发"商品"看能买什么，发"帮助"看全部用法。`, community)
}

func textHelp(community string) string {
	return `怎么用（` + community + `）：
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

// textBindBefore answers an unbound sender's request that is not an
// order (我的订单, 取消, 到货通知 ...): bind, then send it again.
func textBindBefore() string {
	return "您还没有绑定地址，请先绑定，再发一次。\n" + textBindExample
}

func textBindHowTo() string {
	return "请发：绑定 楼栋单元门牌号\n" + textBindExample + "\n也可以写 3-2-501"
}

func textBindUnreadable() string {
	return "没看懂这个地址。\n请按这样发：绑定 3栋2单元501"
}

// textBindUnknownBuilding answers an address whose building community
// ("": this community) does not have.
func textBindUnknownBuilding(community, building string, buildings []string) string {
	if community == "" {
		community = "本社区"
	}
	return fmt.Sprintf("%s没有%s栋。\n%s的楼栋：%s\n请检查后重新发送。", community, building, community, strings.Join(buildings, "、"))
}

// ---- Several communities on one account (bot.Account) ----

// textWelcomeAccount greets a new follower of an account that serves
// several communities.
func textWelcomeAccount(communities []string) string {
	return fmt.Sprintf(`欢迎关注保供服务！本公众号服务：%s。
第一步，绑定您家地址（小区名加门牌）：
  绑定 %s 3栋2单元501
第二步，直接发要买的东西：
  蔬菜包2份 鸡蛋1盒
发"商品"看能买什么，发"帮助"看全部用法。`, strings.Join(communities, "、"), communities[0])
}

// textHelpAccount is 帮助 for someone who has not chosen a community.
func textHelpAccount(communities []string) string {
	return fmt.Sprintf(`怎么用：
1. 绑定地址：绑定 %s 3栋2单元501（小区名加门牌）
2. 下单：蔬菜包2份 鸡蛋1盒
3. 看订单：我的订单
4. 取消：取消 订单号
5. 看能买什么：商品
本公众号服务：%s。`, communities[0], strings.Join(communities, "、"))
}

func textBindHowToAccount(communities []string) string {
	return fmt.Sprintf("请发：绑定 小区名 楼栋单元门牌号\n例如：绑定 %s 3栋2单元501\n本公众号服务：%s", communities[0], strings.Join(communities, "、"))
}

func textBindFirstAccount(communities []string) string {
	return "请先绑定您家地址，再下单。\n" + textBindHowToAccount(communities)
}

func textBindBeforeAccount(communities []string) string {
	return "您还没有绑定地址，请先绑定，再发一次。\n" + textBindHowToAccount(communities)
}

// textBindWhich offers the communities an address fits.
func textBindWhich(a orders.Address, communities []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s在好几个小区都有，请问是哪个小区？\n", a)
	for i, c := range communities {
		fmt.Fprintf(&b, "%d. %s\n", i+1, c)
	}
	fmt.Fprintf(&b, "请回复：绑定 1（或：绑定 %s）", communities[0])
	return b.String()
}

// textBindNoCommunity answers an address whose building no community of
// the account has.
func textBindNoCommunity(building string, communities []string) string {
	return fmt.Sprintf("%s没有%s栋。\n请写上小区名，例如：绑定 %s 3栋2单元501", strings.Join(communities, "、"), building, communities[0])
}

func textBoundIn(community string, a orders.Address) string {
	return fmt.Sprintf("已绑定：%s %s\n现在可以下单了，例如：蔬菜包2份\n地址不对请重新发\"绑定 小区名 新地址\"。", community, a)
}

func textBound(a orders.Address) string {
	return fmt.Sprintf("已绑定：%s\n现在可以下单了，例如：蔬菜包2份\n地址不对请重新发\"绑定 新地址\"。", a)
}

// textBoundNew answers a new binding (see bindAt): textBound and what is
// kept of the resident, for retainDays.
func textBoundNew(a orders.Address, retainDays int) string {
	return textBound(a) + "\n" + actions.PrivacyNotice(retainDays)
}

// textBindPending answers a binding that waits for the household
// (members) or, with nobody bound there, its building's lead.
func textBindPending(a orders.Address, members bool) string {
	who := "楼栋长"
	if members {
		who = "这户已经绑定的家人"
	}
	return fmt.Sprintf("%s已经有人绑定或下过单了。\n已请%s确认，同意后会马上通知您。\n在这之前您看不到、也改不了这户的订单。", a, who)
}

// textBindPendingKnown: a household the office lists or the lead marked
// is bound only with its lead's yes, even when nobody lives there yet.
func textBindPendingKnown(a orders.Address) string {
	return fmt.Sprintf("%s是社区登记过的住户，绑定要楼栋长确认。\n已请楼栋长确认，同意后会马上通知您。\n在这之前您看不到、也改不了这户的订单。", a)
}

// textBindRefusedLately: the household said no to this person within a
// day; asking again pages nobody.
func textBindRefusedLately(a orders.Address) string {
	return fmt.Sprintf("%s的家人或楼栋长没有同意您绑定，24小时内不能再申请这户。\n地址写错了请发对的地址；有疑问请找楼栋长。", a)
}

// textBindTooMany: the person has as many binding requests waiting as
// they may.
const textBindTooMany = "您已经有3个绑定申请在等回复了，先等对方回复再申请。\n有疑问请找楼栋长。"

func textBindNobodyToAsk(a orders.Address) string {
	return fmt.Sprintf("%s已经有人绑定或下过单了，需要楼栋长确认，但现在找不到楼栋长。\n请联系社区，这次没有绑定。", a)
}

const textBindAnswerHowTo = "请回复通知里的四位数字，例如：同意绑定 1234"

func textBindCodeNotFound(code string) string {
	return fmt.Sprintf("没有找到绑定申请 %s，可能已经处理过或过期了。", code)
}

func textBindApproved(a orders.Address) string {
	return fmt.Sprintf("已同意，对方现在绑定到%s了。", a)
}

func textBindRefused(a orders.Address) string {
	return fmt.Sprintf("已拒绝，对方没有绑定到%s。", a)
}

const textNotBound = "您还没有绑定地址。\n请发：绑定 3栋2单元501"

func textUnbound(a orders.Address) string {
	return fmt.Sprintf("已解绑%s。\n以后要下单请重新发\"绑定 地址\"。", a)
}

const textUnbindHowTo = "解绑自己请发：解绑\n楼栋长查看某户绑定的人请发：解绑 3-2-501"

// textMembers lists a household's members for its lead, by when each
// bound (the bot knows no names).
func textMembers(a orders.Address, members []orders.Binding) string {
	if len(members) == 0 {
		return fmt.Sprintf("%s现在没有人绑定。", a)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s绑定了%d人：\n", a, len(members))
	for i, m := range members {
		fmt.Fprintf(&b, "%d. %d月%d日绑定\n", i+1, m.At.Month(), m.At.Day())
	}
	fmt.Fprintf(&b, "要解绑第几位请发：解绑 %s 序号", a.Household())
	return b.String()
}

func textMemberRemoved(a orders.Address, n int) string {
	return fmt.Sprintf("已把第%d位从%s解绑，已通知对方。", n, a)
}

// textHelpAgain answers a household's further cries while the first is
// with the team.
const textHelpAgain = "已经转给志愿者和楼栋长了，他们会尽快联系您。\n有生命危险请马上打120。"

// textCall119 starts the answer to a cry about a fire or a gas leak,
// instead of textCall120.
const textCall119 = "着火、漏气请马上打119，有人受伤打120！\n"

// textForFire turns the answer to a cry (textHelpPassed, textHelpUnbound,
// textHelpAgainTo) into one about a fire or a gas leak: 119 first.
func textForFire(reply string) string {
	reply = strings.Replace(reply, textCall120, textCall119, 1)
	return strings.Replace(reply, "有生命危险请马上打120。", "着火、漏气请马上打119，有人受伤打120。", 1)
}

// textHelpAgainTo answers further cries while the first is with whom it
// reached (to): the staff, when the sender is not bound or the grid's
// team could not be reached; nobody yet, when WeChat holds it.
func textHelpAgainTo(to urgent.Reach, bound bool) string {
	switch {
	case to == urgent.Held || to == urgent.Nobody:
		return textCall120 + textCryHeld + "。"
	case to == urgent.Staff:
		return "已经转给社区工作人员了，他们会尽快联系您。\n有生命危险请马上打120。"
	case !bound:
		return "已经转给社区工作人员和楼栋长了，他们会尽快联系您。\n有生命危险请马上打120。"
	}
	return textHelpAgain
}

// textWhatWeHave heads the catalog sent to someone asking what there is.
const textWhatWeHave = "可以买这些，直接发名字和数量就行，例如：蔬菜包2份\n"

const textSlowDown = "您发得太快了，请过一分钟再发。\n着急的事请打120或社区电话。"

// textTooLong refuses a message too long to read; a lead may paste a
// long 接龙 (up to about 1500 households).
func textTooLong(lead bool) string {
	if lead {
		return "这段太长了，没有处理。\n请把接龙分成几段发，每段不超过1000户。"
	}
	return "这条消息太长了，没有处理。\n请只写地址和要买的东西，例如：蔬菜包2份"
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

func textNegativeQty(names []string, example string) string {
	return fmt.Sprintf("%s的数量不对（不能是负数）。\n这次没有下单，请写要几份，例如：%s", strings.Join(names, "、"), example)
}

func textNotWhole(names []string, example string) string {
	return fmt.Sprintf("%s要按整份买，不能写半份或小数。\n这次没有下单，请写整数，例如：%s", strings.Join(names, "、"), example)
}

// textUnclearQty answers 蔬菜包 鸡蛋 共2件: how many of each is not said.
func textUnclearQty(names []string, example string) string {
	return fmt.Sprintf("看不出%s各要几份。\n这次没有下单，请每样写上数量，例如：%s", strings.Join(names, "、"), example)
}

func textTooMany(names []string) string {
	return fmt.Sprintf("%s的数量太多了（一次最多%d）。\n这次没有下单，请改好后重新发送。", strings.Join(names, "、"), orders.MaxQty)
}

func textSoldOut(name, unit string, left int) string {
	if left <= 0 {
		return fmt.Sprintf("抱歉，%s已经卖完了，这次没有下单。\n可以去掉它再发一次。", name) + textWaitHint
	}
	return fmt.Sprintf("抱歉，%s只剩%d%s了，这次没有下单。\n请改少一点再发一次。", name, left, unit) + textWaitHint
}

// textOverLimit: n is the order day the order counted for (the open
// day), whose limits are used up. After the cutoff that is tomorrow's.
func textOverLimit(name, unit string, limit, left int, n orders.DayNote) string {
	head := fmt.Sprintf("%s每户每天限购%d%s，您家", name, limit, unit)
	if n.Offset > 0 {
		head = fmt.Sprintf("%s每户每天限购%d%s。今天已截单，现在下的单算%s的，您家", name, limit, unit, dayWord(n.Offset))
	}
	if left <= 0 {
		return fmt.Sprintf("%s%s已经买够了，这次没有下单。\n%s可以再买。", head, dayWord(n.Offset), nextOrderDay(n))
	}
	return fmt.Sprintf("%s%s还能买%d%s，这次没有下单。\n请改一下数量再发。", head, dayWord(n.Offset), left, unit)
}

// dayWord names a day by how many days it is after today.
func dayWord(offset int) string {
	switch offset {
	case -1:
		return "昨天"
	case 0:
		return "今天"
	case 1:
		return "明天"
	case 2:
		return "后天"
	}
	if offset < 0 {
		return fmt.Sprintf("%d天前", -offset)
	}
	return fmt.Sprintf("%d天后", offset)
}

// dateWord is 12月1日.
func dateWord(t time.Time) string { return fmt.Sprintf("%d月%d日", t.Month(), t.Day()) }

// nextOrderDay says when orders start to count for the order day after
// n's (its limits are fresh): at n's cutoff, or when n's day ends.
func nextOrderDay(n orders.DayNote) string {
	if !n.Cutoff.IsZero() {
		return dayWord(n.Offset) + n.Cutoff.Format("15:04") + "以后"
	}
	return dayWord(n.Offset + 1)
}

// textWhen says when the goods of an order day come and, for the day
// orders count for now, what the cutoff does: 12月1日送（20:00后下单算明天）.
// It is "" when there is nothing to say beyond "today" (no schedules).
func textWhen(n orders.DayNote) string {
	head, note := whenWords(n)
	if note == "" && n.Delivery.IsZero() {
		return "" // an open day without schedules: just today
	}
	return head + note
}

// whenWords are the two halves of textWhen: 12月1日送 (or 12月1日的订单
// when no round is scheduled) and （20:00后下单算明天） or "".
func whenWords(n orders.DayNote) (head, note string) {
	if !n.Delivery.IsZero() {
		head = dateWord(n.Delivery) + "送"
	} else if d, err := time.Parse(time.DateOnly, n.Day); err == nil {
		head = dateWord(d) + "的订单"
	}
	switch {
	case n.Overdue:
		note = "（还没送到）"
	case n.Open && n.Offset > 0:
		note = fmt.Sprintf("（今天已截单，算%s的）", dayWord(n.Offset))
	case n.Open && !n.Cutoff.IsZero():
		note = fmt.Sprintf("（%s后下单算明天）", n.Cutoff.Format("15:04"))
	case n.Closed:
		note = "（已截单）"
	}
	return head, note
}

// textPlaced confirms an order: its number, where and when it goes, its
// lines, how to pay (pay, "" for nothing to pay) and how to cancel.
func textPlaced(o orders.Order, n orders.DayNote, pay string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "下单成功！订单号 %s\n送到：%s\n", o.ID, o.Address)
	if when := textWhen(n); when != "" {
		b.WriteString(when + "\n")
	}
	writeLines(&b, o)
	if pay != "" {
		b.WriteString(pay + "\n")
	}
	fmt.Fprintf(&b, "取消请发：取消 %s", o.ID)
	return b.String()
}

// textPlacedUnconfirmed answers an order that was written but that no
// replica confirmed holding in time (see orders.Ack.Unconfirmed): it is
// there unless Redis fails over right now, so the resident checks.
func textPlacedUnconfirmed(o orders.Order) string {
	var b strings.Builder
	fmt.Fprintf(&b, "收到您的订单（订单号 %s），系统正在确认保存。\n", o.ID)
	writeLines(&b, o)
	b.WriteString("请过一分钟发\"我的订单\"看看：有这一单就是下好了，不用再下；没有的话请再发一次。")
	return b.String()
}

func writeLines(b *strings.Builder, o orders.Order) {
	for _, l := range o.Lines {
		fmt.Fprintf(b, "%s %d%s %s\n", l.Name, l.Qty, l.Unit, yuan(l.PriceFen*int64(l.Qty)))
	}
	fmt.Fprintf(b, "合计 %s\n", yuan(o.TotalFen))
	if o.Note != "" {
		fmt.Fprintf(b, "备注：%s（会转告志愿者）\n", o.Note)
	}
}

func textNoOrders() string {
	return "您家现在没有订单。\n下单请发：蔬菜包2份"
}

var statusWords = map[orders.Status]string{
	orders.StatusAwaitingRx: "待审核",
	orders.StatusPending:    "待配送",
	orders.StatusAssigned:   "配送中",
	orders.StatusReceived:   "已收到",
	orders.StatusDelivered:  "已送达",
	orders.StatusCancelled:  "已取消",
}

// textOrderList lists a household's orders; a pending one says when it
// comes (days: where the order days stand).
func textOrderList(list []orders.Order, more int, days orders.Days) string {
	var b strings.Builder
	b.WriteString("您家的订单：\n")
	for _, o := range list {
		fmt.Fprintf(&b, "%s【%s】%s %s", o.ID, statusWords[o.Status], orders.Goods(o.Lines), yuan(o.TotalFen))
		if o.Status != orders.StatusCancelled && o.TotalFen > 0 || o.Pay.Held() > 0 || o.Pay.Status == orders.PayRefunded {
			b.WriteString(" " + payText(o))
		}
		if n := days.Note(o.Day); o.Status == orders.StatusPending && !n.Delivery.IsZero() && !n.Overdue {
			fmt.Fprintf(&b, "（%s送）", dateWord(n.Delivery))
		}
		b.WriteString("\n")
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

// textDeclined answers goods written as not wanted (鸡蛋不要了, 大米1袋
// 不要鸡蛋): nothing was ordered; how to cancel an order already placed,
// and how to order the other goods alone (want: 大米1袋).
func textDeclined(names []string, open []orders.Order, want string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您说不要%s，这次没有下单。", strings.Join(names, "、"))
	if len(open) > 0 {
		ids := make([]string, len(open))
		for i, o := range open {
			ids[i] = o.ID
		}
		fmt.Fprintf(&b, "\n要取消已经下的订单，请发：取消 %s\n可以取消的订单：%s", ids[0], strings.Join(ids, "、"))
	}
	if want != "" {
		fmt.Fprintf(&b, "\n要买别的，请只发要的东西和数量：%s", want)
	}
	return b.String()
}

// textCancelOneAtATime answers a cancel naming several orders: none was
// cancelled (one message, one cancel), and how to send each.
func textCancelOneAtATime(ids []string) string {
	var b strings.Builder
	b.WriteString("一次只能取消一个订单，这次没有取消。请一条一条发：")
	for _, id := range ids {
		fmt.Fprintf(&b, "\n取消 %s", id)
	}
	return b.String()
}

func textCancelled(o orders.Order) string {
	refund := ""
	if o.Pay.RefundFen > 0 {
		refund = fmt.Sprintf("\n已付的%s会退给您（楼栋长或社区退）。", yuan(o.Pay.RefundFen))
	}
	return fmt.Sprintf("已取消订单 %s。%s\n需要的话可以重新下单。", o.ID, refund)
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

// textCatalog lists what can be ordered, then the free packs, which
// nobody orders: they are handed out to every household.
func textCatalog(items []catalog.Item, left map[string]int) string {
	var b strings.Builder
	b.WriteString("可以买的东西：\n")
	var free []string
	for _, it := range items {
		if it.FreeOnly {
			free = append(free, it.Name)
			continue
		}
		fmt.Fprintf(&b, "%s %s/%s", it.Name, yuan(it.PriceFen), it.Unit)
		switch n, ok := left[it.SKU]; {
		case it.Limited() && ok && n <= 0:
			b.WriteString("（已卖完）")
		case it.LimitPerHousehold > 0:
			fmt.Fprintf(&b, "（每户每天限%d%s）", it.LimitPerHousehold, it.Unit)
		}
		b.WriteString("\n")
	}
	if len(free) > 0 {
		fmt.Fprintf(&b, "免费发放（不用下单，社区发放时送到每户）：%s\n", strings.Join(free, "、"))
	}
	b.WriteString("下单请发：蔬菜包2份")
	return b.String()
}

// textAboutGoods answers a question about items (还有鸡蛋吗, 鸡蛋多少钱):
// each one's price and whether any are left, then how to order them.
func textAboutGoods(items []catalog.Item, left map[string]int) string {
	var b strings.Builder
	example := ""
	for _, it := range items {
		if it.FreeOnly {
			fmt.Fprintf(&b, "%s：社区免费发放，不用下单，发放时送到门口。\n", it.Name)
			continue
		}
		fmt.Fprintf(&b, "%s %s/%s，", it.Name, yuan(it.PriceFen), it.Unit)
		switch n, ok := left[it.SKU]; {
		case it.Limited() && ok && n <= 0:
			b.WriteString("已卖完。\n")
			continue
		case it.LimitPerHousehold > 0:
			fmt.Fprintf(&b, "还有（每户每天限%d%s）。\n", it.LimitPerHousehold, it.Unit)
		default:
			b.WriteString("还有。\n")
		}
		if example == "" {
			example = it.Name + "1" + it.Unit
		}
	}
	b.WriteString("这次没有下单。")
	if example != "" {
		fmt.Fprintf(&b, "要买请发名字和数量，例如：%s", example)
	}
	return b.String()
}

// textWhenItComes answers 鸡蛋什么时候到: the day and state of each order
// are in 我的订单.
const textWhenItComes = "这次没有下单。\n您家订单哪天送、送到没有，请发\"我的订单\"查看。\n着急请联系楼栋长。"

// yuan renders fen as 50元 or 12.5元.
func yuan(fen int64) string { return orders.Yuan(fen) }

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

// textNoSuchBuilding answers a lead who named a building the community
// does not have, with the buildings they lead.
func textNoSuchBuilding(building string, mine []string) string {
	own := make([]string, len(mine))
	for i, m := range mine {
		own[i] = m + "栋"
	}
	return fmt.Sprintf("本社区没有%s栋，没有改动。\n您负责的楼栋：%s", building, strings.Join(own, "、"))
}

func textDeliverNothing(where string) string {
	return fmt.Sprintf("%s没有待送的订单。\n发\"汇总\"看待送的订单。", where)
}

func itemsText(lines []orders.Line) string { return orders.Goods(lines) }

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

// textLeadCancelNotFound answers a lead's 取消 <订单号> for an order they
// did not place (a resident's own is cancelled by household).
func textLeadCancelNotFound(id string) string {
	return fmt.Sprintf("没有找到您登记的订单 %s。\n要取消一户的全部订单，请发：取消 3-2-501", id)
}

func textReceived(done []orders.Order) string {
	ids := make([]string, len(done))
	for i, o := range done {
		ids[i] = o.ID
	}
	return fmt.Sprintf("好的，已确认收到（订单%s）。谢谢！", strings.Join(ids, "、"))
}

var shortStatus = map[orders.Status]string{
	orders.StatusAwaitingRx: "（待审核）",
	orders.StatusAssigned:   "（配送中）",
	orders.StatusDelivered:  "（已送）",
	orders.StatusReceived:   "（已收）",
}

// textSummary is a lead's 汇总: list holds their orders in address order,
// grouped here by order day, each day said as people understand it.
const textSummaryHowTo = "看本楼订单请发：汇总\n只看一个单元请发：汇总 2单元"

// summaryHead names what a 汇总 covers: 3、5栋, or 3栋2单元.
func summaryHead(buildings []string, unit string) string {
	if unit != "" && len(buildings) == 1 {
		return buildings[0] + "栋" + unit + "单元"
	}
	if unit != "" {
		return strings.Join(buildings, "、") + "栋的" + unit + "单元"
	}
	return strings.Join(buildings, "、") + "栋"
}

// textSummaryLinked is a 汇总 too long for a reply: the counts and
// totals, and the page with every household.
func textSummaryLinked(buildings []string, unit string, list []orders.Order, totals []orders.Line, link string) string {
	households := map[string]bool{}
	open := 0
	for _, o := range list {
		households[o.Household()] = true
		if o.Status.Open() {
			open++
		}
	}
	return fmt.Sprintf("%s的订单：%d户 %d单，待送%d单\n合计：%s\n户数太多，每一户的明细（可以打印）：\n%s\n只看一个单元请发：汇总 2单元",
		summaryHead(buildings, unit), len(households), len(list), open, itemsText(totals), link)
}

func textSummary(buildings []string, unit string, list []orders.Order, totals []orders.Line, days orders.Days) string {
	var b strings.Builder
	households := map[string]bool{}
	open, rx := 0, 0
	var dayList []string
	for _, o := range list {
		households[o.Household()] = true
		switch {
		case o.Status.Open():
			open++
		case o.Status == orders.StatusAwaitingRx:
			rx++
		}
		if !slices.Contains(dayList, o.Day) {
			dayList = append(dayList, o.Day)
		}
	}
	fmt.Fprintf(&b, "%s的订单：%d户 %d单\n", summaryHead(buildings, unit), len(households), len(list))
	if len(list) == 0 {
		b.WriteString("还没有订单。")
		if when := textWhen(days.Note(days.Open)); when != "" {
			b.WriteString("\n现在下单：" + when)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "待送%d单，", open)
	if rx > 0 {
		fmt.Fprintf(&b, "待审核%d单，", rx)
	}
	fmt.Fprintf(&b, "已送达%d单\n", len(list)-open-rx)
	fmt.Fprintf(&b, "合计：%s", itemsText(totals))
	slices.Sort(dayList)
	for _, day := range dayList {
		heading := textWhen(days.Note(day))
		if heading == "" {
			heading = "今天的订单"
		}
		b.WriteString("\n" + heading + "：")
		unit := ""
		for _, o := range list {
			if o.Day != day {
				continue
			}
			u := buildingUnit(o.Address)
			if u != unit {
				unit = u
				b.WriteString("\n" + u + "：")
			} else {
				b.WriteString("；")
			}
			free := ""
			if o.Distribution != "" {
				free = "（免费）" // a free pack: the lead hands it over, no payment
			}
			note := ""
			if o.Note != "" {
				note = "（" + o.Note + "）"
			}
			fmt.Fprintf(&b, "%s %s%s%s%s", o.Address.Room, itemsText(o.Lines), free, note, shortStatus[o.Status])
		}
	}
	return b.String() // the caller fits it, or links to the page
}

// pasteView is what a pasted list did.
type pasteView struct {
	jielong    bool
	title      string
	lead       string // who pasted: their orders are 您别的接龙登记的
	report     orders.ListReport
	rejected   []orders.RejectedLine
	overridden []orders.OverriddenLine
	totals     []orders.Line
	households int
	catalog    *catalog.Catalog
	// days is where the order days stand: what the orders' days and the
	// limits are called.
	days orders.Days
}

// refusal says in a few words why a line was not ordered; open is the
// order day a line counts for (its limits).
func refusal(err error, cat *catalog.Catalog, open orders.DayNote) string {
	var short *orders.ShortageError
	if errors.As(err, &short) {
		name, unit := short.SKU, ""
		if it, ok := cat.Item(short.SKU); ok {
			name, unit = it.Name, it.Unit
		}
		switch {
		case errors.Is(err, orders.ErrLimit) && short.Left > 0:
			return fmt.Sprintf("%s每户每天限%d%s，这户%s还能买%d%s", name, short.Limit, unit, dayWord(open.Offset), short.Left, unit)
		case errors.Is(err, orders.ErrLimit):
			return fmt.Sprintf("%s每户每天限%d%s，这户%s的已买够", name, short.Limit, unit, dayWord(open.Offset))
		case short.Left > 0:
			return fmt.Sprintf("%s只剩%d%s了", name, short.Left, unit)
		}
		return fmt.Sprintf("%s卖完了", name)
	}
	if errors.Is(err, orders.ErrForbidden) {
		return "不是您负责的楼栋"
	}
	if shape := (*orders.ShapeError)(nil); errors.As(err, &shape) {
		return shape.Reason
	}
	if errors.Is(err, orders.ErrFreeOnly) {
		return "免费发放的东西，不用接龙"
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
	if r.Interrupted {
		fmt.Fprintf(&b, "系统繁忙，这次%s只登记了一部分：共%d户\n", kind, v.households)
	} else {
		fmt.Fprintf(&b, "%s已登记：共%d户\n", kind, v.households)
	}
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
	b.WriteString(pastedWhen(r, v.days))
	if r.Interrupted {
		b.WriteString(textPasteUnfinished(r, v.jielong))
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
			text := fmt.Sprintf("%s %s：%s", at, x.Address, refusal(x.Err, v.catalog, v.days.Note(v.days.Open)))
			if x.Order.ID != "" {
				text += "，原来的订单" + x.Order.ID + "不变"
			}
			if len(x.Others) > 0 {
				text += "（已有" + othersText(x.Others, v.lead) + "）"
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
	b.WriteString(pastedHeld(r, v.lead))
	b.WriteString(pastedTwice(r, v.lead))
	for _, o := range v.overridden {
		b.WriteString(textOverridden(o) + "\n")
	}
	b.WriteString(rxPasted(r))
	if len(v.totals) > 0 {
		fmt.Fprintf(&b, "合计：%s\n", itemsText(v.totals))
	}
	if v.jielong && v.households > 0 && !r.Interrupted {
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

// pastedTwice names the households a paste ordered for that already had
// an order of the day with other goods, from another of the lead's lists
// (an edited title makes another list), their own WeChat or anyone:
// both stand until the lead cancels one.
func pastedTwice(r orders.ListReport, lead string) string {
	var twice []string
	example, all := "", "您别的接龙登记的"
	for _, x := range r.Results {
		if x.Outcome != orders.OutcomeCreated || len(x.Others) == 0 {
			continue
		}
		had := "已有订单" + orderIDs(x.Others)
		for _, o := range x.Others {
			if whose(o, lead) != all {
				had, all = othersText(x.Others, lead), ""
				break
			}
		}
		twice = append(twice, fmt.Sprintf("%s（%s，新订单%s）", x.Address, had, x.Order.ID))
		example = firstNonEmpty(example, x.Order.ID)
	}
	if len(twice) == 0 {
		return ""
	}
	return fmt.Sprintf("这几户今天已有%s订单，这次又下了一单：%s。重复了就取消一单，例如发：取消 %s\n", firstNonEmpty(all, "别的"), strings.Join(twice, "、"), example)
}

// pastedHeld names the households of a 接龙 that already had an order of
// the same goods that the lead did not place (their own, mostly): the
// list placed none for them.
func pastedHeld(r orders.ListReport, lead string) string {
	var b strings.Builder
	for _, who := range []string{"自己下的", "别人登记的"} {
		var held []orders.ListResult
		for _, x := range r.Results {
			if x.Outcome == orders.OutcomeHeld && whose(x.Order, lead) == who {
				held = append(held, x)
			}
		}
		had := "自己已经下了"
		if who != "自己下的" {
			had = "已经有别人登记的"
		}
		switch len(held) {
		case 0:
		case 1:
			fmt.Fprintf(&b, "%s %s一样的订单%s，这次没有再下\n", held[0].Address, had, held[0].Order.ID)
		default:
			names := make([]string, len(held))
			for i, x := range held {
				names[i] = fmt.Sprintf("%s（订单%s）", x.Address, x.Order.ID)
			}
			fmt.Fprintf(&b, "这几户%s一样的订单，这次没有再下：%s\n", had, strings.Join(names, "、"))
		}
	}
	return b.String()
}

// whose says who placed order o, as a lead reads it before its id:
// 自己下的 (the household, from WeChat), 您别的接龙登记的 (lead placed
// it), 别人登记的.
func whose(o orders.Order, lead string) string {
	switch {
	case o.Channel == orders.ChannelWeChat || o.Channel == orders.ChannelVoice:
		return "自己下的"
	case o.PlacedBy == "" || o.PlacedBy == lead:
		return "您别的接龙登记的"
	}
	return "别人登记的"
}

// othersText names a household's other orders by who placed them:
// 自己下的订单1002、您别的接龙登记的订单0998.
func othersText(os []orders.Order, lead string) string {
	var whos []string
	ids := map[string][]orders.Order{}
	for _, o := range os {
		w := whose(o, lead)
		if ids[w] == nil {
			whos = append(whos, w)
		}
		ids[w] = append(ids[w], o)
	}
	parts := make([]string, len(whos))
	for i, w := range whos {
		parts[i] = w + "订单" + orderIDs(ids[w])
	}
	return strings.Join(parts, "、")
}

// counted reports whether a household of a paste has an order for the
// list's goods: placed, changed, unchanged or already held.
func counted(o orders.ListOutcome) bool {
	return o == orders.OutcomeCreated || o == orders.OutcomeUpdated || o == orders.OutcomeUnchanged || o == orders.OutcomeHeld
}

// pastedWhen says when the households a paste ordered for get their
// goods: one line, split by order day when a re-paste after the cutoff
// has some on the closed day and some on the next ("" without schedules).
func pastedWhen(r orders.ListReport, days orders.Days) string {
	count := map[string]int{}
	var dayList []string
	for _, x := range r.Results {
		if !counted(x.Outcome) {
			continue
		}
		if x.Order.Status != orders.StatusPending && x.Order.Status != orders.StatusAssigned {
			continue // delivered, or waiting for a prescription
		}
		if count[x.Order.Day] == 0 {
			dayList = append(dayList, x.Order.Day)
		}
		count[x.Order.Day]++
	}
	slices.Sort(dayList)
	var parts []string
	for _, day := range dayList {
		n := days.Note(day)
		if textWhen(n) == "" {
			continue
		}
		head, note := whenWords(n)
		if len(dayList) > 1 {
			head += fmt.Sprintf("%d户", count[day])
		}
		parts = append(parts, head+note)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "，") + "\n"
}

// textPasteUnfinished says, for a paste the store cut short, which
// households may have been changed (the write went out, no answer came
// back), which were not reached, and what to do: paste again, which
// doubles nothing.
func textPasteUnfinished(r orders.ListReport, jielong bool) string {
	var b strings.Builder
	unsure := map[orders.ListOutcome][]orders.ListResult{}
	var notDone []orders.ListResult
	for _, x := range r.Results {
		switch x.Outcome {
		case orders.OutcomeUnknown:
			unsure[x.Tried] = append(unsure[x.Tried], x)
		case orders.OutcomeNotDone:
			notDone = append(notDone, x)
		}
	}
	for _, u := range []struct {
		tried orders.ListOutcome
		what  string
	}{{orders.OutcomeCreated, "下单"}, {orders.OutcomeUpdated, "修改"}, {orders.OutcomeCancelled, "取消"}} {
		if xs := unsure[u.tried]; len(xs) > 0 {
			fmt.Fprintf(&b, "没等到结果，可能已经%s：%s（%d户），发\"汇总\"核对\n", u.what, lineSpans(xs), len(xs))
		}
	}
	if len(notDone) > 0 {
		fmt.Fprintf(&b, "这次没来得及处理：%s（%d户）\n", lineSpans(notDone), len(notDone))
	}
	what := "这些订单"
	if jielong {
		what = "整个接龙"
	}
	fmt.Fprintf(&b, "请过几分钟把%s再发一次：已登记的不会重复，没登记的会补上。\n", what)
	return b.String()
}

// lineSpans names lines the way lineName does, each run of consecutive
// ones as a span: 第401–500条、第733条.
func lineSpans(xs []orders.ListResult) string {
	var spans []string
	for i := 0; i < len(xs); {
		first, unit := lineRef(xs[i].Number, xs[i].Line)
		last, j := first, i
		for ; j+1 < len(xs); j++ {
			n, u := lineRef(xs[j+1].Number, xs[j+1].Line)
			if u != unit || n != last+1 {
				break
			}
			last = n
		}
		if j == i {
			spans = append(spans, fmt.Sprintf("第%d%s", first, unit))
		} else {
			spans = append(spans, fmt.Sprintf("第%d–%d%s", first, last, unit))
		}
		i = j + 1
	}
	return strings.Join(spans, "、")
}

// lineName names a line the way the lead can find it: by its 接龙 number
// when it has one, else by its line in the message.
func lineName(number, line int) string {
	n, unit := lineRef(number, line)
	return fmt.Sprintf("第%d%s", n, unit)
}

// textOverridden says which two lines of a paste were one household and
// that the later was kept, by the numbers the lead sees in the group
// (第2条和第14条), not by the message's line numbers.
func textOverridden(o orders.OverriddenLine) string {
	first, later := lineName(o.Number, o.Line), lineName(o.ByNumber, o.By)
	door := o.Household
	if a, err := orders.ParseHousehold(o.Household); err == nil {
		door = a.String()
	}
	return fmt.Sprintf("%s和%s是同一户（%s），按%s登记", first, later, door, later)
}

// lineRef is what lineName says: the entry number and 条, or the line
// number and 行.
func lineRef(number, line int) (int, string) {
	if number > 0 {
		return number, "条"
	}
	return line, "行"
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

// textTasks lists a volunteer's round: each stop with its order's goods
// as they are now (a shortfall may have cut them) and whether it is
// delivered or cancelled.
func textTasks(ro orders.Roster, sh orders.Share, now map[string]orders.Order, loc *time.Location) string {
	var b strings.Builder
	t := ro.Slot.In(loc)
	left := 0
	for _, st := range sh.Stops {
		if o := now[st.OrderID]; o.Status.Open() {
			left++
		}
	}
	fmt.Fprintf(&b, "您的任务（%d月%d日 %02d:%02d，%s网格）：共%d户，还剩%d户\n", t.Month(), t.Day(), t.Hour(), t.Minute(), ro.Grid, len(sh.Stops), left)
	collect := false // some household pays at the door
	for _, st := range sh.Stops {
		o, known := now[st.OrderID]
		lines := st.Lines
		if known && len(o.Lines) > 0 {
			lines = o.Lines
		}
		mark := ""
		switch o.Status {
		case orders.StatusCancelled:
			mark = "（已取消，不用送）"
		case orders.StatusDelivered, orders.StatusReceived:
			mark = "（已送）"
		}
		note := ""
		if st.Note != "" {
			note = "（备注：" + st.Note + "）"
		}
		if fen := o.ToCollect(); fen > 0 { // delivered too, until recorded
			mark += "，应收" + yuan(fen)
			collect = true
		}
		fmt.Fprintf(&b, "%d. %s %s%s%s\n", st.Seq, stopWhere(st), itemsText(lines), note, mark)
	}
	b.WriteString("送到后回复：完成 序号")
	if collect {
		b.WriteString("\n收了钱回复：完成 序号 已收款")
	}
	return fit(b.String())
}

func textDoneNoStop(ref string, n int) string {
	if len(ref) >= 4 { // an order id: another volunteer's, or another day's
		return fmt.Sprintf("订单 %s 不在您这一轮的配送单上，没有记送达。您这一轮共%d户，发\"任务\"看序号。", ref, n)
	}
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

// textSignUpHowTo asks for what a volunteer's sign-up lacks.
func textSignUpHowTo(noName, noPhone bool) string {
	what := "名字和手机号"
	switch {
	case !noName:
		what = "手机号"
	case !noPhone:
		what = "名字（称呼）"
	}
	return fmt.Sprintf("报名当志愿者请写上%s，住户和楼栋长要知道谁来送、怎么联系您。\n例如：报名志愿者 林师傅 13800001111", what)
}

func textSignedUp(code string, leadTold bool) string {
	if !leadTold {
		return fmt.Sprintf("已报名（编号%s）。您的楼栋还没有楼栋长，请联系社区网格员。", code)
	}
	return fmt.Sprintf("已报名（编号%s），谢谢您！\n楼栋长同意后会通知您。", code)
}

// textSignedUpAlready: the person's application waits already.
func textSignedUpAlready(code string) string {
	return fmt.Sprintf("您已经报过名了（编号%s），在等楼栋长同意，不用再报。", code)
}

func textApplicationNotFound(code string) string {
	return fmt.Sprintf("没有找到编号%s的报名，可能已经处理过了。", code)
}

func textApproved(a orders.Application) string {
	return fmt.Sprintf("已同意%s的居民当%s网格的志愿者，已通知本人。", a.Address, a.Grid)
}

func textReadyAlready(day string) string {
	return fmt.Sprintf("%s的备货完成已经通知过志愿者了。", day)
}

func textReady(day string, told int) string {
	return fmt.Sprintf("好的，%s的货已备好，已通知%d位志愿者来取。", day, told)
}

// ---- Prescriptions (处方药) ----

const (
	// textRxNoOrder answers an image when no order waits for a photo.
	textRxNoOrder = "收到您的图片，谢谢。\n暂时只能看懂文字消息，您家现在也没有等处方照片的订单。\n下单请直接发文字，例如：蔬菜包2份"
	textRxHowTo   = "审核处方请这样回复：\n审核 1001 通过\n审核 1001 驳回 原因（例如：照片看不清）"
	textRxOnly    = "只有供药的药房、本楼栋长和社区工作人员可以审核处方。"
)

// rxNames lists the prescription medicine of lines: 胰岛素注射液、…
func rxNames(lines []orders.Line) string {
	names := make([]string, len(lines))
	for i, l := range lines {
		names[i] = l.Name
	}
	return strings.Join(names, "、")
}

// textPlacedRx confirms an order that waits for a prescription; rx are
// its prescription medicine.
func textPlacedRx(o orders.Order, rx []orders.Line) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已登记，订单号 %s\n送到：%s\n", o.ID, o.Address)
	writeLines(&b, o)
	fmt.Fprintf(&b, "%s是处方药，审核后才能配送：\n请直接在这里发一张处方或药盒的照片（拍清药名）。\n收到照片后订单就交给药房。\n", rxNames(rx))
	fmt.Fprintf(&b, "取消请发：取消 %s", o.ID)
	return b.String()
}

// textRxPhotoReceived answers the resident's photo.
func textRxPhotoReceived(list []orders.Order) string {
	ids := make([]string, len(list))
	for i, o := range list {
		ids[i] = o.ID
	}
	return fmt.Sprintf("收到照片了！订单%s已交给药房，药房会核对照片。\n送到前会通知您；发\"我的订单\"看进度。", strings.Join(ids, "、"))
}

func textRxNoSuchOrder(id string) string {
	return fmt.Sprintf("没有找到订单 %s。", id)
}

func textRxNotRx(id string) string {
	return fmt.Sprintf("订单 %s 没有处方药，不用审核。", id)
}

func textRxRejectWhy(id string) string {
	return fmt.Sprintf("驳回请写上原因，住户才知道怎么办，例如：\n审核 %s 驳回 照片看不清，请重拍处方", id)
}

func textRxAlreadyApproved(id string) string {
	return fmt.Sprintf("订单 %s 已经审核通过了。", id)
}

// textRxTooLate answers a review of an order that cannot take it.
func textRxTooLate(o orders.Order) string {
	switch o.Status {
	case orders.StatusCancelled:
		return fmt.Sprintf("订单 %s 已经取消了，不用审核。", o.ID)
	case orders.StatusAssigned:
		return fmt.Sprintf("订单 %s 正在配送，不能再审核了。\n有问题请联系送货的志愿者。", o.ID)
	case orders.StatusDelivered, orders.StatusReceived:
		return fmt.Sprintf("订单 %s 已经送达，不能再审核了。", o.ID)
	}
	return fmt.Sprintf("订单 %s 刚刚有了变化，请再发一次。", o.ID)
}

// rxTold says whether the household heard of a review.
func rxTold(notified bool) string {
	if notified {
		return "已通知住户。"
	}
	return "这户没有绑定微信，请打电话或上门告诉他们。"
}

func textRxApproved(o orders.Order, notified bool) string {
	return fmt.Sprintf("已审核通过订单 %s（%s），交给药房备药。%s", o.ID, o.Address, rxTold(notified))
}

func textRxRejected(o orders.Order, reason string, notified bool) string {
	return fmt.Sprintf("已驳回订单 %s（%s）：%s\n订单已取消，库存已退回。%s", o.ID, o.Address, reason, rxTold(notified))
}

// rxPasted lists the orders of a paste that wait for a prescription, for
// the lead's reply ("" when none).
func rxPasted(r orders.ListReport) string {
	var waiting []string
	for _, x := range r.Results {
		if x.Order.Status == orders.StatusAwaitingRx && x.Outcome != orders.OutcomeRefused {
			waiting = append(waiting, fmt.Sprintf("%s（订单%s）", x.Address, x.Order.ID))
		}
	}
	if len(waiting) == 0 {
		return ""
	}
	return fmt.Sprintf("处方药要审核：%s\n请住户发处方或药盒照片，或您看过处方后回复：审核 订单号 通过\n", strings.Join(waiting, "、"))
}

// ---- Urgent requests and vulnerable households ----

// textCall120 starts every answer to a cry for help: 120 first.
const textCall120 = "有生命危险请先打120！\n"

// textHelpPassed answers a bound resident's cry for help: who has it now
// (to), the doors it named, and the office's phone when no volunteer or
// lead has it.
func textHelpPassed(to urgent.Reach, doors []orders.Address, phone string) string {
	var b strings.Builder
	b.WriteString(textCall120)
	switch to {
	case urgent.Staff:
		b.WriteString("您的网格现在没有能联系上的志愿者和楼栋长，已马上转告社区工作人员")
	case urgent.Nobody:
		b.WriteString("现在找不到志愿者、楼栋长和社区工作人员")
	case urgent.Held:
		b.WriteString(textCryHeld)
	default:
		b.WriteString("已马上转告志愿者和楼栋长")
	}
	b.WriteString(textCryDoors(doors))
	if to != urgent.Nobody && to != urgent.Held {
		b.WriteString("，他们会尽快上门或联系您。")
	} else {
		b.WriteString("。")
	}
	if phone != "" && to != urgent.Team {
		fmt.Fprintf(&b, "\n社区电话：%s", phone)
	}
	return b.String()
}

// textHelpUnbound answers a cry for help from someone who has not bound
// an address: 120, who has it (staff, and the leads of a building it
// named), the office's phone, and how to bind for next time.
func textHelpUnbound(to urgent.Reach, doors []orders.Address, phone string) string {
	var b strings.Builder
	b.WriteString(textCall120)
	switch to {
	case urgent.Nobody:
		b.WriteString("现在找不到社区工作人员")
	case urgent.Held:
		b.WriteString(textCryHeld)
	case urgent.Team:
		b.WriteString("已马上转告社区工作人员和楼栋长")
	default:
		b.WriteString("已马上转告社区工作人员")
	}
	b.WriteString(textCryDoors(doors) + "。")
	if phone != "" {
		fmt.Fprintf(&b, "\n社区电话：%s", phone)
	}
	b.WriteString("\n先绑定家里地址（例如：绑定 3栋2单元501），以后求助会直接发给您楼的志愿者。")
	return b.String()
}

// textCryOrderFailed follows the answer to a cry whose goods could not be
// ordered (the cry itself went out).
const textCryOrderFailed = "要买的东西这次没有下单成功，请过一会儿再发一次要买的东西（不用再写求助的话）。"

// communityPhone is a community's office phone, for the answer to a cry.
type communityPhone struct{ name, phone string }

// textPhones writes the office phones of the communities a cry went to:
// the phone alone for one, each with its community's name for several.
func textPhones(ps []communityPhone) string {
	if len(ps) == 1 {
		return ps[0].phone
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.name + " " + p.phone
	}
	return strings.Join(parts, "、")
}

// textJielongLine names a line of a lead's paste: 接龙第2条, or 第5行 for
// a line without an entry number.
func textJielongLine(number, line int) string {
	if number > 0 {
		return fmt.Sprintf("接龙第%d条", number)
	}
	return fmt.Sprintf("第%d行", line)
}

// textCryLine says, first in the answer to a lead's paste, that a line of
// it cried for help and who has it now.
func textCryLine(number, line int, to urgent.Reach, doors []orders.Address, again bool) string {
	where := textJielongLine(number, line)
	switch {
	case again:
		return where + "的求助之前已经转告过了。"
	case to == urgent.Nobody:
		return where + "像是有人求助，但现在找不到志愿者、楼栋长和社区工作人员，请马上打电话。"
	case to == urgent.Staff:
		return where + "像是有人求助，已马上转告社区工作人员" + textCryDoors(doors) + "。"
	}
	return where + "像是有人求助，已马上转告志愿者和楼栋长" + textCryDoors(doors) + "。"
}

// textCryLineFailed: a line of a lead's paste cried for help and the page
// failed.
func textCryLineFailed(number, line int) string {
	return textJielongLine(number, line) + "像是有人求助，但现在转告不出去，请马上打电话给志愿者或社区。"
}

// textCryDoors names the doors a cry mentions: （说的是3栋9单元102）.
func textCryDoors(doors []orders.Address) string {
	if len(doors) == 0 {
		return ""
	}
	names := make([]string, len(doors))
	for i, d := range doors {
		names[i] = d.String()
	}
	return "（说的是" + strings.Join(names, "、") + "）"
}

const (
	textMarkHowTo = "标记需要多关照的住户，例如：\n标记 3-2-501 独居老人\n可以标：独居老人、孕妇、透析、残疾、低保\n" +
		"去掉：取消标记 3-2-501（全部去掉）\n或：取消标记 3-2-501 孕妇\n" +
		"标记了的住户下单会马上通知志愿者，排班时排在最前面。标记只有志愿者和楼栋长看得到。"
	textClaimHowTo         = "请写上要领取的订单号，例如：领取 1005"
	textClaimNotAllowed    = "只有这个网格的志愿者、楼栋长和社区工作人员可以领取这个订单。"
	textAnotherVolunteer   = "另一位志愿者"
	textCommunityVolunteer = "社区志愿者"
)

// marksText renders marks as 独居老人、透析.
func marksText(ms []orders.Mark) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, "、")
}

// markNote follows an address for volunteers and leads: （独居老人）, or ""
// for none.
func markNote(ms []orders.Mark) string {
	if len(ms) == 0 {
		return ""
	}
	return "（" + marksText(ms) + "）"
}

// stopWhere is a roster stop's door for its volunteer: 【急】 first when
// urgent, the household's marks after.
func stopWhere(st orders.Stop) string {
	tag := ""
	if st.Urgent {
		tag = "【急】"
	}
	return tag + st.Address.String() + markNote(st.Marks)
}

// buildingUnit is 3栋2单元 (or 3栋): where someone lives, without the door.
func buildingUnit(a orders.Address) string { return a.Entrance() }

func textMarkUnknown(words []string) string {
	return fmt.Sprintf("没有“%s”这种标记。\n可以标：%s\n例如：标记 3-2-501 独居老人", strings.Join(words, "、"), marksText(orders.MarkKinds))
}

func textMarked(a orders.Address, all []orders.Mark) string {
	return fmt.Sprintf("已标记%s：%s。\n这户下单会马上通知志愿者，排班时排在最前面。", a, marksText(all))
}

func textMarksOf(a orders.Address, ms []orders.Mark) string {
	if len(ms) == 0 {
		return fmt.Sprintf("%s现在没有标记。\n要标记请写上类别，例如：标记 %s 独居老人", a, a.Household())
	}
	return fmt.Sprintf("%s的标记：%s。\n要去掉请发：取消标记 %s", a, marksText(ms), a.Household())
}

func textUnmarkNothing(a orders.Address, hasMarks bool) string {
	if !hasMarks {
		return fmt.Sprintf("%s没有标记，没有改动。", a)
	}
	return fmt.Sprintf("%s没有这个标记，没有改动。发\"标记 %s\"看它的标记。", a, a.Household())
}

// textUnmarked: removed is what the lead asked to take off (none: all).
func textUnmarked(a orders.Address, removed, left []orders.Mark) string {
	if len(removed) == 0 {
		return fmt.Sprintf("已去掉%s的全部标记。", a)
	}
	if len(left) == 0 {
		return fmt.Sprintf("已去掉%s的“%s”标记，这户现在没有标记了。", a, marksText(removed))
	}
	return fmt.Sprintf("已去掉%s的“%s”标记，还有：%s。", a, marksText(removed), marksText(left))
}

// textMarkedList answers a lead's bare 标记.
func textMarkedList(list []markedHousehold) string {
	if len(list) == 0 {
		return "您负责的楼栋还没有标记的住户。\n" + textMarkHowTo
	}
	var b strings.Builder
	fmt.Fprintf(&b, "您负责的楼栋里标记了的住户（%d户）：\n", len(list))
	for _, m := range list {
		fmt.Fprintf(&b, "%s %s\n", m.addr, marksText(m.marks))
	}
	b.WriteString("加标记：标记 3-2-501 独居老人\n去掉：取消标记 3-2-501")
	return fit(b.String())
}

// textSummaryMarks heads a lead's 汇总 with the marked households of
// their buildings, or is "" when there are none.
func textSummaryMarks(list []markedHousehold) string {
	if len(list) == 0 {
		return ""
	}
	parts := make([]string, len(list))
	for i, m := range list {
		parts[i] = m.addr.String() + markNote(m.marks)
	}
	return fmt.Sprintf("重点关照%d户：%s\n", len(list), strings.Join(parts, "、"))
}

// textUrgentPlaced answers a resident's urgent order; to says who was
// told at once.
func textUrgentPlaced(o orders.Order, to urgent.Reach) string {
	var b strings.Builder
	fmt.Fprintf(&b, "急需订单已收到！订单号 %s\n送到：%s\n", o.ID, o.Address)
	writeLines(&b, o)
	switch to {
	case urgent.Staff:
		b.WriteString("已马上转给社区工作人员安排，有人领取后会告诉您。\n")
	case urgent.Nobody:
		b.WriteString("已记下是急需，会排在最前面配送。\n")
	case urgent.Lead, urgent.Held:
		b.WriteString(textUrgentReached(to) + "\n")
	default:
		b.WriteString("已马上转给本网格的志愿者，有人领取后会告诉您谁来送。\n")
	}
	fmt.Fprintf(&b, "取消请发：取消 %s", o.ID)
	return b.String()
}

// textUrgentOpen answers an urgent request whose goods are all in the
// household's open urgent order: nothing new placed, nobody paged again.
func textUrgentOpen(o orders.Order, holder string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "已经在处理：急需订单 %s（%s）\n", o.ID, itemsText(o.Lines))
	if holder != "" {
		fmt.Fprintf(&b, "%s已领取，正在给您送来。", holder)
	} else {
		b.WriteString("还没人领取，已经通知了志愿者和楼栋长，请稍等，不用再发。")
	}
	return b.String()
}

// textUrgentJoined: the new goods were added to the household's open
// urgent order, which nobody claimed yet.
func textUrgentJoined(o orders.Order) string {
	return fmt.Sprintf("已加到正在处理的急需订单 %s，现在是：%s。\n还没人领取，已经通知了志愿者和楼栋长，请稍等。\n取消请发：取消 %s", o.ID, itemsText(o.Lines), o.ID)
}

// textUrgentJoinedClaimer: the new goods are an order of their own, for
// the volunteer already on the way.
func textUrgentJoinedClaimer(o orders.Order, holder string) string {
	return fmt.Sprintf("已加上：急需订单 %s（%s），%s会一起送来。", o.ID, itemsText(o.Lines), holder)
}

// urgentOrderLine is an urgent order for volunteers, leads and staff:
// door, marks, goods.
func urgentOrderLine(o orders.Order, marks []orders.Mark) string {
	if len(marks) == 0 {
		return fmt.Sprintf("%s %s", o.Address, itemsText(o.Lines))
	}
	return fmt.Sprintf("%s%s%s", o.Address, markNote(marks), itemsText(o.Lines))
}

func textUrgentPasted(pushed []orders.Address, to urgent.Reach) string {
	parts := make([]string, len(pushed))
	for i, a := range pushed {
		parts[i] = a.String()
	}
	switch to {
	case urgent.Lead, urgent.Held:
		return fmt.Sprintf("急需的%d户：%s。\n%s", len(pushed), strings.Join(parts, "、"), textUrgentReached(to))
	case urgent.Staff:
		return fmt.Sprintf("急需的%d户已马上通知社区工作人员：%s。", len(pushed), strings.Join(parts, "、"))
	case urgent.Nobody:
		return fmt.Sprintf("急需的%d户已记下，会排在最前面配送：%s。", len(pushed), strings.Join(parts, "、"))
	}
	return fmt.Sprintf("急需的%d户已马上通知本网格的志愿者：%s。", len(pushed), strings.Join(parts, "、"))
}

func textClaimNotFound(id string) string {
	return fmt.Sprintf("没有找到订单 %s，请核对订单号。", id)
}

func textClaimNotUrgent(id string) string {
	return fmt.Sprintf("订单 %s 不是急需订单，会按排班配送，不用领取。", id)
}

// textClaimTaken: who is 3栋2单元501的志愿者 or 另一位志愿者.
func textClaimTaken(o orders.Order, who string) string {
	return fmt.Sprintf("订单 %s 已经由%s领取了，不用再去了。谢谢您！", o.ID, who)
}

func textClaimYours(o orders.Order) string {
	return fmt.Sprintf("订单 %s 已经是您领取的了。\n送到后回复：完成 %s", o.ID, o.ID)
}

func textClaimClosed(o orders.Order) string {
	switch o.Status {
	case orders.StatusDelivered, orders.StatusReceived:
		return fmt.Sprintf("订单 %s 已经送到了，不用再送。", o.ID)
	case orders.StatusCancelled:
		return fmt.Sprintf("订单 %s 已经取消了，不用送。", o.ID)
	}
	return fmt.Sprintf("订单 %s 现在还不能领取。", o.ID)
}

// textClaimed answers the volunteer who won the claim. told: the
// household was told on WeChat.
func textClaimed(o orders.Order, marks []orders.Mark, told bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "好的，订单 %s 交给您了：\n%s\n", o.ID, urgentOrderLine(o, marks))
	switch {
	case told:
		b.WriteString("已告诉住户您在路上。\n")
	case o.Contact != "":
		fmt.Fprintf(&b, "这户没有微信（电话%s，号码问楼栋长），到了请敲门。\n", orders.MaskPhone(o.Contact))
	default:
		b.WriteString("这户没有绑定微信，到了请敲门。\n")
	}
	fmt.Fprintf(&b, "送到后回复：完成 %s", o.ID)
	return b.String()
}

func textClaimDone(o orders.Order, notified bool) string {
	told := "已通知住户。"
	if !notified {
		told = "这户没有绑定微信，请敲门或打电话告诉他们。"
	}
	return fmt.Sprintf("已记下订单 %s 送达。%s\n谢谢您！", o.ID, told)
}

// ---- Free packs (政府蔬菜包) ----

const textFreeOnly = "这是社区免费发放的，每户都有，不用下单。\n发放时楼栋长或志愿者会送到门口。"

// ---- Voice messages (语音) ----

// pendingMinutes is how long a read-back order waits, as said.
var pendingMinutes = int(pendingTTL.Minutes())

var (
	textVoiceNothing   = "没听出您要做什么。\n要下单请说要买的东西，例如：蔬菜包两份\n确认刚才听到的订单请说\"是\"。"
	textConfirmNothing = fmt.Sprintf("现在没有等您确认的订单（听到的订单要在%d分钟内回复\"是\"）。\n"+
		"要下单请直接说或打字，例如：蔬菜包2份\n发\"我的订单\"看已经下的订单。", pendingMinutes)
	textDenyNothing = "现在没有等您确认的订单。\n已经下的订单要取消，请发：取消 订单号\n发\"我的订单\"可以看订单号。"
)

// textHeard starts every answer to a voice message.
func textHeard(heard string) string { return fmt.Sprintf("您说的是：\"%s\"\n", heard) }

// textVoiceSaid is a resident's words as speech recognition heard them,
// as the team reads them.
func textVoiceSaid(heard string) string {
	return "【语音】" + heard + "\n（语音转的文字，可能有错字）"
}

// textUnheard answers a voice message without words. a is the sender's
// address (zero when unbound); lead whether their building has a lead.
func textUnheard(a orders.Address, lead bool) string {
	var b strings.Builder
	b.WriteString("抱歉，没听清您的语音。\n请打字发给我们，例如：蔬菜包2份\n")
	switch {
	case a.IsZero():
		b.WriteString("不方便打字的话，请找您楼的楼栋长帮忙下单：楼栋长发一行\"楼号-单元-门牌 要买的东西\"就能替您下，例如：\n3-2-501 蔬菜包2份\n")
	case lead:
		fmt.Fprintf(&b, "不方便打字的话，请找%s栋的楼栋长帮忙下单，楼栋长发这一行就能替您下：\n%s 蔬菜包2份\n", a.Building, a.Household())
	default:
		b.WriteString("不方便打字的话，请家人或邻居帮您打字发。\n")
	}
	b.WriteString("有急事请马上打120或社区电话。")
	return b.String()
}

// readBackView is an order heard in a voice message, read back before it
// is placed.
type readBackView struct {
	// goods is what will be ordered: 蔬菜包2份.
	goods string
	// guessed are words heard and the goods taken for them (树菜包 →
	// 蔬菜包); unknown the words left out.
	guessed [][2]string
	unknown []string
	// medicine and many say why it is read back.
	medicine, many bool
}

func textReadBack(v readBackView) string {
	var b strings.Builder
	for _, g := range v.guessed {
		fmt.Fprintf(&b, "\"%s\"没听清，是不是%s？\n", g[0], g[1])
	}
	if len(v.unknown) > 0 {
		fmt.Fprintf(&b, "\"%s\"没听懂或没有卖，这次不算。\n", strings.Join(v.unknown, "、"))
	}
	fmt.Fprintf(&b, "听到的是：%s。\n", v.goods)
	switch {
	case v.medicine:
		b.WriteString("药品要跟您核对一下。\n")
	case v.many:
		b.WriteString("数量比较多，跟您核对一下。\n")
	}
	fmt.Fprintf(&b, "确认请回复\"是\"，不对请重说或打字（%d分钟内有效）。", pendingMinutes)
	return b.String()
}

// textDenied answers 不对 to an order read back.
func textDenied(goods string) string {
	return fmt.Sprintf("好的，刚才听到的\"%s\"不下了。\n请再说一遍或打字，例如：蔬菜包2份", goods)
}

// textConfirmAlready answers 是 when the order read back was placed since.
func textConfirmAlready(o orders.Order) string {
	return fmt.Sprintf("这单已经下好了：订单 %s（%s）。\n发\"我的订单\"可以看。", o.ID, itemsText(o.Lines))
}

// textConfirmSuperseded answers 是 when another order was placed after
// goods were read back: that one is what was meant.
func textConfirmSuperseded(o orders.Order, goods string) string {
	return fmt.Sprintf("您后来又下了订单 %s（%s），刚才听到的\"%s\"就不下了。\n还要的话请再说一遍或打字。", o.ID, itemsText(o.Lines), goods)
}

// ---- The community console (管理后台) ----

// textConsoleStaffOnly answers 登录 from anyone not in community.admins:
// no link, and no hint of what is behind it.
const textConsoleStaffOnly = "这个功能只给社区工作人员使用。\n下单、查订单请发\"帮助\"看用法。"

// textConsoleLink gives a staff member their one-time sign-in link.
func textConsoleLink(link string) string {
	return "社区管理后台登录链接（10分钟内有效，只能用一次，请不要转发）：\n" + link + "\n过期了再发\"登录\"要一个新的。"
}

// -- 我是谁 (whoami.go) --

// textWhoAmI tells a sender their openid, to give to the office, and what
// they are in community: their roles and their household ("" for none).
func textWhoAmI(openid, community string, roles []string, home string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "您的编号（openid）是：\n%s\n", openid)
	b.WriteString("社区登记您当楼栋长、志愿者或超市联系人时要用这串编号：长按这条消息复制，发给社区工作人员；也可以告诉他们您刚发过\"我是谁\"，他们在管理后台的\"人员\"里能找到您。")
	if len(roles) > 0 {
		fmt.Fprintf(&b, "\n您在%s是：%s", community, strings.Join(roles, "、"))
	}
	if home != "" {
		fmt.Fprintf(&b, "\n您家绑定的地址：%s", home)
	}
	return b.String()
}

// Roles as 我是谁 names them.
const textRoleStaff = "社区工作人员（发\"登录\"进管理后台）"

func textRoleLeadOf(buildings []string) string {
	return "楼栋长（" + strings.Join(buildings, "栋、") + "栋）"
}

func textRoleVolunteerOf(grid string) string { return "志愿者（" + grid + "网格）" }

func textRoleSupplierOf(name string) string { return name + "的联系人（收备货单）" }

// -- waiting lists (到货通知, waitlist.go) --

// textWaitHint follows a sold-out answer.
const textWaitHint = "\n到货时想收到通知，请回复：到货通知"

// textWaitWhich asks which item a bare 到货通知 is for.
const textWaitWhich = "请说要等哪样东西到货，例如：到货通知 鸡蛋"

// textWaiting: the resident is on the item's waiting list, place-th.
func textWaiting(name string, place int, added bool) string {
	if !added {
		return fmt.Sprintf("您已经在等%s到货了（排在第%d位），到货会马上通知您。", name, place)
	}
	return fmt.Sprintf("好的，%s到货后马上通知您（您排在第%d位）。\n收到通知后请自己再下单，先到先得。", name, place)
}

// textWaitInStock: nothing to wait for, left units are there (0: the
// item has no limited stock).
func textWaitInStock(name string, left int, unit string) string {
	if left <= 0 {
		return fmt.Sprintf("%s不限量，不用等，直接下单就行，例如：%s1%s", name, name, unit)
	}
	return fmt.Sprintf("%s现在还有%d%s，不用等，直接下单，例如：%s1%s", name, left, unit, name, unit)
}

// -- buildings with their real shape (community.grids[].buildings) --

// textBindNotHere answers a binding Locate refused: a building the
// community does not have, or an address outside its building's shape.
// textNoSuchDoor: a door outside its building's shape (no such unit or
// floor).
func textNoSuchDoor(reason string) string {
	return fmt.Sprintf("没有这个门牌：%s。\n请检查后重新发送。", reason)
}

func textBindNotHere(err error, community, building string, buildings []string) string {
	if shape := (*orders.ShapeError)(nil); errors.As(err, &shape) {
		return fmt.Sprintf("没有这个门牌：%s。\n请检查后重新发送，例如：绑定 3栋2单元501", shape.Reason)
	}
	return textBindUnknownBuilding(community, building, buildings)
}

// ---- Notices nothing could push, carried by a reply (missed.go) ----

// textMissedHead heads the notices held for someone, put before the
// answer to their message.
func textMissedHead(n int) string { return fmt.Sprintf("【您有%d条没收到的通知】\n", n) }

// textMissedMore links the held notices that do not fit in the reply.
func textMissedMore(n int, link string) string {
	return fmt.Sprintf("（另外%d条点这里看：%s）\n", n, link)
}

// textMissedItem is one held notice: when it was made, then its text.
func textMissedItem(n orders.Notice, loc *time.Location) string {
	t := n.CreatedAt
	if loc != nil {
		t = t.In(loc)
	}
	return fmt.Sprintf("▶ %d月%d日 %02d:%02d\n%s\n", t.Month(), t.Day(), t.Hour(), t.Minute(), n.Text)
}

// textMissedEnd parts the held notices from the answer itself.
const textMissedEnd = "——以上是之前没发到的通知——\n"

// textCryHeld: a cry nobody can be reached for now (WeChat's rules).
const textCryHeld = "志愿者、楼栋长和社区工作人员现在都收不到微信消息（他们最近没给公众号发消息），他们一打开公众号就会看到，请一定直接打电话"

// textUrgentReached says honestly who an urgent request reached when the
// grid's volunteers could not be (WeChat lets the account message only
// those who wrote to it lately).
func textUrgentReached(to urgent.Reach) string {
	if to == urgent.Lead {
		return "本网格的志愿者现在收不到微信消息，已马上转给楼栋长，有人领取后会告诉您。"
	}
	return "志愿者、楼栋长和社区工作人员现在都收不到微信消息（他们最近没给公众号发消息），他们一打开公众号就会看到。很急的话请直接打电话给楼栋长或社区。"
}

// ---- Greetings (greet.go) ----

const (
	textGreetVolunteer = "您好！您是志愿者。\n发\"任务\"看这一轮的配送任务，送到后回复\"完成 序号\"；急单回复\"领取 订单号\"。"
	textGreetLead      = "您好！您是楼栋长。\n发\"汇总\"看本楼的订单；把群里的接龙整段贴过来就能给各户下单；送到后发\"送达 3栋\"。"
	textGreetStaff     = "您好！发\"登录\"打开管理后台。"
	textGreetSupplier  = "您好！收到备货单后备好货请回复\"备货完成\"。"
	textGreetResident  = "您好！下单请直接发，例如：蔬菜包2份\n发\"商品\"看能买什么，发\"我的订单\"看订单。"
)

// textThanks answers thanks with greeting, a greeting's answer (您好！…):
// 不客气 in its place.
func textThanks(greeting string) string {
	return "不客气！" + strings.TrimPrefix(greeting, "您好！")
}

// textGreetStranger answers someone not bound yet.
func textGreetStranger(howTo string) string { return "您好！" + howTo }

// ---- Voices without words (listen.go) ----

// textPhotoNotReceived: a photo could not be fetched (too large, gone).
const textPhotoNotReceived = "照片没收到，请再发一次。\n照片太大的话，请拍清楚处方那一部分再发。"

// textVoiceNotReceived: the voice could not be fetched (too large, gone).
const textVoiceNotReceived = "语音没收到，请再说一次或打字。\n有急事请马上打120或社区电话。"

// textVoicePassedOn tells an elder whose voice had no words who will
// listen to it, honestly when they cannot be reached now.
func textVoicePassedOn(a orders.Address, res actions.VoiceResult) string {
	var b strings.Builder
	switch res.To {
	case actions.VoiceLead:
		fmt.Fprintf(&b, "您的语音已经转给%s栋的楼栋长，他听了会帮您下单或联系您。", a.Building)
	case actions.VoiceVolunteers:
		b.WriteString("您的语音已经转给本网格的志愿者，他们听了会联系您。")
	default:
		b.WriteString("您的语音已经转给社区工作人员，他们听了会联系您。")
	}
	if !res.Reached {
		b.WriteString("\n他们现在收不到微信消息，下次打开公众号就会听到；有急事请直接打电话给楼栋长或社区。")
	}
	b.WriteString("\n也可以打字发给我们，例如：蔬菜包2份")
	return b.String()
}

// ---- Role menus (menu.go) ----

// textCutoffInfo answers the lead's 截单时间 button: when is what an order
// now counts for ("" without schedules).
func textCutoffInfo(when string) string {
	if when == "" {
		return "截单由社区统一安排。截单后发\"汇总\"看这一轮要送的单。"
	}
	return "现在下的单：" + when + "。\n截单后发\"汇总\"看这一轮要送的单；截单由社区统一安排。"
}

// ---- Money (收款、退款、缺货) ----

// payWords say where an order's money stands, for 我的订单.
var payWords = map[orders.PayStatus]string{
	orders.PayUnpaid: "未付", orders.PayClaimed: "待确认", orders.PayPaid: "已付",
	orders.PayFree: "免付", orders.PayRefundDue: "待退", orders.PayRefunded: "已退",
}

// payText is an order's payment as its household reads it: 未付, 已付,
// 待退20元.
func payText(o orders.Order) string {
	switch {
	case o.Pay.Status == "":
		return ""
	case o.Pay.Status == orders.PayRefundDue:
		return payWords[o.Pay.Status] + yuan(o.Pay.RefundFen)
	case o.Pay.Status == orders.PayRefunded:
		return payWords[o.Pay.Status] + yuan(o.Pay.RefundedFen)
	case o.Pay.PaidFen > 0 && o.Owed() > 0:
		// Paid, then the order grew: the difference is still owed.
		return "已付" + yuan(o.Pay.PaidFen) + "，还差" + yuan(o.Owed())
	}
	return payWords[o.Pay.Status]
}

// textHowToPay says how an order is paid for, in the answer that
// confirms it: at the door, to the lead, or to the supplier's code (a
// link to its picture).
func textHowToPay(method orders.PayMethod, code string) string {
	switch method {
	case orders.PayGroup:
		return "付款：楼栋长在群里收款（群收款）。"
	case orders.PayCode:
		if code != "" {
			return "付款：请扫超市的收款码付款，付完发\"已付款 订单号\"。收款码：" + code
		}
		return "付款：请按超市的收款码付款，付完发\"已付款 订单号\"。"
	}
	return "付款：送到时付给志愿者（现金或转账）。"
}

const (
	textCollectHowTo       = "请写上收了哪几户的钱，例如：已收款 3-2-501 3-2-502\n也可以把群收款的名单整个贴过来。"
	textCollectAmountHowTo = "请这样写收款：完成 3 已收50（第3户，收了50元）。\n收的正好是应收的钱，也可以写：完成 3 已收款"
	textClaimPaidHowTo     = "请写上订单号，例如：已付款 1001"
	textRefundHowTo        = "请写上订单号，例如：已退款 1001"
	textShortHowTo         = "请写上缺哪样、缺多少，例如：缺货 蔬菜包 20"
	textShortNotYours      = "只有供应这样东西的超市或药店、社区工作人员可以登记缺货。"
	textShortNoPicklist    = "今天和昨天都还没有发备货单，还不能登记缺货。"
)

// textDoorPayment says what became of the money a volunteer took at the
// door for the stop (or order) ref: recorded, or not (the reason, and what
// to send once it is right), with the delivery recorded anyway.
func textDoorPayment(o orders.Order, ref string, fen int64, err error) string {
	var pe *orders.PaymentError
	switch {
	case err == nil:
		return fmt.Sprintf("已记下收款%s（订单 %s）。", yuan(fen), o.ID)
	case errors.As(err, &pe) && errors.Is(err, orders.ErrAmount):
		return fmt.Sprintf("收款没有记下：订单 %s 应收%s，您写的是%s。请核对后再发：完成 %s 已收%s", o.ID, yuan(pe.Want), yuan(fen), ref, strings.TrimSuffix(yuan(pe.Want), "元"))
	case errors.As(err, &pe):
		return fmt.Sprintf("收款没有记下：订单 %s 现在是%s，不用再收。", o.ID, payText(pe.Order))
	}
	return fmt.Sprintf("收款没有记下，请稍后再发：完成 %s 已收款", ref)
}

// textCollected answers a lead's 已收款: the orders now paid, door by
// door, and the doors that owed nothing.
func textCollected(res []actions.DoorPayments) string {
	var b strings.Builder
	var none []string
	paid, total := 0, int64(0)
	for _, d := range res {
		if len(d.Paid) == 0 {
			none = append(none, d.Address.String())
			continue
		}
		for _, o := range d.Paid {
			c := o.Pay.Collected()
			fen := c[len(c)-1].Fen // this collection
			paid++
			total += fen
			fmt.Fprintf(&b, "%s 订单%s %s\n", d.Address, o.ID, yuan(fen))
		}
	}
	head := fmt.Sprintf("已记下收款：%d单，共%s。\n", paid, yuan(total))
	if paid == 0 {
		head = "没有记下收款。\n"
	}
	if len(none) > 0 {
		fmt.Fprintf(&b, "这些户没有要收的钱（已付、免费或没有订单），没有改动：%s", strings.Join(none, "、"))
	}
	return strings.TrimRight(head+b.String(), "\n")
}

// textPaidClaimed answers a resident's 已付款: waiting for whoever took
// the money to confirm.
func textPaidClaimed(o orders.Order) string {
	return fmt.Sprintf("好的，订单 %s（%s）记为\"待确认\"，收款的人确认后就是\"已付\"。", o.ID, yuan(o.Pay.ClaimedFen))
}

// textPayAlready: the order's money needs no word from the household.
func textPayAlready(o orders.Order) string {
	if o.Status == orders.StatusCancelled {
		return fmt.Sprintf("订单 %s 已经取消了，不用付款。", o.ID)
	}
	return fmt.Sprintf("订单 %s 现在是\"%s\"，不用再说。", o.ID, payText(o))
}

// textRefunded answers a lead's 已退款.
func textRefunded(o orders.Order) string {
	return fmt.Sprintf("已记下：订单 %s 退给住户%s。", o.ID, yuan(o.Pay.LastRefund()))
}

// textNoRefundDue: nothing is owed back on the order (nothing is
// refunded twice).
func textNoRefundDue(o orders.Order) string {
	return fmt.Sprintf("订单 %s 现在是\"%s\"，没有要退的钱，没有改动。", o.ID, payText(o))
}

// textShortDone answers a supplier's 缺货: what was taken off which
// orders, and that everyone was told.
func textShortDone(res actions.ShortfallResult) string {
	it := res.Item
	if len(res.Orders) == 0 {
		return fmt.Sprintf("%s缺%d%s，和之前登记的一样，没有改动。", it.Name, res.Qty, it.Unit)
	}
	told := 0
	for _, o := range res.Orders {
		if o.Told {
			told++
		}
	}
	return fmt.Sprintf("已登记：%s %s缺%d%s。\n已从%d单里去掉（先去掉最晚下的单，独居老人等重点户和免费包最后），已通知%d户，有%d户没绑微信请楼栋长告诉他们；志愿者的任务也改了。新的备货单会再发给您。",
		res.Day, it.Name, res.Qty, it.Unit, len(res.Orders), told, len(res.Orders)-told)
}

// textShortDown: a shortfall report smaller than the earlier one.
func textShortDown(name string, before int) string {
	return fmt.Sprintf("%s之前登记了缺%d，已经告诉住户了，不能改少。\n多出来的货请联系社区安排。", name, before)
}

// textShortTooBig: a number no shortfall can be (a typo, most likely).
func textShortTooBig(name string, qty, max int) string {
	return fmt.Sprintf("缺%d太多了（一次最多%d），没有登记。\n请核对数量再发，例如：缺货 %s 20", qty, max, name)
}

// textShortTooLarge: more than is still to deliver.
func textShortTooLarge(name string, qty, open int) string {
	return fmt.Sprintf("%s还要送的一共只有%d，缺%d比这还多，没有登记。\n请核对数量再发，例如：缺货 %s %d", name, open, qty, name, open)
}

// Personal data (privacy.go).

func textAskErase(p actions.ErasePlan) string {
	var b strings.Builder
	b.WriteString("要删除您在这里的个人信息吗？删除后：\n")
	if len(p.Cancel) > 0 {
		fmt.Fprintf(&b, "· 还没配送的%d单（%s）会取消，货退回\n", len(p.Cancel), orderIDs(p.Cancel))
	}
	b.WriteString("· 已送的订单留在台账里，但不再有您的微信、电话和备注\n")
	if p.Bound {
		b.WriteString("· 您会解除绑定，家里其他人不受影响\n")
	}
	if len(p.Roles) > 0 {
		fmt.Fprintf(&b, "· 您将不再是%s，社区会收到通知\n", strings.Join(p.Roles, "、"))
	}
	if len(p.InConfig) > 0 {
		fmt.Fprintf(&b, "· 社区名单上您是%s：社区会收到通知，改了名单后才不再是\n", strings.Join(p.InConfig, "、"))
	}
	b.WriteString("确认请在10分钟内回复：确认删除\n不删就不用回复。")
	return b.String()
}

const textNoErasure = "现在没有要确认的删除。\n如果刚才已经确认过，信息已经删除了；要删除请先发\"删除我的信息\"。"

// textErasing answers a 确认删除 whose erasure goes on after the answer.
const textErasing = "正在删除您的个人信息，几分钟内删完，不用再发。\n以后要买东西，重新发\"绑定 地址\"就行。"

func textErased(p actions.ErasePlan) string {
	if p.Going {
		return textErasing
	}
	var b strings.Builder
	b.WriteString("您的个人信息已删除。")
	if len(p.Cancelled) > 0 {
		fmt.Fprintf(&b, "\n取消了%d单（%s），货已退回。", len(p.Cancelled), orderIDs(p.Cancelled))
	}
	if len(p.OnTheWay) > 0 {
		fmt.Fprintf(&b, "\n订单%s已经在配送，照常送到。", orderIDs(p.OnTheWay))
	}
	if len(p.InConfig) > 0 {
		b.WriteString("\n社区名单上的身份要等社区改了名单才取消。")
	}
	b.WriteString("\n以后要买东西，重新发\"绑定 地址\"就行。")
	return b.String()
}

// orderIDs lists the numbers of os: 1001、1002.
func orderIDs(os []orders.Order) string {
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	return strings.Join(ids, "、")
}
