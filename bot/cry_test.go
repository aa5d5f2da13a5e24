package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

// Cries for help, third round (review of issue 20's work): each test
// sends what a resident or lead sent through the real callback and
// checks who was paged; each fails on the code before.

// pagedAll drains ob and returns what openid was sent containing want.
func pagedAll(t *testing.T, e *env, ob *outbox.Outbox, fake *fakewechat.Faulty, openid, want string) []string {
	t.Helper()
	if _, err := ob.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	return paged(t, e, fake, openid, want)
}

// TestCryStartingWithABindWord: a cry that starts like a binding (我住,
// 地址, 绑定) is a cry: nobody is bound, everyone who should hear it does.
func TestCryStartingWithABindWord(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	got := e.say("passer-by", "我住3栋2单元502，老伴晕倒了，救命")
	contains(t, "an unbound cry starting with 我住", got, "120", "已马上转告社区工作人员和楼栋长", "3栋2单元502")
	if strings.Contains(got, "已绑定") {
		t.Errorf("a cry taken for a binding: %q", got)
	}
	if _, err := e.store.Binding(context.Background(), "passer-by"); err == nil {
		t.Errorf("the crier was bound")
	}
	for _, u := range []string{"admin-1", "lead-3"} {
		if p := pagedAll(t, e, ob, fake, u, "老伴晕倒了"); len(p) != 1 {
			t.Errorf("%s paged %d times: %q", u, len(p), fake.SentTo(u))
		}
	}
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	got = e.say("zhang", "地址 3栋2单元501 我妈摔倒了起不来")
	contains(t, "a bound resident's cry starting with 地址", got, "120", "已马上转告志愿者和楼栋长")
	for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
		if p := pagedAll(t, e, ob, fake, u, "我妈摔倒了"); len(p) != 1 {
			t.Errorf("%s paged %d times: %q", u, len(p), fake.SentTo(u))
		}
	}
}

// TestCryJoiningAnOpenUrgentOrderPagesAgain: a cry whose goods go with
// the household's open urgent order pages the team again, with what the
// order now holds; once claimed, the volunteer bringing it.
func TestCryJoiningAnOpenUrgentOrderPagesAgain(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	o := e.orderAs(t, "zhang", "3栋2单元501", "急 挂面1袋", "急需订单已收到")
	e.mustSay(t, "zhang", "救命 硝酸甘油1瓶", "120", "已加到正在处理的急需订单 "+o.ID)
	for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
		if p := pagedAll(t, e, ob, fake, u, "硝酸甘油"); len(p) != 1 {
			t.Errorf("%s not paged again with the medicine: %q", u, fake.SentTo(u))
		}
	}
	e.mustSay(t, "vol-a", "领取 "+o.ID, "挂面1袋、硝酸甘油片1瓶")
	e.mustSay(t, "zhang", "救命 挂面1袋", "120", "已经在处理")
	if p := pagedAll(t, e, ob, fake, "vol-a", "您领取的急需订单 "+o.ID); len(p) != 1 {
		t.Errorf("the volunteer on the way was not told of the cry: %q", fake.SentTo("vol-a"))
	}
	if p := pagedAll(t, e, ob, fake, "vol-b", "又在求助"); len(p) != 1 {
		t.Errorf("another volunteer paged again for a claimed order: %q", p)
	}
}

// TestASecondCryNamingAnotherDoor: a household's second cry about another
// door pages whoever had not heard of that door (the other building's
// lead too); the same cry again pages nobody.
func TestASecondCryNamingAnotherDoor(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	e.wrote("lead-68") // building 6's lead is active today too
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "zhang", "救命 我妈晕倒了", "120")
	e.now = e.now.Add(3 * time.Minute)
	got := e.mustSay(t, "zhang", "救命 6栋1单元302的老人摔倒了", "120", "6栋1单元302")
	if got == textHelpAgain {
		t.Fatalf("the second cry was swallowed: %q", got)
	}
	if p := pagedAll(t, e, ob, fake, "lead-68", "6栋1单元302"); len(p) != 1 {
		t.Errorf("the lead of building 6 heard %d times: %q", len(p), fake.SentTo("lead-68"))
	}
	if p := pagedAll(t, e, ob, fake, "vol-a", "求助"); len(p) != 2 {
		t.Errorf("vol-a heard %d cries, want both: %q", len(p), p)
	}
	if got := e.say("zhang", "救命 6栋1单元302的老人摔倒了"); got != textHelpAgain {
		t.Errorf("the same cry again: %q", got)
	}
	if p := pagedAll(t, e, ob, fake, "lead-68", "求助"); len(p) != 1 {
		t.Errorf("the lead of building 6 paged again: %q", p)
	}
}

// TestAJielongLineThatCries: a 接龙 entry that cries for help is passed
// on to the team of the door it names, said first in the lead's answer;
// the other entries are ordered; pasting the list again pages nobody
// again.
func TestAJielongLineThatCries(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	list := "#接龙 3栋蔬菜\n1. 张 3-2-501 蔬菜包1份\n2. 李 3-2-502 救命 老人晕倒了喘不上气"
	got := e.mustSay(t, "lead-3", list, "120", "接龙第2条像是有人求助", "3栋2单元502")
	if o := e.newest(t, "3-2-501"); orders.Goods(o.Lines) != "蔬菜包1份" {
		t.Errorf("the other entry: %+v (answer %q)", o, got)
	}
	for _, u := range []string{"vol-a", "vol-b"} {
		if p := pagedAll(t, e, ob, fake, u, "老人晕倒了喘不上气"); len(p) != 1 || !strings.Contains(p[0], "3栋2单元502") {
			t.Errorf("%s paged: %q", u, fake.SentTo(u))
		}
	}
	e.mustSay(t, "lead-3", list+"\n3. 王 3-2-503 鸡蛋1盒", "接龙第2条的求助之前已经转告过了")
	if p := pagedAll(t, e, ob, fake, "vol-a", "求助"); len(p) != 1 {
		t.Errorf("vol-a paged again by the same list: %q", p)
	}
}

// TestEverydayOrdersAreNotCries: orders that mention 中风险, 煤气没气了,
// a phone or a fan that broke are placed, and nobody is paged; a real cry
// with goods pages and orders both.
func TestEverydayOrdersAreNotCries(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	for _, text := range []string{"我们是中风险小区 蔬菜包1份", "鸡蛋1盒 煤气没气了", "鸡蛋1盒 手机不行了打不了电话", "挂面1袋 放门口 厨房抽风机坏了"} {
		e.mustSay(t, "zhang", text, "下单成功")
	}
	if p := pagedAll(t, e, ob, fake, "vol-a", "求助"); len(p) != 0 {
		t.Errorf("orders paged as cries: %q", p)
	}
	e.mustSay(t, "li", "绑定 3栋2单元502", "已绑定")
	e.mustSay(t, "li", "老伴摔倒了 布洛芬1盒", "120", "已马上转告志愿者和楼栋长", "急需订单")
	if o := e.newest(t, "3-2-502"); orders.Goods(o.Lines) != "布洛芬缓释胶囊1盒" || !o.Urgent {
		t.Errorf("the goods of a cry: %+v", o)
	}
	if p := pagedAll(t, e, ob, fake, "vol-a", "老伴摔倒了"); len(p) != 1 {
		t.Errorf("the cry with goods paged %d times: %q", len(p), fake.SentTo("vol-a"))
	}
}

// TestAnUnboundCryReachesEveryCommunityWithTheDoor: on an account of two
// communities that both have a 3栋, a cry from someone not bound that
// names 3栋1单元102 pages both.
func TestAnUnboundCryReachesEveryCommunityWithTheDoor(t *testing.T) {
	e := newAccountEnv(t)
	obs, fake := e.withOutboxes(t, e.c1, e.c2)
	e.wrote("lead-3", "lead-xf-3") // each community's lead wrote today
	e.c1.Community.Phone, e.c2.Community.Phone = "021-11111111", "021-22222222"
	got := e.say("stranger", "救命 3栋1单元102有人晕倒了")
	contains(t, "the answer", got, "120", "3栋1单元102", "阳光小区 021-11111111", "幸福里 021-22222222")
	for i, lead := range []string{"lead-3", "lead-xf-3"} {
		if p := pagedAll(t, e.env, obs[i], fake, lead, "有人晕倒了"); len(p) != 1 {
			t.Errorf("%s, lead of 3栋 in %s: %q", lead, []string{"阳光小区", "幸福里"}[i], fake.SentTo(lead))
		}
	}
}

// TestCriesInPlainWords: cries that name no illness (快来人), say it
// another way (喘不上来气, 跌倒) or are about fire and gas are passed on
// from anyone: a first message before binding pages the staff, a bound
// resident's pages the team; none is answered as an order. A stove that
// will not light (打不着火) is no fire.
func TestCriesInPlainWords(t *testing.T) {
	for _, tc := range []struct{ text, want, call string }{
		{"快来人啊 老伴喘不上来气", "老伴喘不上来气", "打120"},
		{"奶奶跌倒了 喊不醒", "奶奶跌倒了", "打120"},
		{"着火了！", "着火了", "打119"}, // fire and gas: 119 first
		{"家里煤气泄漏了 头晕", "煤气泄漏", "打119"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			e, ob, fake := urgentEnv(t)
			got := e.say("new-user", tc.text)
			contains(t, "a first message that cries", got, "已马上转告社区工作人员", tc.call)
			if p := pagedAll(t, e, ob, fake, "admin-1", tc.want); len(p) != 1 || !strings.Contains(p[0], tc.call) {
				t.Errorf("staff paged %d times: %q", len(p), fake.SentTo("admin-1"))
			}
			e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
			got = e.say("zhang", tc.text)
			contains(t, "a bound resident's cry", got, "已马上转告志愿者和楼栋长", tc.call)
			for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
				if p := pagedAll(t, e, ob, fake, u, tc.want); len(p) != 1 || !strings.Contains(p[0], tc.call) {
					t.Errorf("%s paged %d times: %q", u, len(p), fake.SentTo(u))
				}
			}
		})
	}
	e, ob, fake := urgentEnv(t)
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "zhang", "鸡蛋1盒 煤气灶打不着火了", "下单成功")
	if p := pagedAll(t, e, ob, fake, "vol-a", "求助"); len(p) != 0 {
		t.Errorf("a stove that will not light paged: %q", p)
	}
}

// TestACryThatSaysMoreIsPassedOn: what a frightened person writes after
// 救命 (老伴晕倒了, where, what) reaches whoever heard the first cry,
// bound or not; the same words again, or past a few more, page nobody
// again. The answer to a cry already passed on from someone not bound
// says it went to the staff, not to volunteers they do not have.
func TestACryThatSaysMoreIsPassedOn(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "zhang", "救命", "120", "已马上转告志愿者和楼栋长")
	e.now = e.now.Add(2 * time.Minute)
	got := e.mustSay(t, "zhang", "老伴晕倒了 叫不醒", "120")
	if got == textHelpAgain {
		t.Errorf("what the second cry says was not passed on: %q", got)
	}
	for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
		if p := pagedAll(t, e, ob, fake, u, "老伴晕倒了 叫不醒"); len(p) != 1 || !strings.Contains(p[0], "3栋2单元501的住户又在求助") {
			t.Errorf("%s: %q", u, fake.SentTo(u))
		}
	}
	for _, same := range []string{"老伴晕倒了 叫不醒", "老伴晕倒了，叫不醒！", "救命！"} {
		if got := e.say("zhang", same); got != textHelpAgain {
			t.Errorf("%q again: %q", same, got)
		}
	}
	for i := range actions.MoreCries + 2 {
		e.say("zhang", fmt.Sprintf("救命 快来人 第%d次", i+1))
	}
	if p := pagedAll(t, e, ob, fake, "vol-a", "求助"); len(p) != actions.MoreCries+1 {
		t.Errorf("vol-a paged %d times in a few minutes, want %d: %q", len(p), actions.MoreCries+1, p)
	}

	got = e.say("passer-by", "救命")
	contains(t, "a first cry before binding", got, "已马上转告社区工作人员")
	got = e.say("passer-by", "老人摔倒了 起不来")
	contains(t, "what someone not bound says next", got, "已马上转告社区工作人员")
	if p := pagedAll(t, e, ob, fake, "admin-1", "老人摔倒了 起不来"); len(p) != 1 || !strings.Contains(p[0], "又在求助") {
		t.Errorf("admin-1: %q", fake.SentTo("admin-1"))
	}
	got = e.say("passer-by", "老人摔倒了 起不来")
	if !strings.Contains(got, "社区工作人员") || strings.Contains(got, "志愿者") {
		t.Errorf("the same cry again before binding: %q", got)
	}
}

// TestCriesResidentsWrote: a fall, a smell of gas, smoke, low sugar, a
// heart, despair, written as residents write them, were answered 没有找到
// (an order) and paged nobody; each now pages the team, and the fire's
// answer says 119.
func TestCriesResidentsWrote(t *testing.T) {
	for _, tc := range []struct{ text, call string }{
		{"老伴摔了 起不来", "120"},
		{"家里煤气味很大", "119"},
		{"楼道里有烟", "119"},
		{"我血糖很低 头晕", "120"},
		{"我心脏难受", "120"},
		{"我想死", "120"},
		{"血压很高 头很晕", "120"},
	} {
		t.Run(tc.text, func(t *testing.T) {
			e, ob, fake := urgentEnv(t)
			e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
			got := e.mustSay(t, "zhang", tc.text, tc.call, "已马上转告")
			if strings.Contains(got, "没有找到") {
				t.Errorf("read as an order: %q", got)
			}
			if p := pagedAll(t, e, ob, fake, "vol-a", tc.text); len(p) != 1 {
				t.Errorf("vol-a paged %d times: %q", len(p), fake.SentTo("vol-a"))
			}
		})
	}
}

// TestWordsAfterACry: what a frightened person writes after 救命 without
// a cry word (我爸不动了 脸发紫, 在3栋2单元502 快点, 人呢？) was answered
// 没有找到 … 这次没有下单 (or 您只能为自己家下单) and reached nobody; it is
// now passed on as more of the cry. An order after it is still an order;
// the same words from a household that did not cry are not a cry.
func TestWordsAfterACry(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	e.mustSay(t, "zhang", "救命", "120")
	got := e.mustSay(t, "zhang", "我爸不动了 脸色很难看", "120", "已马上转告")
	if strings.Contains(got, "没有找到") {
		t.Fatalf("read as an order: %q", got)
	}
	if p := pagedAll(t, e, ob, fake, "vol-a", "脸色很难看"); len(p) != 1 {
		t.Errorf("vol-a not told: %q", fake.SentTo("vol-a"))
	}
	e.mustSay(t, "zhang", "在3栋2单元502 快点", "3栋2单元502", "已马上转告")
	if p := pagedAll(t, e, ob, fake, "lead-3", "快点"); len(p) != 1 {
		t.Errorf("lead-3 not told: %q", fake.SentTo("lead-3"))
	}
	if got := e.say("zhang", "一共多少钱"); strings.Contains(got, "转告") {
		t.Errorf("a price asked after the cry was passed on as more of it: %q", got)
	}
	e.mustSay(t, "zhang", "硝酸甘油1瓶", "订单号")
	if p := pagedAll(t, e, ob, fake, "vol-a", "多少钱"); len(p) != 0 {
		t.Errorf("vol-a paged with a price: %q", p)
	}
	e.mustSay(t, "li", "绑定 3栋2单元601", "已绑定")
	e.mustSay(t, "li", "我爸不动了 脸色很难看", "没有找到")
}

// TestJiujiIsAnUrgentOrder: 救急 米面油1份 (urgent: I need it now) was
// answered as a cry (有生命危险请先打120) with nothing ordered: its 救 was
// read as goods nobody has. It is an urgent order, paged as one.
func TestJiujiIsAnUrgentOrder(t *testing.T) {
	e, _, _ := urgentEnv(t)
	e.mustSay(t, "zhang", "绑定 3栋2单元501", "已绑定")
	got := e.mustSay(t, "zhang", "救急 米面油1份", "急需订单已收到", "米面油套餐 1份")
	if strings.Contains(got, "备注") {
		t.Errorf("a remark of the urgent word: %q", got)
	}
}
