package bot

import (
	"fmt"
	"strings"

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
