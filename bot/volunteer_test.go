package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// rosterFor puts the G1 pending orders on vol's roster for slot, as the
// roster job does.
func (e *env) rosterFor(t *testing.T, vol string, slot time.Time) orders.Roster {
	t.Helper()
	ctx := context.Background()
	open, err := e.store.OpenOrders(ctx, "G1")
	if err != nil {
		t.Fatal(err)
	}
	ro, _, err := e.store.SaveRoster(ctx, orders.BuildRoster(e.bot.Catalog, "G1", []string{vol}, open, slot, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range ro.Shares {
		for _, st := range sh.Stops {
			if _, err := e.store.Assign(ctx, st.OrderID, sh.Volunteer, slot, slot); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ro
}

func TestVolunteerTasksAndDone(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.say("zhang", "绑定 3栋2单元501")
	e.say("zhang", "蔬菜包1份")
	e.say("lead-3", "#接龙\n1. 孙奶奶 13900001111 3-1-101 鸡蛋1盒")
	if got := e.say("vol-a", "任务"); got != textNoTasks {
		t.Errorf("no tasks yet: %q", got)
	}
	slot := time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai)
	e.rosterFor(t, "vol-a", slot)
	got := e.say("vol-a", "任务")
	for _, want := range []string{"共2户，还剩2户", "1. 3栋1单元101 鸡蛋1盒", "2. 3栋2单元501 蔬菜包1份"} {
		if !strings.Contains(got, want) {
			t.Errorf("tasks lack %q:\n%s", want, got)
		}
	}
	if got := e.say("zhang", "取消 1001"); !strings.Contains(got, "正在配送") {
		t.Errorf("resident cancels an assigned order: %q", got)
	}
	if got := e.say("vol-a", "完成 2"); got != textDone(orders.Stop{Seq: 2, Address: orders.Address{Building: "3", Unit: "2", Room: "501"}}, true, 1) {
		t.Errorf("done 2: %q", got)
	}
	if got := e.say("vol-a", "完成 1"); !strings.Contains(got, "这户没有绑定微信") || !strings.Contains(got, "全部送完了") {
		t.Errorf("done 1: %q", got)
	}
	if got := e.say("vol-a", "完成 1"); !strings.Contains(got, "已经记过送达了") {
		t.Errorf("done twice: %q", got)
	}
	if got := e.say("vol-a", "完成 9"); !strings.Contains(got, "没有第9户") {
		t.Errorf("no such stop: %q", got)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("zhang"); len(sent) != 1 || !strings.Contains(sent[0].Text, "蔬菜包1份已放到3栋2单元门口") {
		t.Errorf("resident notice: %+v", sent)
	}
}

func TestVolunteerSignUpApprovedByLead(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	if got := e.say("newbie", "报名志愿者"); got != textBindBefore() {
		t.Errorf("unbound sign-up: %q", got)
	}
	e.say("newbie", "绑定 5栋1单元302")
	if got := e.say("newbie", "报名志愿者"); !strings.Contains(got, "名字和手机号") {
		t.Errorf("sign-up without name or phone: %q", got)
	}
	if got := e.say("newbie", "报名志愿者 林师傅"); !strings.Contains(got, "写上手机号") {
		t.Errorf("sign-up without a phone: %q", got)
	}
	got := e.say("newbie", "报名志愿者 林师傅 13800001111")
	if !strings.HasPrefix(got, "已报名（编号") {
		t.Fatalf("sign-up: %q", got)
	}
	code := got[len("已报名（编号") : len("已报名（编号")+4]
	ob.Drain(ctx)
	// The lead has not written to the account lately: WeChat would refuse
	// a push, so the request waits for the lead's next message, whatever
	// it is, and its reply carries it first.
	if sent := fake.SentTo("lead-3"); len(sent) != 0 {
		t.Fatalf("pushed to a lead out of the window: %+v", sent)
	}
	asked := e.say("lead-3", "帮助")
	if !strings.HasPrefix(asked, textMissedHead(1)) || !strings.Contains(asked, "同意志愿者 "+code) ||
		!strings.Contains(asked, "林师傅") || !strings.Contains(asked, "138****1111") || !strings.HasSuffix(asked, textHelp(e.bot.Community.Name)) {
		t.Fatalf("lead asked: %q", asked)
	}
	if again := e.say("lead-3", "帮助"); again != textHelp(e.bot.Community.Name) {
		t.Errorf("the request was shown twice: %q", again)
	}
	if got := e.say("lead-68", "同意志愿者 "+code); got != textOnlyGridLead {
		t.Errorf("other grid's lead approves: %q", got)
	}
	if got := e.say("lead-3", "同意志愿者 "+code); !strings.HasPrefix(got, "已同意5栋1单元302") {
		t.Errorf("approve: %q", got)
	}
	if got := e.say("lead-3", "同意志愿者 "+code); got != textApplicationNotFound(code) {
		t.Errorf("approve twice: %q", got)
	}
	if v, _ := e.store.Volunteers(ctx, "G1"); len(v) != 1 || v[0] != "newbie" {
		t.Errorf("volunteers: %v", v)
	}
	if p, _ := e.store.Person(ctx, "newbie"); p.Name != "林师傅" || p.Phone != "13800001111" {
		t.Errorf("the office's record of the volunteer: %+v", p)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("newbie"); len(sent) != 1 || !strings.Contains(sent[0].Text, "您已成为G1网格的志愿者") {
		t.Errorf("welcome: %+v", sent)
	}
}

func TestSupplierReady(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	ob, fake := e.withOutbox(t)
	e.bot.Catalog.Suppliers[0].ContactOpenID = "sm-boss"
	e.bot.Community.Grids[0].Volunteers = []string{"vol-a"}
	e.wrote("vol-a")
	if got := e.say("sm-boss", "备货完成"); got != textNoPicklist {
		t.Errorf("before any pick list: %q", got)
	}
	e.store.MarkOnce(ctx, "picklist:"+orders.Day(e.now, shanghai))
	if got := e.say("sm-boss", "备货完成"); !strings.Contains(got, "已通知1位志愿者") {
		t.Errorf("ready: %q", got)
	}
	if got := e.say("sm-boss", "备货完成"); !strings.Contains(got, "已经通知过") {
		t.Errorf("ready twice: %q", got)
	}
	ob.Drain(ctx)
	if sent := fake.SentTo("vol-a"); len(sent) != 1 || !strings.Contains(sent[0].Text, "新义保供超市") {
		t.Errorf("volunteer told: %+v", sent)
	}
}

// TestResidentToldTheVolunteersName: a volunteer the office knows by name
// is named to the household (志愿者林师傅), never by openid.
func TestResidentToldTheVolunteersName(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	if err := e.store.SetPerson(ctx, orders.Person{OpenID: "vol-a", Name: "林师傅", Phone: "13800001111"}); err != nil {
		t.Fatal(err)
	}
	e.say("zhang", "绑定 3栋2单元501")
	id := orderNo.FindStringSubmatch(e.say("zhang", "急 硝酸甘油1瓶"))[1]
	if got := e.say("vol-a", "领取 "+id); !strings.Contains(got, "交给您了") {
		t.Fatalf("claim: %q", got)
	}
	ob.Drain(ctx)
	told := texts(fake, "zhang")
	if len(told) != 1 || !strings.Contains(told[0], "志愿者林师傅") || strings.Contains(told[0], "vol-a") || strings.Contains(told[0], "13800001111") {
		t.Errorf("resident told %q", told)
	}
}

// TestVolunteerSaysDoneInWords: a volunteer at a door sends 完成 (or 送完,
// 已完成) alone and is asked which stop, not told that no goods named
// 完成 were found; 完成第二户, typed or spoken, finishes stop 2.
func TestVolunteerSaysDoneInWords(t *testing.T) {
	e := newEnv(t, nil)
	e.bot.Community.Grids[0].Volunteers = []string{"vol-a"}
	e.mustSay(t, "vol-a", "绑定 3栋1单元301", "已绑定") // volunteers live here too
	e.mustSay(t, "lead-3", "#接龙\n1. 3-1-101 鸡蛋1盒\n2. 3-1-102 牛奶1箱\n3. 3-1-103 蔬菜包1份", "新下单3户")
	e.rosterFor(t, "vol-a", time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai))
	for _, say := range []string{"完成", "送完", "已完成", "完成 "} {
		if got := e.say("vol-a", say); got != textDoneHowTo {
			t.Errorf("%q: %q", say, got)
		}
	}
	if n := len(e.householdOrders(t, "3-1-301")); n != 0 {
		t.Errorf("the volunteer's 完成 placed %d orders for their own home", n)
	}
	e.mustSay(t, "vol-a", "完成第二户", "已记下第2户 3栋1单元102 送达")
	if got := e.speak("vol-a", "完成第三户。"); !strings.Contains(got, "已记下第3户 3栋1单元103 送达") {
		t.Errorf("spoken 完成第三户: %q", got)
	}
	if got := e.say("vol-a", "完成 一"); !strings.Contains(got, "已记下第1户 3栋1单元101 送达") || !strings.Contains(got, "全部送完了") {
		t.Errorf("完成 一: %q", got)
	}
	// The money's kind after the amount is no part of the stop.
	e.mustSay(t, "vol-a", "完成 1 已收30元现金", "已经记过送达了", "已记下收款30元")
	// Thanks after the amount are no part of the stop.
	e.mustSay(t, "vol-a", "完成 2 已收60元 谢谢👍", "已记下收款60元")
}

// TestVolunteerFinishesAnOrderNotTheirs: 完成 with the id of an order on
// nobody's round of theirs (another grid's) says so and delivers
// nothing; it is no "第1002户".
func TestVolunteerFinishesAnOrderNotTheirs(t *testing.T) {
	e := newEnv(t, nil)
	e.mustSay(t, "lead-3", "3-1-101 鸡蛋1盒", "共1户")
	e.mustSay(t, "lead-68", "6-1-101 鸡蛋1盒", "共1户")
	e.rosterFor(t, "vol-a", time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai))
	theirs := e.newest(t, "6-1-101")
	if got := e.say("vol-a", "完成 "+theirs.ID); got != textDoneNoStop(theirs.ID, 1) || !strings.Contains(got, "不在您这一轮的配送单上") {
		t.Errorf("完成 another grid's order: %q", got)
	}
	if o := e.newest(t, "6-1-101"); o.Status != orders.StatusPending {
		t.Errorf("another grid's order is %s", o.Status)
	}
}

// TestVolunteerTasksSayWhatToCollect: orders paid at the door (货到付款,
// the default) say on the volunteer's 任务 what to take; not those the
// lead collected (已收款), nor one the household said it paid (待确认),
// nor one whose money was recorded at the door already.
func TestVolunteerTasksSayWhatToCollect(t *testing.T) {
	e := newEnv(t, nil)
	paid := e.orderAs(t, "li", "3栋2单元502", "鸡蛋1盒", "下单成功")
	e.mustSay(t, "li", "已付款 "+paid.ID, "待确认")
	e.mustSay(t, "lead-3", "#接龙\n1. 3-1-101 鸡蛋1盒\n2. 3-1-102 牛奶1箱\n3. 3-1-103 蔬菜包1份 挂面1袋", "新下单3户")
	e.mustSay(t, "lead-3", "已收款 3-1-102", "已记下收款")
	e.rosterFor(t, "vol-a", time.Date(2026, 11, 24, 13, 0, 0, 0, shanghai))
	got := e.mustSay(t, "vol-a", "任务", "3栋1单元101 鸡蛋1盒，应收30元\n", "3栋1单元102 牛奶1箱\n",
		"3栋1单元103 蔬菜包1份、挂面1袋，应收59元\n", "3栋2单元502 鸡蛋1盒\n", "收了钱回复：完成 序号 已收款")
	if strings.Count(got, "应收") != 2 {
		t.Errorf("任务 asks for money %d times:\n%s", strings.Count(got, "应收"), got)
	}
	e.mustSay(t, "vol-a", "完成 1 已收款", "已记下收款30元")
	e.mustSay(t, "vol-a", "完成 3 已收59", "已记下收款59元")
	if got := e.say("vol-a", "任务"); strings.Contains(got, "应收") || strings.Contains(got, "已收款") {
		t.Errorf("任务 after the money was taken:\n%s", got)
	}
}
