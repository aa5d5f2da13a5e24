package outbox

import (
	"fmt"
	"strings"
)

// Every sentence the outbox writes itself: the frame of several notices
// sent as one, and the word to staff when WeChat refuses a template.

// textMerged heads several notices sent as one message.
func textMerged(n int) string { return fmt.Sprintf("【%d条通知】", n) }

// textSeveral is a template's what when it stands for n notices.
func textSeveral(what string, n int) string {
	r := []rune(what)
	return fmt.Sprintf("%s等%d条", string(r[:min(len(r), 14)]), n)
}

// textTemplateRefused tells staff a template id does not work.
func textTemplateRefused(kind, id string) string {
	return fmt.Sprintf("【模板消息出错】微信不认识模板ID %s（用于%s通知，错误40037）。\n这类通知现在发不出去，会等本人下次发消息时在回复里补上。\n请在公众号后台添加这个模板，或改配置 wechat.templates.%s。", id, kindWords[kind], kind)
}

// textTemplateMissing: the account has no template id (for kinds,
// configured as wechat.templates.kind).
func textTemplateMissing(id, kinds, kind string) string {
	return fmt.Sprintf("公众号里没有模板ID %s（用于%s通知）：对方48小时内没发消息时，这类通知发不出去，会等本人下次发消息时补上。请在公众号后台添加这个模板，或改配置 wechat.templates.%s。", id, kinds, kind)
}

// textTemplateFields: template id lacks fields baogong fills (they would
// show blank).
func textTemplateFields(id, kinds string, lack, own []string) string {
	return fmt.Sprintf("模板 %s（用于%s通知）没有字段 %s，这几项会是空的。这个模板的字段是：%s。请在配置 wechat.template_fields.%s 里写明哪个字段放什么。",
		id, kinds, strings.Join(lack, "、"), strings.Join(own, "、"), id)
}

// textTemplateCheck tells staff what the start-up check of the templates
// found.
func textTemplateCheck(problems []string) string {
	var b strings.Builder
	b.WriteString("【模板消息设置有误】")
	for i, p := range problems {
		fmt.Fprintf(&b, "\n%d. %s", i+1, p)
	}
	b.WriteString("\n改好后重启服务，会再检查一次。")
	return b.String()
}

const (
	textTemplateRefusedBrief = "模板消息ID不对，请修改配置"
	textTemplateCheckBrief   = "模板消息设置有误"
	textFixIt                = "待处理"
)

// kindWords name template kinds as staff say them.
var kindWords = map[string]string{
	"delivery": "送达", "roster": "排班", "urgent": "急需", "binding": "绑定", "cancellation": "取消",
	"restock": "到货", "picklist": "备货单", "digest": "汇总",
}
