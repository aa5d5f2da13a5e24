package bot

import (
	"context"
	"strings"

	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// Command words, after zh.Fold. Each is matched as a prefix of the whole
// message.
var (
	helpWords     = []string{"帮助", "help", "?", "怎么用", "使用说明", "菜单", "说明"}
	catalogWords  = []string{"商品", "价格", "价目表", "目录", "有什么", "能买什么", "买什么", "清单"}
	bindWords     = []string{"绑定地址", "绑定", "地址", "我住"}
	approveBind   = []string{"同意绑定", "批准绑定"}
	refuseBind    = []string{"拒绝绑定", "不同意绑定"}
	unbindWords   = []string{"解绑", "解除绑定", "取消绑定"}
	listWords     = []string{"我的订单", "查看订单", "查询订单", "查订单", "订单", "查询"}
	cancelWords   = []string{"取消订单", "取消", "退订", "撤销", "撤消", "不要了"}
	receivedWords = []string{"已收到", "收到了", "收到"}
	reviewWords   = []string{"审核", "审批"}
	claimWords    = []string{"领取订单", "领取", "认领", "接单"}
	tasksWords    = []string{"我的任务", "任务"}
	doneWords     = []string{"完成", "已完成", "送完"}
	signUpWords   = []string{"报名志愿者", "我要当志愿者", "当志愿者"}
	approveWords  = []string{"同意志愿者", "批准志愿者"}
	readyWords    = []string{"备货完成", "已备货", "备好了"}
	unmarkWords   = []string{"取消标记", "去掉标记", "删除标记", "撤销标记"}
	markWords     = []string{"标记"}
	deliverWords  = []string{"已送达", "送达", "已送到", "送到了"}
	summaryWords  = []string{"楼栋汇总", "今日汇总", "汇总", "统计"}
)

// Greetings (issue 19): anyone's 你好 is answered by what they can do,
// after whatever notices could not reach them (see missed.go), instead of
// 没看懂. Matched on the whole message, with its punctuation trimmed.
// Thanks (谢谢, 辛苦了, 👍): answered kindly, as greetings are, instead of
// 没看懂. Matched on the whole message, after the voice read-back's 好的.
var thanksWords = []string{"谢谢", "谢谢你", "谢谢您", "谢谢你们", "谢谢大家", "多谢", "感谢", "感谢你们", "感谢您", "非常感谢", "辛苦了", "辛苦", "辛苦你们了", "辛苦您了", "麻烦了", "麻烦你们了", "谢了", "thanks", "thank you"}

var greetWords = []string{"你好", "您好", "你们好", "在吗", "在不在", "有人吗", "hi", "hello", "嗨", "喂", "早", "早上好", "上午好", "下午好", "晚上好", "哈喽"}

// role is who may use a command.
type role int

const (
	anyone   role = iota
	lead          // leads a building
	supplier      // a supplier's contact
)

// has reports whether m's sender has role r.
func (r role) of(m *Message) bool {
	switch r {
	case lead:
		return len(m.Leads) > 0
	case supplier:
		return m.Supplier != ""
	}
	return true
}

// cmd is one line of the command table.
type cmd struct {
	// words start the message (after zh.Fold); none: match decides.
	words []string
	// bare commands take nothing after their word.
	bare bool
	// match, when set, decides on the whole folded text instead of words.
	match func(b *Bot, m *Message, s string) bool
	// accept, when set, must also hold for what follows the word; when it
	// does not, the next lines of the table are tried.
	accept func(b *Bot, m *Message, rest string) bool
	// who may use it; others fall through to the next lines, or are told
	// denied when it is set.
	who    role
	denied string
	// read is set for commands that write nothing.
	read bool
	run  func(b *Bot, ctx context.Context, m *Message, rest string) (string, error)
	// intent is the command's name for metrics, set once at start (see
	// name): not worked out again on every message.
	intent string
}

func init() {
	for i := range commands {
		commands[i].intent = commands[i].name()
	}
}

// commands is the whole routing of text messages, in precedence order:
// the first line that matches handles the message. A resident's order is
// the last line: whatever nothing else claims is read as goods.
var commands = []cmd{
	{words: helpWords, bare: true, read: true, run: func(b *Bot, _ context.Context, m *Message, _ string) (string, error) { return b.help(m), nil }},
	// issue 19: greetings (greet.go).
	{match: isGreeting, read: true, run: (*Bot).greet},
	{words: consoleWords, bare: true, run: (*Bot).consoleLink},
	// 我是谁 / 我的编号: anyone's openid, for the office (whoami.go).
	{match: asksWhoAmI, read: true, run: (*Bot).whoami},
	{words: catalogWords, bare: true, read: true, run: func(b *Bot, ctx context.Context, _ *Message, _ string) (string, error) { return b.catalogList(ctx) }},
	// 是 / 不对 answer a voice order read back (voice.go); 取消 alone
	// with nothing read back is the resident's cancel.
	{match: saysOnly(confirmWords), run: (*Bot).confirmHeard},
	{match: saysOnly(denyWords), run: (*Bot).denyHeard},
	{match: isThanks, read: true, run: (*Bot).thank},
	{words: approveBind, run: func(b *Bot, ctx context.Context, m *Message, rest string) (string, error) {
		return b.answerBinding(ctx, m, rest, true)
	}},
	{words: refuseBind, run: func(b *Bot, ctx context.Context, m *Message, rest string) (string, error) {
		return b.answerBinding(ctx, m, rest, false)
	}},
	// A cry for help, from anyone, whatever else it holds and whatever
	// word it starts with (我住3栋2单元502，老伴晕倒了，救命 is no binding):
	// before every command. A lead's 接龙 is the one exception: its lines
	// that cry are passed on by the paste, the rest ordered.
	{match: isCry, run: (*Bot).cry},
	// 删除我的信息 and its 确认删除, before 解绑 and 取消: erasing is more.
	{match: asks(eraseWords), run: (*Bot).askErase},
	{match: asks(confirmEraseWords), run: (*Bot).erase},
	{words: unbindWords, run: (*Bot).unbind},
	{words: bindWords, run: (*Bot).bind},
	{words: listWords, bare: true, read: true, run: func(b *Bot, ctx context.Context, m *Message, _ string) (string, error) { return b.myOrders(ctx, m) }},
	{words: receivedWords, accept: onlyThanks, run: func(b *Bot, ctx context.Context, m *Message, _ string) (string, error) { return b.received(ctx, m) }},
	{words: reviewWords, run: (*Bot).review},
	// 领取 <订单号> for the team; 领取 alone for whoever may claim; a
	// resident's 领取 followed by words is theirs (an order).
	{words: claimWords, accept: claimable, run: (*Bot).claimText},
	{words: tasksWords, bare: true, read: true, run: func(b *Bot, ctx context.Context, m *Message, _ string) (string, error) { return b.tasks(ctx, m) }},
	{words: doneWords, accept: finishing, run: (*Bot).done},
	{words: signUpWords, run: (*Bot).signUp},
	{words: approveWords, run: func(b *Bot, ctx context.Context, m *Message, rest string) (string, error) {
		return b.approve(ctx, m, strings.TrimSpace(rest))
	}},
	{words: waitWords, run: (*Bot).waitFor},
	{words: readyWords, bare: true, who: supplier, run: func(b *Bot, ctx context.Context, m *Message, _ string) (string, error) {
		return b.readyAll(ctx, m)
	}},
	// Money: what a supplier cannot pack, what a lead collected or gave
	// back, what a resident paid.
	{words: shortWords, who: supplier, run: (*Bot).shortfall},
	{words: collectedWords, who: lead, denied: textOnlyLeads, run: (*Bot).collectDoors},
	{words: refundedWords, who: lead, denied: textOnlyLeads, run: (*Bot).refunded},
	{words: paidWords, accept: nonEmpty, run: (*Bot).claimPaid},
	// 取消标记 before 取消: it is no cancel.
	{words: unmarkWords, who: lead, denied: textOnlyLeads, run: func(b *Bot, ctx context.Context, m *Message, rest string) (string, error) {
		return b.markText(ctx, m, rest, true)
	}},
	{words: markWords, who: lead, denied: textOnlyLeads, run: func(b *Bot, ctx context.Context, m *Message, rest string) (string, error) {
		return b.markText(ctx, m, rest, false)
	}},
	// 取消 <地址> cancels a household's orders for a lead, 取消 <订单号>
	// an order the lead placed (or their own household's); anyone else's
	// 取消 <订单号> is the resident's cancel.
	{words: cancelWords, who: lead, accept: isAddressOrOrder, run: (*Bot).leadCancel},
	{words: deliverWords, who: lead, denied: textOnlyLeads, run: (*Bot).deliver},
	{words: summaryWords, who: lead, denied: textOnlyLeads, read: true, run: (*Bot).summary},
	{match: isJielong, who: lead, denied: textOnlyLeads, run: (*Bot).paste},
	// A lead's order lines for households (3-2-501 蔬菜包2份); a lead's
	// text without a household is their own order.
	{match: householdLines, who: lead, run: (*Bot).paste},
	{words: cancelWords, run: (*Bot).cancel},
	// 帮我取消1001, 麻烦取消订单1001: the cancel, asked politely (by
	// voice above all).
	{match: politeCancel, run: (*Bot).cancel},
	{match: func(*Bot, *Message, string) bool { return true }, run: (*Bot).order},
}

// politeWords may come before a command: 帮我取消1001. Longest first.
var politeWords = []string{"能不能帮我", "可以帮我", "麻烦帮我", "请帮我", "麻烦你", "帮我", "帮忙", "麻烦", "我要", "我想", "请"}

// politeCancel matches a cancel after polite words (帮我取消1001).
func politeCancel(_ *Bot, _ *Message, s string) bool {
	rest, ok := command(s, politeWords)
	if !ok {
		return false
	}
	_, ok = command(rest, cancelWords)
	return ok
}

// text routes a text message through the command table.
func (b *Bot) text(ctx context.Context, m *Message) (string, error) {
	s := strings.TrimSpace(zh.Fold(m.Content))
	for i, c := range commands {
		if c.denied == "" && !c.who.of(m) {
			continue
		}
		rest, ok := s, true
		if c.match != nil {
			ok = c.match(b, m, s)
		} else {
			rest, ok = command(s, c.words)
		}
		if !ok || (c.bare && rest != "") || (c.accept != nil && !c.accept(b, m, rest)) {
			continue
		}
		if m.arrive != nil && i != len(commands)-1 {
			return "", errNotFast // only an order goes in one step
		}
		if !c.who.of(m) {
			m.readOnly = true
			return c.denied, nil
		}
		m.readOnly, m.intent = c.read, c.intent
		return c.run(b, ctx, m, rest)
	}
	return textNotUnderstood(), nil // unreachable: the last line matches all
}

// command returns the rest of s after one of words, when s starts with one.
func command(s string, words []string) (string, bool) {
	for _, w := range words {
		if rest, ok := strings.CutPrefix(s, w); ok {
			return strings.TrimLeft(rest, " ：:，,"), true
		}
	}
	return "", false
}

func nonEmpty(_ *Bot, _ *Message, rest string) bool { return rest != "" }

// onlyThanks accepts 收到 followed by nothing but thanks and punctuation.
func onlyThanks(_ *Bot, _ *Message, rest string) bool {
	return strings.Trim(rest, "!！。.~👌👍🙏 ") == ""
}

// claimable accepts an order number, or nothing from someone who may
// claim.
func claimable(b *Bot, m *Message, rest string) bool {
	id := strings.Trim(rest, " #号：:")
	if id == "" {
		return len(m.Teams) > 0 || len(m.Leads) > 0 || m.Staff
	}
	return isDigits(id)
}

// finishing accepts 完成 followed by something, or 完成 alone from
// someone who delivers (a volunteer, a lead, staff): for them it is no
// order of goods named 完成, and they are asked which stop.
func finishing(_ *Bot, m *Message, rest string) bool {
	return rest != "" || len(m.Teams) > 0 || len(m.Leads) > 0 || m.Staff
}

// isAddress accepts a household of the community.
func isAddress(b *Bot, _ *Message, rest string) bool {
	_, ok := orders.FindAddress(rest, b.known)
	return ok
}

// isAddressOrOrder accepts a household of the community, an order id, or
// a household alone of a building the community does not have (the lead
// hears there is no such building).
func isAddressOrOrder(b *Bot, m *Message, rest string) bool {
	_, ok := orderRef(rest)
	_, alone := b.leadHousehold(rest)
	return ok || alone || isAddress(b, m, rest)
}

func isJielong(_ *Bot, m *Message, _ string) bool { return orders.IsJielong(m.Content) }

// isCry matches a cry for help (see orders.IsCry), but a lead's 接龙.
func isCry(b *Bot, m *Message, s string) bool {
	return orders.IsCry(b.Catalog, s) && !(len(m.Leads) > 0 && orders.IsJielong(m.Content))
}

// householdLines matches a lead's text that names a household: an order
// line for someone else.
func householdLines(b *Bot, m *Message, s string) bool {
	if len(b.leadLines(m).Orders) > 0 {
		return true
	}
	_, ok := orders.FindAddress(s, b.known)
	return ok
}
