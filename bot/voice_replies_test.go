package bot

import (
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// voiceReplies renders what is said about voice messages (TestReplyGolden).
func voiceReplies(placed orders.Order) map[string]string {
	a := placed.Address
	heard := "嗯，那个，我要两份蔬菜包"
	veg := "蔬菜包2份"
	return map[string]string{
		"voice_heard_placed":    withHeard(heard, textPlaced(placed, goldenDays(false).Note(placed.Day), textHowToPay(orders.PayAtDoor, ""))),
		"voice_heard_urgent":    withHeard("急，蔬菜包两份，布洛芬一盒", textUrgentPlaced(placed, urgent.Team)),
		"voice_nothing":         withHeard("嗯", textVoiceNothing),
		"voice_unheard":         textUnheard(a, true),
		"voice_unheard_no_lead": textUnheard(a, false),
		"voice_unheard_unbound": textUnheard(orders.Address{}, false),
		"voice_read_back_many":  withHeard("给我来八袋挂面", textReadBack(readBackView{goods: "挂面8袋", many: true})),
		"voice_read_back_medicine": withHeard("我要那个布洛芬一盒吧",
			textReadBack(readBackView{goods: "布洛芬缓释胶囊1盒", medicine: true})),
		"voice_read_back_guessed": withHeard("我要两份树菜包",
			textReadBack(readBackView{goods: veg, guessed: [][2]string{{"树菜包", "蔬菜包"}}})),
		"voice_read_back_unknown": withHeard("蔬菜包两份，还有西红柿一斤",
			textReadBack(readBackView{goods: veg, unknown: []string{"西红柿"}})),
		"voice_denied":             withHeard("不对不对", textDenied("挂面8袋")),
		"voice_confirm_nothing":    textConfirmNothing,
		"voice_deny_nothing":       textDenyNothing,
		"voice_confirm_already":    textConfirmAlready(placed),
		"voice_confirm_superseded": textConfirmSuperseded(placed, "挂面8袋"),
	}
}
