package console

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/reports"
	"github.com/baogong/baogong/staff"
)

// Every word the console shows staff is here or in templates/: plain
// simplified Chinese, saying what happened and what to do next.

// Page titles.
const (
	textOverview      = "概览"
	textOrders        = "订单"
	textOrderTitle    = "订单 %s"
	textStock         = "库存"
	textHouseholds    = "住户"
	textPeople        = "人员"
	textJobs          = "任务"
	textDistributions = "免费发放"
	textNotices       = "消息"
	textAudit         = "操作记录"
	textSettlement    = "对账"
	textPrivacy       = "个人信息"
	textLoginTitle    = "登录管理后台"
	textMessageTitle  = "提示"
)

// Sign-in and errors shown as a page of their own.
const (
	textLinkExpired     = "这个登录链接已经过期了（10分钟内有效）。请在公众号里再发\"登录\"，用新的链接。"
	textLinkUsed        = "这个登录链接已经用过了，每个链接只能用一次。请在公众号里再发\"登录\"，用新的链接。"
	textLinkBad         = "这个登录链接不对。请从公众号的消息里直接打开，或再发\"登录\"要一个新的。"
	textNotStaff        = "您已经不在社区工作人员名单里，不能进入管理后台。"
	textWrongToken      = "管理员令牌不对，没有登录。"
	textForbidden       = "这个操作没有办成：页面过期了或者不是从管理后台发出的。请回到页面刷新后再试。"
	textUnavailable     = "系统繁忙，没有读到数据。请过一会儿刷新页面再试。"
	textNoSuchOrder     = "没有这个订单号。"
	textNoRxPhoto       = "这个订单没有处方照片，或照片已经删除了。"
	textNoJobs          = "这个部署没有定时任务。"
	textNoNotices       = "这个部署没有消息队列。"
	textNoDistributions = "这个部署不能免费发放。"
	textTokenWho        = "管理员令牌"
)

// Words used inside pages.
const (
	textHourChart   = "今天每小时下单数"
	textDemandChart = "各商品：正在下单这天已订和还剩库存"
	textDemand      = "已订"
	textLeft        = "还剩"
	textBadDate     = "日期要写成 2026-11-24 这样。"
	textBadQuery    = "没看懂要找什么：请写订单号（如 1001）或地址（如 3栋2单元501）。"
	textBadAddress  = "没看懂这个地址，或者它不在本社区：请写 3栋2单元501 这样。"
	// textTooManyTries: an address that keeps guessing the token waits
	// (minutes).
	textTooManyTries = "令牌错了太多次，请%d分钟后再试。"
	textNoMarks      = "（无标记）"
	// textPayShort: paid in part, then the order grew (已收, 还差).
	textPayShort = "已收%s，还差%s"
)

// Role words: what someone is in the community, as the office says it.
const (
	textRoleLead      = "楼栋长"
	textRoleVolunteer = "志愿者"
	textRoleStaff     = "社区工作人员"
	textRoleSupplier  = "供货联系人"
)

// Audit log actions.
const (
	textAuditSignIn  = "登录"
	textAuditSignOut = "退出"
	textAuditLedger  = "下载台账"
)

// viaTexts say how a session was opened.
var viaTexts = map[string]string{
	staff.ViaWeChat: "公众号登录链接",
	staff.ViaToken:  "管理员令牌",
	staff.ViaDemo:   "演示",
}

// flashTexts say what an action did (?ok=<code>).
var flashTexts = map[string]string{
	"purged":              "个人信息已清除，结果见下。",
	"purge-running":       "正在清除个人信息，完成后会出现在操作记录里。",
	"cancelled":           "订单已取消，库存和限购额度已退回，已通知住户。",
	"cancelled-untold":    "订单已取消，库存和限购额度已退回。这户没有绑定微信，请打电话告诉他们。",
	"delivered":           "已标记送达，已通知住户。",
	"delivered-untold":    "已标记送达。这户没有绑定微信，请打电话告诉他们。",
	"stock-added":         "库存已更新，居民马上就能买到。",
	"sold-out":            "已设为售罄，居民不能再下单；有人取消时会退回库存。",
	"marks":               "住户标记已保存。有标记的住户下单都算急需，排班排在最前。",
	"lead-added":          "已添加楼栋长。",
	"lead-removed":        "已移除楼栋长。",
	"volunteer-added":     "已添加志愿者，下一轮排班就会排到他。",
	"volunteer-removed":   "已移除志愿者。",
	"application-approve": "已同意报名，已通知本人。",
	"application-refuse":  "已拒绝报名。",
	"contact":             "联系方式已保存。",
	"binding-approve":     "已同意绑定，已通知本人，现在可以替这户下单了。",
	"binding-refuse":      "已拒绝绑定，已通知本人。",
	"member-removed":      "已把这个微信移出这户。",
	"notices-retry":       "已重新发送，稍后看是否发出。",
	"notices-drop":        "已删除这些消息，不再发送。",
	"paid":                "已记下收款。",
	"refunded":            "已记下退款。",
	"shortfall":           "已登记缺货：已从订单里去掉，住户、志愿者和超市都会收到通知。",
}

// problemTexts say what went wrong (?err=<code>).
var problemTexts = map[string]string{
	"purge-confirm": "没有清除：请输入社区名称确认。",
	"purge-date":    "没有清除：日期请写成 2026-12-31 这样。",
	"purge-future":  "没有清除：日期不能在今天以后。",
	"purge-running": "没有清除：另一次清除正在进行，请等它做完。",
	"purge-failed":  "清除没有做完，请再点一次（已清除的不会重复）。",
	"reason":        "请写上原因（200字以内）。",
	"moved":         "没有改成：这个订单的状态刚变了，请看下面最新的状态。",
	"amount":        "数量要写整数，例如 50（减少写 -5）。",
	"unlimited":     "这个商品不限量，不用补货。",
	"below-zero":    "减不了这么多：剩下的没有这么多。",
	"household":     "没有这户。",
	"mark":          "标记不对。",
	"person":        "请填好微信 openid（和楼栋或网格）。",
	"in-config":     "这个人写在配置文件里，请在配置文件里改。",
	"application":   "这个报名已经处理过或过期了。",
	"job":           "任务运行出错了，请看系统日志，或过一会儿再试。",
	"none-ticked":   "请先勾选要处理的消息。",
	"distribution":  "请填好发放编号、商品、每户数量（1到10）。",
	"binding":       "这个绑定申请已经处理过或过期了。",
	"member":        "这个微信不在这户。",
	"paid-already":  "没有改动：这个订单已经付过、免费或取消了。",
	"refund-none":   "没有改动：这个订单没有要退的钱。",
	"short":         "请选好商品，写上一共缺多少（整数）。",
	"short-down":    "没有改动：之前登记的缺货比这多，已经通知了住户，不能改少。",
	"short-large":   "没有改动：缺的比这一天还要送的还多，请核对数量。",
	"no-picklist":   "这一天的备货单还没发，不能登记缺货。",
	"closed-today":  "今天已经截单了：今天的订单已经关闭，明天的订单到时间会自动截单。",
}

// jobLabels name the jobs as staff say them.
var jobLabels = map[string]string{
	jobs.Cutoff:   "截单",
	jobs.Picklist: "备货单",
	jobs.Roster:   "排班",
	jobs.Urgent:   "急需转交",
	jobs.Bindings: "绑定通知",
	jobs.Restock:  "到货通知",
	jobs.Privacy:  "个人信息清理",
	// issue 19
	jobs.Unreached: "联系不上汇总",
}

// howTexts say who started a job run.
var howTexts = map[string]string{
	"scheduled": "定时",
	"catch-up":  "启动时补跑",
	"api":       "接口",
	"console":   "后台",
	"cli":       "命令行",
}

// jobDoes says what running job name now does.
func jobDoes(name string, days orders.Days, closed string) string {
	switch name {
	case jobs.Cutoff:
		if days.Open != days.Today {
			return "今天已经截单了，现在下的单算明天的；明天的订单到时间会自动截单。"
		}
		return fmt.Sprintf("现在就关闭今天（%s）的订单：之后下的单算明天，限购也算明天的。每天只能截一次。", dayLabel(days.Today))
	case jobs.Picklist:
		return fmt.Sprintf("把%s的备货单发给超市和药房（每家每天只发一次）。", dayLabel(closed))
	case jobs.Roster:
		return "把已截单、还没送的订单排给各网格的志愿者（现在这一轮），志愿者和楼栋长会收到。"
	case jobs.Urgent:
		return "把急需订单推给网格志愿者；超过时间没人领取的转给社区工作人员。"
	case jobs.Bindings:
		return "告诉楼栋长最近有哪些住户绑定了他负责的楼栋。"
	case jobs.Privacy:
		return "去掉已送达或取消、超过保存天数的订单里的下单人、电话、备注和照片。"
	case jobs.Unreached:
		return "告诉社区工作人员哪些人的通知发不到微信上（名字、电话），好打电话告诉他们。"
	}
	return ""
}

func statusText(s orders.Status) string {
	if t, ok := reports.StatusNames[s]; ok {
		return t
	}
	return string(s)
}

// Marks of the days in a choice of days.
const (
	textTodaySuffix = "（今天）"
	textOpenSuffix  = "（正在下单）"
)

// weekdayNames are the days of the week as people say them, Sunday first.
var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// weekdayOf is the day of the week of an order day: 周二.
func weekdayOf(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return weekdayNames[t.Weekday()]
}

// dayLabel writes an order day the way people say it: 11月24日.
func dayLabel(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}

// funcs are the templates' helpers; times show in loc, suppliers by
// their name in cat (nil: by id).
func funcs(loc *time.Location, cat *catalog.Catalog) template.FuncMap {
	return template.FuncMap{
		"supplier": func(id string) string {
			if cat != nil {
				if sup, ok := cat.Supplier(id); ok && sup.Name != "" {
					return sup.Name
				}
			}
			return id
		},
		"status":  statusText,
		"day":     dayLabel,
		"job":     func(name string) string { return jobLabels[name] },
		"how":     func(how string) string { return howTexts[how] },
		"channel": func(c string) string { return reports.ChannelNames[c] },
		"goods":   orders.Goods,
		"yuan":    orders.Yuan,
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("1月2日 15:04")
		},
		"clock": func(t time.Time) string { return t.In(loc).Format("15:04") },
		"waited": func(d time.Duration) string {
			if d < time.Hour {
				return fmt.Sprintf("%d分钟", int(d.Minutes()))
			}
			return fmt.Sprintf("%d小时%d分钟", int(d.Hours()), int(d.Minutes())%60)
		},
		"marks": func(ms []orders.Mark) string {
			parts := make([]string, len(ms))
			for i, m := range ms {
				parts[i] = string(m)
			}
			return strings.Join(parts, "、")
		},
		"open": func(s orders.Status) bool { return s.Open() || s == orders.StatusAwaitingRx },
		"pay": func(o orders.Order) string {
			switch {
			case o.Pay.Status == orders.PayRefundDue:
				return reports.PayNames[o.Pay.Status] + orders.Yuan(o.Pay.RefundFen)
			case o.Pay.Status == orders.PayRefunded:
				return reports.PayNames[o.Pay.Status] + orders.Yuan(o.Pay.RefundedFen)
			case o.Pay.PaidFen > 0 && o.Owed() > 0:
				return fmt.Sprintf(textPayShort, orders.Yuan(o.Pay.PaidFen), orders.Yuan(o.Owed()))
			}
			return reports.PayNames[o.Pay.Status]
		},
		"paymethod": func(m orders.PayMethod) string { return reports.PayMethodNames[m] },
		"short":     func(s string) string { return shorten(s, 80) },
		// issue 19: what a notice was about, as staff say it.
		"kindName": jobs.KindName,
		// Why a notice could not be sent, in words (its errcode kept).
		"sendFailure": jobs.SendFailure,
		"contactOf": func(p personRow, csrf string) contactForm {
			return contactForm{OpenID: p.OpenID, Name: p.Name, Phone: p.Phone, CSRF: csrf}
		},
	}
}

// shorten cuts s to n characters, with … when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// contactForm fills the people page's name-and-phone form of one person.
type contactForm struct {
	OpenID, Name, Phone, CSRF string
}
