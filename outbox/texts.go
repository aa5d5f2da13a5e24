package outbox

import "fmt"

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

const (
	textTemplateRefusedBrief = "模板消息ID不对，请修改配置"
	textFixIt                = "待处理"
)

// kindWords name template kinds as staff say them.
var kindWords = map[string]string{
	"delivery": "送达", "roster": "排班", "urgent": "急需", "binding": "绑定", "cancellation": "取消",
	"restock": "到货", "picklist": "备货单", "digest": "汇总",
}
