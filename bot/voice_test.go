package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/urgent"
)

// voiceXML is a voice message as WeChat posts it, with what its speech
// recognition heard ("" for none).
func (e *env) voiceXML(user, recognition string) []byte {
	return wxsign.VoiceXML(officialID, user, "media-voice", recognition, e.msgID.Add(1), time.Now())
}

// speak sends a voice message and returns the answer.
func (e *env) speak(user, recognition string) string {
	e.t.Helper()
	return e.reply(e.voiceXML(user, recognition))
}

// householdOrders is every order of a household, newest first.
func (e *env) householdOrders(t *testing.T, household string) []orders.Order {
	t.Helper()
	list, err := e.store.HouseholdOrders(context.Background(), household, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// chineseDigits reads an order id the way people say it: 1005 is 幺零零五.
func chineseDigits(id string) string {
	var b strings.Builder
	for _, r := range id {
		b.WriteRune([]rune("零幺二三四五六七八九")[r-'0'])
	}
	return b.String()
}

// TestVoice sends realistic recognised texts through the real callback,
// in plain and safe mode, against a real redis-server.
func TestVoice(t *testing.T) {
	for _, safe := range []bool{false, true} {
		name := "plain"
		if safe {
			name = "safe"
		}
		t.Run(name, func(t *testing.T) {
			t.Run("typed alike", func(t *testing.T) { voiceTypedAlike(t, safe) })
			t.Run("read back", func(t *testing.T) { voiceReadBack(t, safe) })
			t.Run("urgent", func(t *testing.T) { voiceUrgent(t, safe) })
			t.Run("unheard", func(t *testing.T) { voiceUnheard(t, safe) })
		})
	}
}

// voiceTypedAlike: what is said does what the same words typed do, and
// the answer starts with what was heard.
func voiceTypedAlike(t *testing.T, safe bool) {
	e := newEnv(t, nil)
	e.safe = safe
	heard := func(got, said string) string {
		t.Helper()
		rest, ok := strings.CutPrefix(got, textHeard(said))
		if !ok {
			t.Fatalf("answer does not start with what was heard (%q):\n%s", said, got)
		}
		return rest
	}
	if got := heard(e.speak("zhang", "嗯，绑定三栋二单元五零一。"), "嗯，绑定三栋二单元五零一"); got != textBoundNew(orders.Address{Building: "3", Unit: "2", Room: "501"}, 30) {
		t.Fatalf("bind: %s", got)
	}
	// Chinese numerals and fillers.
	got := heard(e.speak("zhang", "嗯，那个，我要两份蔬菜包。"), "嗯，那个，我要两份蔬菜包")
	o := e.newest(t, "3-2-501")
	if got != e.bot.textPlaced(o, e.openDay()) || o.Lines[0].SKU != "VEG-A" || o.Lines[0].Qty != 2 || o.Channel != orders.ChannelVoice {
		t.Fatalf("order: %+v\n%s", o, got)
	}
	// Digits, and a filler at the end.
	e.speak("li", "绑定5栋1单元302。")
	got = heard(e.speak("li", "来3盒鸡蛋吧。"), "来3盒鸡蛋吧")
	if !strings.Contains(got, "鸡蛋") || !strings.Contains(got, "限购") {
		// Eggs are limited to 2 a day: refused as typed.
		t.Errorf("3 boxes of eggs: %s", got)
	}
	got = heard(e.speak("li", "鸡蛋两盒，然后呢，蔬菜包一份。"), "鸡蛋两盒，然后呢，蔬菜包一份")
	o = e.newest(t, "5-1-302")
	if !strings.HasPrefix(got, "下单成功") || orders.Goods(o.Lines) != "鸡蛋2盒、蔬菜包1份" {
		t.Errorf("two items: %s\n%+v", got, o.Lines)
	}
	// Half a unit is asked about, as typed.
	if got := heard(e.speak("li", "猪肉一斤半。"), "猪肉一斤半"); got != textNotWhole([]string{"猪肉"}, "猪肉2斤") {
		t.Errorf("一斤半: %s", got)
	}
	// An unknown word and nothing like it: as typed.
	if got := heard(e.speak("li", "我要两斤西红柿。"), "我要两斤西红柿"); got != textUnknownItems([]string{"西红柿"}, nil) {
		t.Errorf("unknown: %s", got)
	}
	// 我的订单, and 取消 with the id read digit by digit.
	first := e.householdOrders(t, "3-2-501")[0]
	if got := heard(e.speak("zhang", "我的订单？"), "我的订单"); !strings.Contains(got, first.ID) {
		t.Errorf("my orders: %s", got)
	}
	said := "取消" + chineseDigits(first.ID)
	got = heard(e.speak("zhang", said+"。"), said)
	if o, _ := e.store.Order(context.Background(), first.ID); o.Status != orders.StatusCancelled || got != textCancelled(o) {
		t.Errorf("cancelled by voice: %s\n%s", o.Status, got)
	}
	// Nothing but fillers.
	if got := e.speak("zhang", "嗯。"); got != withHeard("嗯", textVoiceNothing) {
		t.Errorf("fillers only: %s", got)
	}
	// A lead orders for an elder by voice, and asks for the summary.
	got = heard(e.speak("lead-3", "三栋二单元五零二，蔬菜包一份。"), "三栋二单元五零二，蔬菜包一份")
	if o := e.newest(t, "3-2-502"); o.PlacedBy != "lead-3" || orders.Goods(o.Lines) != "蔬菜包1份" {
		t.Errorf("lead's line: %+v\n%s", o, got)
	}
	if got := heard(e.speak("lead-3", "汇总。"), "汇总"); !strings.Contains(got, "502") {
		t.Errorf("summary: %s", got)
	}
	// A volunteer's command.
	e.bot.Community.Grids[0].Volunteers = []string{"vol-a"}
	if got := heard(e.speak("vol-a", "任务。"), "任务"); got != textNoTasks {
		t.Errorf("tasks: %s", got)
	}
}

// voiceReadBack: an uncertain hearing is read back, and 是 places exactly
// that order once.
func voiceReadBack(t *testing.T, safe bool) {
	e := newEnv(t, nil)
	e.safe = safe
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")

	// Medicine is read back; nothing is ordered until 是.
	got := e.speak("zhang", "我要那个布洛芬一盒吧。")
	if got != withHeard("我要那个布洛芬一盒吧", textReadBack(readBackView{goods: "布洛芬缓释胶囊1盒", medicine: true})) {
		t.Fatalf("medicine: %s", got)
	}
	if n := len(e.householdOrders(t, "3-2-501")); n != 0 {
		t.Fatalf("%d orders before 是", n)
	}
	yes := e.voiceXML("zhang", "是的。")
	placed := e.reply(yes)
	list := e.householdOrders(t, "3-2-501")
	if len(list) != 1 || orders.Goods(list[0].Lines) != "布洛芬缓释胶囊1盒" || list[0].Channel != orders.ChannelVoice {
		t.Fatalf("after 是: %+v", list)
	}
	if placed != withHeard("是的", e.bot.textPlaced(list[0], e.openDay())) {
		t.Errorf("是: %s", placed)
	}
	// WeChat retries the same 是: the same answer, no second order.
	if again := e.reply(yes); again != placed {
		t.Errorf("retried 是:\n%s\nwant\n%s", again, placed)
	}
	// A new 是 (typed this time) has nothing left to confirm.
	if got := e.say("zhang", "是"); got != textConfirmNothing {
		t.Errorf("second 是: %s", got)
	}
	if n := len(e.householdOrders(t, "3-2-501")); n != 1 {
		t.Fatalf("%d orders after two 是", n)
	}

	// A misheard item is read back as the closest goods, with its quantity.
	got = e.speak("zhang", "我要两份树菜包。")
	if got != withHeard("我要两份树菜包", textReadBack(readBackView{goods: "蔬菜包2份", guessed: [][2]string{{"树菜包", "蔬菜包"}}})) {
		t.Fatalf("misheard: %s", got)
	}
	if got := e.say("zhang", "对"); !strings.HasPrefix(got, "下单成功") {
		t.Errorf("typed 对: %s", got)
	}
	if o := e.newest(t, "3-2-501"); orders.Goods(o.Lines) != "蔬菜包2份" {
		t.Errorf("misheard then confirmed: %+v", o.Lines)
	}

	// More than five is read back; 不对 drops it, and 是 then finds nothing.
	e.speak("li", "绑定五栋一单元三零二。")
	got = e.speak("li", "给我来八袋挂面。")
	if got != withHeard("给我来八袋挂面", textReadBack(readBackView{goods: "挂面8袋", many: true})) {
		t.Fatalf("eight: %s", got)
	}
	if got := e.speak("li", "不对不对。"); got != withHeard("不对不对", textDenied("挂面8袋")) {
		t.Errorf("不对: %s", got)
	}
	if got := e.speak("li", "是。"); got != withHeard("是", textConfirmNothing) {
		t.Errorf("是 after 不对: %s", got)
	}
	// An unknown word beside known goods: the known ones are read back.
	got = e.speak("li", "挂面两袋，还有西红柿一斤。")
	if got != withHeard("挂面两袋，还有西红柿一斤", textReadBack(readBackView{goods: "挂面2袋", unknown: []string{"西红柿"}})) {
		t.Errorf("unknown word: %s", got)
	}
	// Typed again after the read-back: the typed order is the one meant.
	e.now = e.now.Add(time.Minute)
	typed := e.say("li", "挂面3袋")
	if !strings.HasPrefix(typed, "下单成功") {
		t.Fatalf("typed: %s", typed)
	}
	newer := e.newest(t, "5-1-302")
	if got := e.speak("li", "确认。"); got != withHeard("确认", textConfirmSuperseded(newer, "挂面2袋")) {
		t.Errorf("是 after typing: %s", got)
	}
	if n := len(e.householdOrders(t, "5-1-302")); n != 1 {
		t.Errorf("%d orders, want the typed one", n)
	}
	// 取消 alone with nothing read back is still the resident's cancel.
	if got := e.say("li", "取消"); got != textCancelWhich([]orders.Order{newer}) {
		t.Errorf("取消: %s", got)
	}
	// A read-back waits a few minutes only.
	e.speak("li", "挂面八袋。")
	if err := e.rdb.Del(ctx, "bg:{"+e.community+"}:voice:li").Err(); err != nil {
		t.Fatal(err)
	}
	if got := e.say("li", "好的"); got != textConfirmNothing {
		t.Errorf("expired: %s", got)
	}

	// Many new 是 at once: one order.
	e.speak("wang", "绑定6栋3单元1202。")
	e.speak("wang", "挂面六袋。")
	var wg sync.WaitGroup
	answers := make([]string, 6)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.speak("wang", "是。")
		}()
	}
	wg.Wait()
	list = e.householdOrders(t, "6-3-1202")
	if len(list) != 1 {
		t.Fatalf("%d orders after six 是", len(list))
	}
	placedOnce := 0
	for _, a := range answers {
		switch a {
		case withHeard("是", e.bot.textPlaced(list[0], e.openDay())):
			placedOnce++
		case withHeard("是", textConfirmNothing):
		default:
			t.Errorf("concurrent 是: %s", a)
		}
	}
	if placedOnce != 1 {
		t.Errorf("%d answers say placed", placedOnce)
	}
}

// voiceUrgent: a cry for help by voice goes to the team at once, even
// when nothing in it can be ordered, and the team hears it came by voice.
func voiceUrgent(t *testing.T, safe bool) {
	e, ob, fake := urgentEnv(t)
	e.safe = safe
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	cry := "救命啊，我爸心脏病的药吃完了"
	if got := e.speak("zhang", cry+"！"); got != withHeard(cry, textHelpPassed(urgent.Team, nil, "")) {
		t.Fatalf("救命: %s", got)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	want := "【急·求助】3栋2单元501的住户求助：\n" + textVoiceSaid(cry) + "\n请马上联系或上门看看，需要时帮忙打120。"
	for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
		if got := texts(fake, u); len(got) != 1 || got[0] != want {
			t.Errorf("pushed to %s: %q", u, got)
		}
	}
	// 急 with medicine: placed at once (no read-back), pushed with 【语音】.
	got := e.speak("zhang", "急，布洛芬一盒。")
	o := e.newest(t, "3-2-501")
	if got != withHeard("急，布洛芬一盒", textUrgentPlaced(o, urgent.Team)) || !o.Urgent || o.Channel != orders.ChannelVoice {
		t.Fatalf("急 medicine: %+v\n%s", o, got)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	want = urgent.PushText(o, nil)
	if !strings.HasPrefix(want, "【急】【语音】") {
		t.Errorf("push text: %s", want)
	}
	if got := texts(fake, "vol-a"); len(got) != 2 || got[1] != want {
		t.Errorf("pushed: %q", got)
	}
}

// voiceUnheard: a voice message without words gets a kind answer, never
// an error.
func voiceUnheard(t *testing.T, safe bool) {
	e := newEnv(t, nil)
	e.safe = safe
	if got := e.speak("nobody", ""); got != textUnheard(orders.Address{}, false) {
		t.Errorf("unbound: %s", got)
	}
	e.say("zhang", "绑定 3栋2单元501")
	if got := e.speak("zhang", ""); got != textUnheard(orders.Address{Building: "3", Unit: "2", Room: "501"}, true) {
		t.Errorf("bound, with a lead: %s", got)
	}
	if got := e.speak("zhang", "。"); got != textUnheard(orders.Address{Building: "3", Unit: "2", Room: "501"}, true) {
		t.Errorf("only a stop: %s", got)
	}
	e.say("zhao", "绑定 5栋1单元101")
	if got := e.speak("zhao", ""); got != textUnheard(orders.Address{Building: "5", Unit: "1", Room: "101"}, false) {
		t.Errorf("bound, no lead: %s", got)
	}
	// The lead's line works as the answer says.
	e.say("lead-3", "3-2-501 蔬菜包2份")
	if o := e.newest(t, "3-2-501"); orders.Goods(o.Lines) != "蔬菜包2份" {
		t.Errorf("lead's order: %+v", o.Lines)
	}
}

// TestSaysOnly: the words that answer a read-back, and what is not one.
func TestSaysOnly(t *testing.T) {
	yes, no := saysOnly(confirmWords), saysOnly(denyWords)
	for s, want := range map[string][2]bool{
		"是": {true, false}, "是的。": {true, false}, "对对对": {true, false}, "嗯，对，就是。": {true, false},
		"好的，确认下单": {true, false}, "好吧": {true, false},
		"不对": {false, true}, "不是的": {false, true}, "不对不对，听错了": {false, true}, "取消": {false, true},
		"是蔬菜包": {false, false}, "嗯": {false, false}, "": {false, false}, "取消1005": {false, false},
	} {
		if got := [2]bool{yes(nil, nil, s), no(nil, nil, s)}; got != want {
			t.Errorf("%q: confirm, deny = %v, want %v", s, got, want)
		}
	}
}

// TestConfirmWhenThePlaceIsLost: a 是 whose order-placing script's fate is
// unknown is answered truly, and the next 是 leaves exactly one order:
// the order read back waits again, and placing it again under the same
// request id places nothing more.
func TestConfirmWhenThePlaceIsLost(t *testing.T) {
	for _, tc := range placeFaults {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.say("zhang", "绑定 3栋2单元501")
			e.say("warm-up", "绑定 5栋1单元101")
			e.say("warm-up", "蔬菜包1份")
			e.speak("zhang", "挂面八袋。")
			e.now = e.now.Add(time.Minute)
			hook := &faultHook{mode: tc.mode}
			e.rdb.AddHook(hook)
			got := e.say("zhang", "是")
			hook.late.Wait()
			list := e.householdOrders(t, "3-2-501")
			switch {
			case tc.placed && (len(list) != 1 || !strings.Contains(got, "订单号 "+list[0].ID)):
				t.Fatalf("reply %q, orders %d: want the one order placed", got, len(list))
			case !tc.placed && (len(list) != 0 || got != textBusy):
				t.Fatalf("reply %q, orders %d: want %q and none", got, len(list), textBusy)
			}
			again := e.say("zhang", "是")
			list = e.householdOrders(t, "3-2-501")
			if len(list) != 1 || orders.Goods(list[0].Lines) != "挂面8袋" {
				t.Fatalf("%d orders in the end, want exactly 1: %+v", len(list), list)
			}
			if tc.placed && again != textConfirmAlready(list[0]) {
				t.Errorf("是 again: %s", again)
			}
			if !tc.placed && !strings.HasPrefix(again, "下单成功") {
				t.Errorf("是 again: %s", again)
			}
		})
	}
}
