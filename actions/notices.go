package actions

import (
	"fmt"
	"strings"

	"github.com/baogong/baogong/orders"
)

// Every sentence the actions send to people (notices, through the
// outbox) and write in the audit log lives in this file. Notices tell
// someone what happened without their asking: short, plain, what to do
// next. testdata/notices/*.golden holds each rendered.

// Notes an action writes in an order's history.
const (
	textCancelNoteMember       = "居民取消"
	textCancelNoteLead         = "楼栋长取消"
	textStaffNote              = "社区后台："
	textReceivedNote           = "居民确认收到"
	textDeliveredNote          = "送达"
	textVolunteerDeliveredNote = "志愿者送达"
	textReviewerStaff          = "社区"
	textReviewerLead           = "楼栋长"
	textAnotherVolunteer       = "另一位志愿者"
	textCommunityVolunteer     = "社区志愿者"
	textNoMarks                = "（无标记）"
	textErasedNote             = "本人删除个人信息，订单取消"
	// textErasedWho is who the audit log says erased themselves: never
	// their id, which is what went.
	textErasedWho   = "（本人）"
	textErasedAudit = "取消%d单，%d个订单去掉了个人信息，%d处其他记录已删除"
	textStaffRole   = "社区工作人员"
	textPurgedAudit = "%d个订单去掉了个人信息，解除%d个不再使用的绑定，删除%d个人员记录，%d处其他记录"
	// textPharmacyWho is who the audit log says looked at a prescription
	// photo from a pharmacy's link: the pharmacy, never its contact's id.
	textPharmacyWho = "药房 %s"
)

// The audit log's words: what was done.
const (
	auditCancel          = "取消订单"
	auditDeliver         = "标记送达"
	auditAddStock        = "补货"
	auditSoldOut         = "设为售罄"
	auditMarks           = "修改住户标记"
	auditAddLead         = "添加楼栋长"
	auditRemoveLead      = "移除楼栋长"
	auditAddVolunteer    = "添加志愿者"
	auditRemoveVolunteer = "移除志愿者"
	auditApprove         = "同意志愿者报名"
	auditRefuse          = "拒绝志愿者报名"
	auditContact         = "修改联系方式"
	auditRunJob          = "运行任务"
	auditDistribute      = "免费发放"
	auditRetry           = "重发消息"
	auditDrop            = "删除消息"
	auditBindApprove     = "同意绑定"
	auditBindRefuse      = "拒绝绑定"
	auditUnbind          = "移出住户"
	auditAddMember       = "添加住户成员"
	auditRxApprove       = "处方审核通过"
	auditRxReject        = "处方审核驳回"
	auditPaid            = "确认收款"
	auditRefunded        = "确认退款"
	auditShortfall       = "登记缺货"
	auditErase           = "删除个人信息"
	auditPurge           = "清除个人信息"
	auditClaimPaid       = "住户说已付款"
	auditPayMoved        = "订单变了，钱要多退少补"
	auditRxView          = "查看处方照片"

	textJobPublished = "已发布"
	textJobNothing   = "这一轮之前已发布过，或没有要做的"
	textJobFailed    = "出错了"
	textDistributed  = "%d户新发，%d户没发到"
)

// payWords name the ways to pay.
var payWords = map[orders.PayMethod]string{orders.PayAtDoor: "货到付款", orders.PayGroup: "群收款", orders.PayCode: "收款码"}

// yuanWords writes fen as people say money: 50元, 12.5元.
func yuanWords(fen int64) string { return orders.Yuan(fen) }

// textPayState says in the audit log where an order's money stands after
// a change: 已收100元，待退50元.
func textPayState(o orders.Order) string {
	p := o.Pay
	parts := []string{"已收" + yuanWords(p.PaidFen)}
	if p.PaidFen == 0 && p.ClaimedFen > 0 {
		parts = []string{"住户说已付" + yuanWords(p.ClaimedFen)}
	}
	if p.RefundedFen > 0 {
		parts = append(parts, "已退"+yuanWords(p.RefundedFen))
	}
	if p.RefundFen > 0 {
		parts = append(parts, "待退"+yuanWords(p.RefundFen))
	}
	if owed := o.Owed(); owed > 0 {
		parts = append(parts, "还差"+yuanWords(owed))
	}
	return strings.Join(parts, "，")
}

// textShortNote is the history note of an order cut by a shortfall.
func textShortNote(name string, qty int, unit string) string {
	return fmt.Sprintf("缺货：%s少%d%s", name, qty, unit)
}

// textShortNotice tells a household its order lost goods the supplier
// could not pack, what it now is, and any money owed back.
func textShortNotice(o orders.Order, name string, qty int, unit string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【缺货】抱歉，保供超市的%s不够，您家订单 %s 的%s少了%d%s。\n", name, o.ID, name, qty, unit)
	if o.Status == orders.StatusCancelled {
		b.WriteString("这一单没有别的东西了，已取消。\n")
	} else {
		fmt.Fprintf(&b, "现在是：%s，%s。\n", itemsText(o.Lines), yuanWords(o.TotalFen))
	}
	if o.Pay.Status == orders.PayRefundDue {
		fmt.Fprintf(&b, "您已付的钱要退您%s，楼栋长或社区会退给您。\n", yuanWords(o.Pay.RefundFen))
	}
	b.WriteString("限购额度已退回，明天可以再订。")
	return b.String()
}

// textShortPicklist tells the supplier its report was applied, and where
// the pick list now stands.
func textShortPicklist(day string, it orders.Line, qty, cut int, link string) string {
	s := fmt.Sprintf("【备货单更新】%s %s缺%d%s：已从%d单里去掉，并通知了住户。", day, it.Name, qty, it.Unit, cut)
	if link != "" {
		s += "\n新的备货单：" + link
	}
	return s
}

// textShortRound tells a volunteer what changed on their round.
func textShortRound(name string, os []orders.Order, link string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【任务有变】%s缺货，您这一轮有%d户少送：\n", name, len(os))
	for _, o := range os {
		if o.Status == orders.StatusCancelled {
			fmt.Fprintf(&b, "%s 这一单取消了，不用送\n", o.Address)
		} else {
			fmt.Fprintf(&b, "%s 现在送：%s\n", o.Address, itemsText(o.Lines))
		}
	}
	if link != "" {
		b.WriteString("任务单：" + link)
	}
	return strings.TrimRight(b.String(), "\n")
}

// doorWords say in the audit log where an action came from (the console's
// own need no words).
var doorWords = map[Door]string{Bot: "微信", API: "管理接口", CLI: "命令行", Page: "任务单页面", Link: "消息里的链接"}

// jobWords name the jobs as staff say them.
var jobWords = map[string]string{
	"cutoff": "截单", "picklist": "发备货单", "roster": "排班送货", "urgent": "急单检查", "bindings": "新绑定汇总", "restock": "到货通知", "unreached": "联系不上汇总",
}

func itemsText(lines []orders.Line) string { return orders.Goods(lines) }

// rxNames names prescription medicine: 胰岛素、布洛芬.
func rxNames(lines []orders.Line) string {
	names := make([]string, len(lines))
	for i, l := range lines {
		names[i] = l.Name
	}
	return strings.Join(names, "、")
}

// textBindAskMembers asks a household's members about a binding.
func textBindAskMembers(r orders.BindRequest) string {
	return fmt.Sprintf("【绑定申请】有人申请绑定您家%s。\n是家里人请回复：同意绑定 %s\n不认识请回复：拒绝绑定 %s\n24小时内有效。", r.Address, r.Code, r.Code)
}

// textBindAskLead asks the building's lead about a binding: beside the
// household's members, or alone when it has none (its orders were placed
// by the lead or a 接龙).
func textBindAskLead(r orders.BindRequest, members, known bool) string {
	who := "这户还没人绑定，但有订单"
	switch {
	case members:
		who = "也已经问了这户已绑定的人"
	case known:
		who = "这户是社区登记或标记过的住户，要您确认"
	}
	return fmt.Sprintf("【绑定申请】有人申请绑定%s（%s）。\n确认是这户的人请回复：同意绑定 %s\n不是请回复：拒绝绑定 %s\n24小时内有效。", r.Address, who, r.Code, r.Code)
}

func textBindApprovedNotice(a orders.Address, retainDays int) string {
	return fmt.Sprintf("您绑定%s的申请已经同意了。\n现在可以下单了，例如：蔬菜包2份\n", a) + PrivacyNotice(retainDays)
}

// PrivacyNotice is told with a first binding (the bot's answer, or the
// notice when members approved it): what is kept, why, for how long, and
// how to erase it. README, 个人信息, has the full notice.
func PrivacyNotice(retainDays int) string {
	return fmt.Sprintf("您的地址、订单和电话只用于配送，订单办完%d天后删去个人信息。\n随时发\"删除我的信息\"可以删除。", retainDays)
}

func textBindRefusedNotice(a orders.Address) string {
	return fmt.Sprintf("您绑定%s的申请没有通过。\n地址写错了请重新发\"绑定 新地址\"；有疑问请找楼栋长。", a)
}

func textRemovedNotice(a orders.Address) string {
	return fmt.Sprintf("楼栋长已把您从%s解绑。\n如有疑问请联系楼栋长。", a)
}

// textCancelledNotice tells a household's other members of a cancel.
func textCancelledNotice(o orders.Order, who changer) string {
	by := "家里人"
	if who == byLead {
		by = "楼栋长"
	}
	return fmt.Sprintf("您家的订单 %s（%s）已被%s取消，库存和限购已退回。\n还需要的话可以重新下单。", o.ID, itemsText(o.Lines), by)
}

// textChangedNotice tells a household that its lead changed its order
// (a re-pasted 接龙).
func textChangedNotice(o orders.Order) string {
	return fmt.Sprintf("楼栋长改了您家的订单 %s，现在是：%s。\n不对请找楼栋长。", o.ID, itemsText(o.Lines))
}

// textUrgentCancelled tells whoever was bringing an urgent order that it
// was cancelled.
func textUrgentCancelled(o orders.Order) string {
	return fmt.Sprintf("【急·已取消】%s的订单 %s（%s）已取消，不用送了。\n已经拿了货的请联系楼栋长。", o.Address, o.ID, itemsText(o.Lines))
}

// textDeliveredNotice is pushed to every resident bound to the household.
func textDeliveredNotice(o orders.Order) string {
	return fmt.Sprintf("您订的%s已放到%s，请下楼收取。\n收到后请回复\"收到\"。（订单%s）", itemsText(o.Lines), place(o.Address), o.ID)
}

// deliveredBrief is the delivery notice in a template message's few
// words, for a resident who has not written to the account lately.
func deliveredBrief(o orders.Order) *orders.Brief {
	return &orders.Brief{What: "送到了：" + itemsText(o.Lines), Where: place(o.Address), Status: "已送达", Ref: o.ID}
}

// place is where goods are left: the unit door, or downstairs.
func place(a orders.Address) string {
	if a.Unit == "" {
		return a.Entrance() + "楼下"
	}
	return a.Entrance() + "门口"
}

func textApplication(a orders.Application) string {
	return fmt.Sprintf("%s的居民%s（电话%s）报名当志愿者（%s网格）。\n同意请回复：同意志愿者 %s", a.Address, a.Name, orders.MaskPhone(a.Phone), a.Grid, a.Code)
}

func textWelcomeVolunteer(grid string) string {
	return fmt.Sprintf("您已成为%s网格的志愿者，谢谢您！\n排班后会收到配送任务，发\"任务\"可以查看。", grid)
}

func textGoodsReady(supplier, day string) string {
	return fmt.Sprintf("%s：%s的货已经备好，可以去取了。", supplier, day)
}

// textRxAwaitingNotice tells a household that a lead ordered prescription
// medicine for them.
func textRxAwaitingNotice(o orders.Order, rx []orders.Line) string {
	return fmt.Sprintf("楼栋长为您家登记了订单%s：%s。\n%s是处方药，请在这里发一张处方或药盒的照片，审核后才能配送。", o.ID, itemsText(o.Lines), rxNames(rx))
}

// textRxPhotoNotice asks the pharmacy to check a photo, behind its
// signed link ("" when none is kept: the resident is asked again).
func textRxPhotoNotice(o orders.Order, rx []orders.Line, link string) string {
	photo := link + "\n（这个链接只给您看，请勿转发，每次查看都有记录）"
	if link == "" {
		photo = "没有收到，请联系楼栋长让住户重发"
	}
	return fmt.Sprintf("【处方待核对】订单%s %s\n药品：%s\n照片：%s\n没问题请回复：审核 %s 通过\n不能配请回复：审核 %s 驳回 原因",
		o.ID, o.Address, itemsText(rx), photo, o.ID, o.ID)
}

// textRxApprovedNotice tells the household its prescription was approved.
func textRxApprovedNotice(o orders.Order) string {
	return fmt.Sprintf("您家订单%s（%s）的处方已审核通过，正在备药，送到时会通知您。", o.ID, itemsText(o.Lines))
}

// textRxRejectedNotice tells the household its order was cancelled.
func textRxRejectedNotice(o orders.Order, reason string) string {
	return fmt.Sprintf("抱歉，您家订单%s（%s）的处方没有通过审核：%s\n订单已取消。可以重新下单再发处方照片；有问题请联系楼栋长。", o.ID, itemsText(o.Lines), reason)
}

// textUrgentMore tells the volunteer bringing a household's urgent order
// that the household asked for more, which is theirs to bring too.
func textUrgentMore(o orders.Order) string {
	return fmt.Sprintf("【急·追加】%s又要了：%s（订单 %s），已经算您的，请一起送去。\n送到后回复：完成 %s", o.Address, itemsText(o.Lines), o.ID, o.ID)
}

// textUrgentCryAgain tells the team (or the volunteer bringing it) that
// the household of an open urgent order cried for help: what the order
// now holds, and how to take it.
func textUrgentCryAgain(o orders.Order, holder bool) string {
	if holder {
		return fmt.Sprintf("【急·求助】%s又在求助！您领取的急需订单 %s（%s）请尽快送到，需要时帮忙打120。\n送到后回复：完成 %s", o.Address, o.ID, itemsText(o.Lines), o.ID)
	}
	return fmt.Sprintf("【急·求助】%s又在求助！急需订单 %s 现在是：%s\n还没人领取，谁能马上送？领取请回复：领取 %s", o.Address, o.ID, itemsText(o.Lines), o.ID)
}

// cryAsk ends a cry's page: what to do; cryAskFire for a fire or a gas
// leak, where 119 is the call.
const (
	cryAsk     = "请马上联系或上门看看，需要时帮忙打120。"
	cryAskFire = "请马上联系或上门看看，着火、漏气帮忙打119，有人受伤打120。"
)

// textForFire turns a cry's page (textCryPush, textCryRelayed) into one
// about a fire or a gas leak.
func textForFire(page string) string { return strings.Replace(page, cryAsk, cryAskFire, 1) }

// textCryPush carries a cry for help to those who can be at the door
// soonest: who cries (their door, or someone not yet bound) and every door
// it names, then their own words; again when they heard this sender's
// first cry (what follows 救命 is what they need).
func textCryPush(home *orders.Address, doors []orders.Address, text string, again bool) string {
	var b strings.Builder
	cries := "求助"
	if again {
		cries = "又在求助"
	}
	switch {
	case home != nil:
		fmt.Fprintf(&b, "【急·求助】%s的住户%s", home, cries)
	case again:
		b.WriteString("【急·求助】刚才那位还没绑定地址的居民又在求助")
	default:
		b.WriteString("【急·求助】一位还没绑定地址的居民求助")
	}
	var named []string
	for _, d := range doors {
		if home == nil || d != *home {
			named = append(named, d.String())
		}
	}
	if len(named) > 0 {
		fmt.Fprintf(&b, "，说的是%s", strings.Join(named, "、"))
	}
	fmt.Fprintf(&b, "：\n%s\n%s", text, cryAsk)
	return b.String()
}

// textCryRelayed pages a cry someone else passed on (a line of a lead's
// 接龙), naming where it came from and the doors it names.
func textCryRelayed(from string, doors []orders.Address, text string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【急·求助】楼栋长转来的求助（%s）", from)
	if len(doors) > 0 {
		names := make([]string, len(doors))
		for i, d := range doors {
			names[i] = d.String()
		}
		fmt.Fprintf(&b, "，说的是%s", strings.Join(names, "、"))
	}
	fmt.Fprintf(&b, "：\n%s\n%s", text, cryAsk)
	return b.String()
}

// textClaimedNotice tells the resident who is coming: who is 3栋2单元的志愿者
// or 社区志愿者, never a name, door or phone.
func textClaimedNotice(o orders.Order, who string) string {
	return fmt.Sprintf("您的急需订单 %s（%s）已有人领取：%s正在给您送来，请留意敲门。", o.ID, itemsText(o.Lines), who)
}

// claimedBrief is textClaimedNotice in a template's few words.
func claimedBrief(o orders.Order, who string) *orders.Brief {
	return &orders.Brief{What: who + "正在送来", Where: o.Address.String(), Status: "已领取", Ref: o.ID}
}

// textCancelledByStaffNotice tells a household the community cancelled
// their order from the console.
func textCancelledByStaffNotice(o orders.Order, reason string) string {
	return fmt.Sprintf("您的订单 %s（%s）已由社区取消，原因：%s\n需要的话可以重新下单；有疑问请联系楼栋长或社区。", o.ID, itemsText(o.Lines), reason)
}

// textVolunteerNamed names a volunteer the office knows by name, with
// 志愿者 in front once: the office may have noted them as 志愿者老赵.
func textVolunteerNamed(name string) string {
	if strings.HasPrefix(name, "志愿者") {
		return name
	}
	return "志愿者" + name
}

// textVolunteerOf names a volunteer by where they live, never their door.
func textVolunteerOf(a orders.Address) string { return a.Entrance() + "的志愿者" }

// textLeadRole, textVolunteerRole and textSupplierRole name a role in
// the office's notice of an erasure (never the person).
func textLeadRole(buildings []string) string {
	return strings.Join(buildings, "、") + "栋楼栋长"
}

func textVolunteerRole(grid string) string { return grid + "网格志愿者" }

func textSupplierRole(name string) string { return name + "的联系人" }

// textRoleErased tells the office that someone who served erased
// themselves: the run-time roles are gone; the config file's stay until
// the office removes them.
func textRoleErased(roles, inConfig []string) string {
	var b strings.Builder
	b.WriteString("有人发了“删除我的信息”，个人信息已删除。")
	if len(roles) > 0 {
		b.WriteString("\n已不再是：" + strings.Join(roles, "、") + "。请另找人接替，他名下没送的订单请重新安排。")
	}
	if len(inConfig) > 0 {
		b.WriteString("\n配置文件里仍写着他是：" + strings.Join(inConfig, "、") + "。请从配置文件里删掉并重启。")
	}
	return b.String()
}

// ---- Reaching people (issue 19) ----

const auditVoice = "转交语音"

// textVoicePassed hands an elder's voice without words to someone who
// can listen: the lead gets the one line that orders for the household.
func textVoicePassed(a orders.Address, link string, lead bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【语音】%s的住户发来一段语音，没能转成文字，请听一下", a)
	if link != "" {
		fmt.Fprintf(&b, "（语音在下一条，也可以点这里听：%s）", link)
	}
	b.WriteString("。\n")
	if lead {
		fmt.Fprintf(&b, "要替这户下单，回复一行：%s 东西和数量，例如：\n%s 蔬菜包1份\n", a.Household(), a.Household())
	}
	b.WriteString("听不清或有急事，请打电话或上门问问。")
	return b.String()
}

func voiceBrief(a orders.Address) *orders.Brief {
	return &orders.Brief{What: "住户发来一段语音，请听一下", Where: a.String(), Status: "请收听"}
}
