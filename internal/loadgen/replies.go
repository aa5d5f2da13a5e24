package loadgen

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/baogong/baogong/catalog"
)

// The words below are how the tool recognises the bot's answers. They
// mirror bot/replies.go (and its goldens in bot/testdata/replies); keep the
// two in step when a reply text changes. They are the only Chinese the
// tool reads.

// reOrderID finds the order number an answer gives: "下单成功！订单号 1001",
// "已登记，订单号 1001", "急需订单已收到！订单号 1005". An answer with one
// claims that the order exists.
var reOrderID = regexp.MustCompile(`订单号[ \t]*(\d+)`)

// orderKinds names the answers to an order message that give no order
// number, first match wins.
var orderKinds = []struct{ kind, has string }{
	{"busy", "系统繁忙"},
	{"maybe", "可能已经办好了"},
	{"bind_first", "请先绑定"},
	{"sold_out", "卖完"},
	{"sold_out", "只剩"},
	{"over_limit", "限购"},
	{"unknown_item", "没有找到"},
	{"not_understood", "没看懂"},
}

// Kinds of answers, as counted in a Summary.
const (
	KindConfirmed = "confirmed" // an order number: the order exists
	KindBound     = "bound"     // 已绑定：…
	KindTaken     = "taken"     // the door has a member: approval asked
	KindEcho      = "echo"      // the baseline echoed the text
	KindOther     = "other"     // anything not recognised
)

// classifyOrder sorts the answer to an order message: confirmed with the
// order's id, or one of orderKinds, or KindOther.
func classifyOrder(reply string) (kind, orderID string) {
	if m := reOrderID.FindStringSubmatch(reply); m != nil {
		return KindConfirmed, m[1]
	}
	for _, k := range orderKinds {
		if strings.Contains(reply, k.has) {
			return k.kind, ""
		}
	}
	return KindOther, ""
}

// classifyBind sorts the answer to "绑定 <address>".
func classifyBind(reply string) string {
	if strings.HasPrefix(reply, "已绑定") {
		return KindBound
	}
	if strings.Contains(reply, "已经有人绑定或下过单了") {
		return KindTaken
	}
	if k, _ := classifyOrder(reply); k != KindConfirmed {
		return k
	}
	return KindOther
}

// bindText is what a resident sends to bind their address.
func bindText(address string) string { return "绑定 " + address }

// nicknames start the entries of a generated 接龙, as WeChat group
// members' names do.
var nicknames = []string{"🌻李阿姨", "王叔", "Lucy妈妈", "小张", "🍀陈奶奶", "刘师傅 🚴", "阿芳", "赵老师"}

// jielongText is a lead's 接龙 of households (3-2-501 form), each ordering
// item, with a nickname and a phone number as people write them; title
// keeps one run's list apart from another's.
func jielongText(title string, households []string, item string) string {
	var b strings.Builder
	b.WriteString("#接龙 " + title + "\n例：3-2-501 " + item + "\n\n")
	for i, h := range households {
		fmt.Fprintf(&b, "%d. %s %s %s 1390000%04d\n", i+1, nicknames[i%len(nicknames)], h, item, i%10000)
	}
	return b.String()
}

var (
	reJielongTotal = regexp.MustCompile(`共(\d+)户`)
	reJielongNew   = regexp.MustCompile(`新下单(\d+)户`)
	// An entry not registered starts a line of its own, with its reason
	// (第3条：… or 第3条 3栋2单元503：…); 第1条和第7条是同一户 is no
	// refusal.
	reJielongEntry = regexp.MustCompile(`(?m)^第(\d+)条[ ：]`)
)

// jielongCut ends an answer too long for WeChat (bot's fit).
const jielongCut = "太长了，后面没有列出"

// jielongCounts reads a lead's answer: "接龙已登记：共N户" (total),
// "新下单M户" (placed), -1 where it does not say; refused is how many
// distinct entries it names (第3条 …: those not registered, with the
// reason), cut whether the answer was cut short.
func jielongCounts(reply string) (total, placed, refused int, cut bool) {
	total, placed = -1, -1
	if m := reJielongTotal.FindStringSubmatch(reply); m != nil {
		total, _ = strconv.Atoi(m[1])
	}
	if m := reJielongNew.FindStringSubmatch(reply); m != nil {
		placed, _ = strconv.Atoi(m[1])
	}
	named := map[string]bool{}
	for _, m := range reJielongEntry.FindAllStringSubmatch(reply, -1) {
		named[m[1]] = true
	}
	return total, placed, len(named), strings.Contains(reply, jielongCut)
}

// address renders a household (building, unit, room) as residents write
// it when they bind: 3栋2单元501.
func address(h household) string {
	return h.building + "栋" + strconv.Itoa(h.unit) + "单元" + strconv.Itoa(h.room)
}

// OrderText returns an order message for one unit of the first item of cat
// that has no stock, no per-household limit and no prescription, is not
// urgent and not free-only ("挂面1袋"), so a long run never hits a limit;
// false when the catalog has none.
func OrderText(cat *catalog.Catalog) (string, bool) {
	for _, it := range cat.Items {
		if !it.Limited() && it.LimitPerHousehold == 0 && !it.Rx && !it.Urgent && !it.FreeOnly {
			return it.Name + "1" + it.Unit, true
		}
	}
	return "", false
}
