package jobs

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// Every sentence the jobs send lives in this file. Volunteers read theirs
// on the stairs: short lines, the door first, then the goods.

// maxStopsListed keeps a roster message readable; the link has them all.
const maxStopsListed = 20

func slotName(slot time.Time, loc *time.Location) string {
	t := slot.In(loc)
	return fmt.Sprintf("%d月%d日 %02d:%02d", t.Month(), t.Day(), t.Hour(), t.Minute())
}

func goods(lines []orders.Line) string { return orders.Goods(lines) }

func textVolunteerRoster(ro orders.Roster, sh orders.Share, link string, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【配送任务】%s %s网格\n您负责%d户：\n", slotName(ro.Slot, loc), ro.Grid, len(sh.Stops))
	for i, st := range sh.Stops {
		if i == maxStopsListed {
			fmt.Fprintf(&b, "……还有%d户，见打印版\n", len(sh.Stops)-i)
			break
		}
		fmt.Fprintf(&b, "%d. %s%s%s%s%s", st.Seq, urgentTag(st.Urgent), carriedTag(st.Carried), st.Address, orders.MarkNote(st.Marks, " "), goods(st.Lines))
		if st.Contact != "" {
			fmt.Fprintf(&b, "（没有微信，送前打电话 %s）", orders.MaskPhone(st.Contact))
		}
		if st.Note != "" {
			fmt.Fprintf(&b, "（备注：%s）", st.Note)
		}
		if st.Collect > 0 {
			fmt.Fprintf(&b, "，应收%s", orders.Yuan(st.Collect))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "打印版：%s\n送到后回复\"完成 序号\"，例如：完成 1\n", link)
	if slices.ContainsFunc(sh.Stops, func(st orders.Stop) bool { return st.Collect > 0 }) {
		b.WriteString("收了钱回复\"完成 序号 已收款\"\n")
	}
	b.WriteString("看任务回复\"任务\"")
	return b.String()
}

// textLeadRoster tells a lead what is coming to their buildings in a slot,
// or returns "" when nothing is.
func textLeadRoster(ro orders.Roster, buildings []string, loc *time.Location) string {
	in := map[string]bool{}
	for _, b := range buildings {
		in[b] = true
	}
	households := map[string]bool{}
	var lines []orders.Line
	vols := map[string]bool{}
	stops, carried := 0, 0
	for _, sh := range ro.Shares {
		for _, st := range sh.Stops {
			if !in[orders.CanonicalBuilding(st.Address.Building)] {
				continue
			}
			stops++
			if st.Carried {
				carried++
			}
			households[st.Address.Household()] = true
			lines = append(lines, st.Lines...)
			if sh.Volunteer != "" {
				vols[sh.Volunteer] = true
			}
		}
	}
	where := strings.Join(buildings, "、") + "栋"
	if stops == 0 {
		return "" // nothing for these buildings: no message
	}
	totals := map[string]*orders.Line{}
	var order []string
	for _, l := range lines {
		if t, ok := totals[l.SKU]; ok {
			t.Qty += l.Qty
			continue
		}
		c := l
		totals[l.SKU] = &c
		order = append(order, l.SKU)
	}
	sum := make([]orders.Line, len(order))
	for i, sku := range order {
		sum[i] = *totals[sku]
	}
	who := fmt.Sprintf("志愿者%d人负责", len(vols))
	if len(vols) == 0 {
		who = "现在没有志愿者排班，请联系网格员安排"
	}
	again := ""
	if carried > 0 {
		again = fmt.Sprintf("（其中%d单%s）", carried, orders.TextCarried)
	}
	return fmt.Sprintf("【送货通知】%s这一轮要送到%s：%d户 %d单%s\n%s\n%s。", slotName(ro.Slot, loc), where, len(households), stops, again, goods(sum), who)
}

func textPicklist(supplier string, pl orders.PickList, link string) string {
	if pl.Empty() {
		return fmt.Sprintf("【备货单】%s %s：这一天没有您的订单，不用备货。", pl.Day, supplier)
	}
	return fmt.Sprintf("【备货单】%s %s\n合计：%s\n按网格、楼栋、单元的明细（可打印、可下载Excel）：%s\n备好后请回复\"备货完成\"。", pl.Day, supplier, goods(pl.Totals), link)
}

// carriedTag marks a stop left from an earlier round.
func carriedTag(carried bool) string {
	if carried {
		return "【" + orders.TextCarried + "】"
	}
	return ""
}

// urgentTag heads an urgent stop or message.
func urgentTag(urgent bool) string {
	if urgent {
		return "【急】"
	}
	return ""
}

// textBindingsDigest tells a lead which households of their buildings
// were bound for the first time, and how to take a wrong one off; those
// the office lists or the lead marked (known) are flagged: a stranger
// there matters most.
func textBindingsDigest(as []orders.Address, known map[string]bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【新绑定】这些住户第一次绑定了微信（%d户）：\n", len(as))
	for i, a := range as {
		if i == maxStopsListed {
			fmt.Fprintf(&b, "……还有%d户\n", len(as)-i)
			break
		}
		b.WriteString(a.String())
		if known[a.Household()] {
			b.WriteString(" ⚠登记户/重点户，请核对")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "如果有不是这户的人，请发：解绑 %s（看这户绑定了谁）", as[0].Household())
	return b.String()
}

// textRestocked tells someone waiting for it that an item is back, and
// how to order it.
func textRestocked(it *catalog.Item) string {
	limit := ""
	if it.LimitPerHousehold > 0 {
		limit = fmt.Sprintf("每户每天限%d%s，", it.LimitPerHousehold, it.Unit)
	}
	return fmt.Sprintf("【到货通知】%s到货了。\n要买请直接回复：%s1%s\n%s数量有限，先到先得；又卖完了可以再发\"到货通知\"排队。", it.Name, it.Name, it.Unit, limit)
}

// Briefs: each notice in a template message's few words, for whoever has
// not written to the account lately (package outbox); the link opens the
// whole of it.

func volunteerRosterBrief(ro orders.Roster, sh orders.Share) *orders.Brief {
	return &orders.Brief{What: fmt.Sprintf("配送任务%d户", len(sh.Stops)), Where: ro.Grid + "网格", Status: "待配送", At: ro.Slot}
}

func leadRosterBrief(ro orders.Roster, buildings []string, stops int) *orders.Brief {
	return &orders.Brief{What: fmt.Sprintf("这一轮送到%d单", stops), Where: strings.Join(buildings, "、") + "栋", Status: "配送中", At: ro.Slot}
}

func picklistBrief(supplier string, pl orders.PickList) *orders.Brief {
	status := "待备货"
	if pl.Empty() {
		status = "无需备货"
	}
	return &orders.Brief{What: "备货单 " + pl.Day, Where: supplier, Status: status}
}

func restockedBrief(it *catalog.Item) *orders.Brief {
	return &orders.Brief{What: it.Name + "到货了", Where: "回复商品名和数量下单", Status: "已到货"}
}

func bindingsBrief(as []orders.Address) *orders.Brief {
	return &orders.Brief{What: fmt.Sprintf("%d户新绑定了微信", len(as)), Where: as[0].Building + "栋等", Status: "请核对"}
}

// Who is who, in the office's digest of people nothing could reach.
const (
	textRoleStaff    = "社区工作人员"
	textRoleResident = "居民"
	textRoleStranger = "未绑定的用户"
)

func textRoleLead(buildings []string) string {
	return "楼栋长（" + strings.Join(buildings, "、") + "栋）"
}
func textRoleVolunteer(grid string) string    { return "志愿者（" + grid + "网格）" }
func textRoleSupplier(supplier string) string { return "供货联系人（" + supplier + "）" }

// KindName names a notice kind (orders.Notice.Kind) as staff say it.
func KindName(kind string) string {
	if w := kindWords[kind]; w != "" {
		return w
	}
	return kind
}

// kindWords name notice kinds as staff say them.
var kindWords = map[string]string{
	"urgent": "急单", "roster": "排班", "delivered": "送达", "claimed": "急单领取", "picklist": "备货单", "rx-check": "处方核对",
	"rx": "处方", "binding": "绑定", "bindings": "新绑定", "apply": "志愿者报名", "cancelled": "取消", "changed": "改单",
	"restock": "到货", "ready": "备货完成", "shortfall": "缺货", "digest": "汇总", "alert": "系统提醒", "voice": "语音",
}

// textUnreached tells staff who cannot be reached, so someone phones
// them: held notices wait for their next message to the account.
func textUnreached(list []Unreachable, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【联系不上】%d人的通知发不到微信上（他们最近没给公众号发消息，或已取消关注），请打电话告诉他们：\n", len(list))
	for i, u := range list {
		if i == maxStopsListed {
			fmt.Fprintf(&b, "……还有%d人，见管理后台“消息”页\n", len(list)-i)
			break
		}
		name := u.Name
		if name == "" {
			name = "（没有名字）"
		}
		fmt.Fprintf(&b, "%d. %s %s", i+1, name, u.Role)
		if u.Phone != "" {
			fmt.Fprintf(&b, " 电话%s", u.Phone)
		}
		var what []string
		for _, k := range u.Kinds {
			if w := kindWords[k]; w != "" {
				what = append(what, w)
			}
		}
		if u.Held > 0 {
			fmt.Fprintf(&b, "：%d条待补发", u.Held)
		}
		if u.Refused > 0 {
			fmt.Fprintf(&b, "：%d条发不出去", u.Refused)
		}
		if len(what) > 0 {
			fmt.Fprintf(&b, "（%s）", strings.Join(what, "、"))
		}
		if !u.Since.IsZero() {
			fmt.Fprintf(&b, "，从%s起", u.Since.In(loc).Format("1月2日15:04"))
		}
		b.WriteString("\n")
	}
	b.WriteString("他们下次给公众号发任何消息，回复里会补上没收到的通知。")
	return b.String()
}

func unreachedBrief(list []Unreachable) *orders.Brief {
	return &orders.Brief{What: fmt.Sprintf("%d人的通知发不到微信上", len(list)), Where: "请打电话告诉他们", Status: "请处理"}
}

// Why a notice could not be sent, as the 消息 page says it (SendFailure),
// by WeChat's errcode. Codes that take another way (45015 and 45047 hold
// the notice for the person's next message; 40037 is reported once as a
// template problem) are here for the rare send that still ends on them.
var failureWords = map[int64]string{
	-1:    "微信系统繁忙，稍后重发",
	40001: textFailSetup,
	40013: textFailSetup,
	40014: textFailSetup,
	40125: textFailSetup,
	40164: textFailSetup,
	48001: textFailSetup,
	42001: "公众号凭证过期，稍后重发",
	40003: "对方不是本公众号的用户，请打电话告诉他",
	40007: "图片或语音已过期，请打电话告诉他",
	40008: textFailContent,
	40037: "模板ID不对：请在公众号后台添加模板，或改配置",
	43004: "对方没关注公众号（可能已取消），请打电话告诉他",
	43101: "对方拒收这类消息，请打电话告诉他",
	44004: textFailContent,
	45009: "公众号今天的推送额度用完了，明天再重发",
	45011: "发得太快，稍后重发",
	43117: "给这个人发得太频繁，稍后重发",
	45015: "对方48小时内没给公众号发过消息，请打电话告诉他",
	45047: "对方48小时内收的推送已满5条，请打电话告诉他",
	47001: textFailContent,
	47003: textFailContent,
	50002: "公众号被限制了接口，请告诉技术人员",
}

const (
	textFailSetup   = "公众号设置有误，请告诉技术人员"
	textFailContent = "消息内容不合微信的要求，请告诉技术人员"
	textFailWeChat  = "微信没收下，请告诉技术人员"
	textFailNetwork = "连不上微信，稍后重发"
	textFailBroken  = "这条通知的数据坏了，请删除，打电话告诉本人"
	textFailOther   = "发送出错，请告诉技术人员"
)
