package bot

import (
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// reachReplies renders what is said about notices nothing could push
// (carried on a reply), greetings, and urgent requests whose grid cannot
// be reached (TestReplyGolden).
func reachReplies(placed orders.Order) map[string]string {
	at := time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)
	roster := orders.Notice{ID: "roster:G1", Kind: "roster", CreatedAt: at,
		Text: "【配送任务】11月24日 07:00 G1网格\n您负责2户：\n1. 3栋2单元501 蔬菜包2份\n2. 3栋1单元101 鸡蛋1盒\n打印版：https://bg.example/r/G1/1/vol-a?exp=1&sig=x\n送到后回复\"完成 序号\"，例如：完成 1\n看任务回复\"任务\""}
	urgentPage := orders.Notice{ID: "urgent:1001", Kind: "urgent", CreatedAt: at.Add(3 * time.Hour),
		Text: "【急】3栋2单元501 布洛芬缓释胶囊1盒\n谁能马上送？领取请回复：领取 1001"}
	b := &Bot{Location: time.UTC, Links: goldenLinks{}}
	m := &Message{Request: Request{OpenID: "vol-a", MsgType: "text"}}
	m.From.Held, m.From.HeldCount = []orders.Notice{roster, urgentPage}, 2
	carried := b.withMissed(m, textGreetVolunteer)
	m2 := &Message{Request: Request{OpenID: "vol-a", MsgType: "text"}}
	m2.From.Held, m2.From.HeldCount = []orders.Notice{urgentPage}, 7
	linked := b.withMissed(m2, textNoTasks)
	pushed := []orders.Address{placed.Address}
	return map[string]string{
		"missed_carried":     carried,
		"missed_linked":      linked,
		"greet_volunteer":    textGreetVolunteer,
		"greet_lead":         textGreetLead,
		"greet_staff":        textGreetStaff,
		"greet_supplier":     textGreetSupplier,
		"greet_resident":     textGreetResident,
		"greet_stranger":     textGreetStranger(textBindHowTo()),
		"urgent_placed_lead": textUrgentPlaced(placed, urgent.Lead),
		"urgent_placed_held": textUrgentPlaced(placed, urgent.Held),
		"urgent_pasted_lead": textUrgentPasted(pushed, urgent.Lead),
		"urgent_pasted_held": textUrgentPasted(pushed, urgent.Held),
	}
}

type goldenLinks struct{}

func (goldenLinks) Summary(lead, unit string) string { return "https://bg.example/s/" + lead }
func (goldenLinks) Notices(openid string) string {
	return "https://bg.example/n/" + openid + "?exp=1&sig=x"
}
