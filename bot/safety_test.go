package bot

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/outbox"
)

// Safety and trust, second round (issue 20): each test replays an attack
// or an accident through the real callback.

// paged returns the texts sent to openid that contain want.
func paged(t *testing.T, e *env, fake *fakewechat.Faulty, openid, want string) []string {
	t.Helper()
	var out []string
	for _, s := range fake.SentTo(openid) {
		for _, n := range notices(s.Text) {
			if strings.Contains(n, want) {
				out = append(out, n)
			}
		}
	}
	return out
}

// merged is the heading of notices sent as one message (WeChat allows
// few: the outbox coalesces those close together).
var merged = regexp.MustCompile(`^【\d+条通知】\n\n`)

// notices splits a message into the notices it carries.
func notices(text string) []string {
	if loc := merged.FindStringIndex(text); loc != nil {
		return strings.Split(text[loc[1]:], "\n\n")
	}
	return []string{text}
}

// TestCryNamingANeighbourPages: a cry that names a neighbour's door (or
// the flat above) pages the team and the lead, names that door and the
// crier's, and tells the crier to call 120 first.
func TestCryNamingANeighbourPages(t *testing.T) {
	for _, cry := range []string{"救命 3栋2单元502的老人晕倒了", "救命！楼上3-2-601阿姨喘不上气"} {
		t.Run(cry, func(t *testing.T) {
			e, ob, fake := urgentEnv(t)
			ctx := context.Background()
			e.say("zhang", "绑定 3栋2单元501")
			got := e.say("zhang", cry)
			door := "3栋2单元502"
			if strings.Contains(cry, "601") {
				door = "3栋2单元601"
			}
			for _, want := range []string{"120", "已马上转告志愿者和楼栋长", door} {
				if !strings.Contains(got, want) {
					t.Errorf("reply lacks %q: %q", want, got)
				}
			}
			if _, err := ob.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
				p := paged(t, e, fake, u, "求助")
				if len(p) != 1 || !strings.Contains(p[0], "3栋2单元501的住户求助，说的是"+door) {
					t.Errorf("%s paged: %q", u, p)
				}
			}
		})
	}
}

// TestCryFromSomeoneNotBound: before binding, a cry pages the staff and the
// lead of the building it names, and answers with 120 and the office's
// phone.
func TestCryFromSomeoneNotBound(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	e.bot.Community.Phone = "021-66668888"
	got := e.say("passer-by", "救命 3栋1单元102有人晕倒了")
	for _, want := range []string{"120", "社区工作人员", "3栋1单元102", "021-66668888", "绑定"} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q: %q", want, got)
		}
	}
	if _, err := ob.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"admin-1", "lead-3"} {
		if p := paged(t, e, fake, u, "还没绑定地址的居民求助，说的是3栋1单元102"); len(p) != 1 {
			t.Errorf("%s paged: %q", u, fake.SentTo(u))
		}
	}
	if p := paged(t, e, fake, "vol-a", "求助"); len(p) != 0 {
		t.Errorf("a volunteer paged for an unbound cry: %q", p)
	}
	// Without a door: the staff.
	got = e.say("stranger-2", "救命啊 快来人")
	if !strings.Contains(got, "120") || !strings.Contains(got, "社区工作人员") {
		t.Errorf("a door-less cry before binding: %q", got)
	}
}

// TestRepeatedUrgentIsOneRequest: 急 for the same goods while one is open
// answers with that order and pages nobody again; new goods join the open
// request; once it is claimed, more goods go to the same volunteer.
func TestRepeatedUrgentIsOneRequest(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.say("zhang", "绑定 3栋2单元501")
	first := e.say("zhang", "急 挂面1袋")
	if !strings.HasPrefix(first, "急需订单已收到") {
		t.Fatalf("first 急: %q", first)
	}
	o := e.newest(t, "3-2-501")
	for range 9 {
		if got := e.say("zhang", "急 挂面1袋"); !strings.Contains(got, "已经在处理：急需订单 "+o.ID) || !strings.Contains(got, "还没人领取") {
			t.Fatalf("急 again: %q", got)
		}
	}
	if got := e.say("zhang", "急 鸡蛋1盒"); !strings.Contains(got, "已加到正在处理的急需订单 "+o.ID) {
		t.Fatalf("急 with new goods: %q", got)
	}
	list, _ := e.store.HouseholdOrders(ctx, "3-2-501", 20)
	if len(list) != 1 || orders.Goods(list[0].Lines) != "挂面1袋、鸡蛋1盒" {
		t.Fatalf("orders after 11 急: %+v", list)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"vol-a", "vol-b"} {
		if p := paged(t, e, fake, u, "【急】"); len(p) != 1 {
			t.Errorf("%s paged %d times, want once: %q", u, len(p), p)
		}
	}
	// The volunteers can be reached: the lead's pushes are spared.
	if p := paged(t, e, fake, "lead-3", "【急】"); len(p) != 0 {
		t.Errorf("lead-3 paged %d times, want none: %q", len(p), p)
	}
	// vol-a claims it: the claim shows everything the household asked.
	if got := e.say("vol-a", "领取 "+o.ID); !strings.Contains(got, "挂面1袋、鸡蛋1盒") {
		t.Fatalf("claim: %q", got)
	}
	got := e.say("zhang", "急 牛奶1箱")
	if !strings.Contains(got, "已加上") || !strings.Contains(got, "一起送来") {
		t.Fatalf("急 after the claim: %q", got)
	}
	more := e.newest(t, "3-2-501")
	if more.ID == o.ID || more.Status != orders.StatusAssigned || more.Assignee != "vol-a" {
		t.Errorf("the added order: %+v", more)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if p := paged(t, e, fake, "vol-a", "又要了：牛奶1箱"); len(p) != 1 {
		t.Errorf("the claimer was not told of the added goods: %q", fake.SentTo("vol-a"))
	}
	if p := paged(t, e, fake, "vol-b", "牛奶"); len(p) != 0 {
		t.Errorf("another volunteer paged for the added goods: %q", p)
	}
}

// TestKnownHouseholdsAreProtected: a door the office lists, or the lead
// marked, is bound only with its lead's yes, even when nobody lives
// there; the digest flags it.
func TestKnownHouseholdsAreProtected(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.bot.Community.Grids[0].Households = []string{"3-2-701"}
	e.say("lead-3", "标记 3-2-702 独居老人")
	for _, door := range []string{"3栋2单元701", "3栋2单元702"} {
		got := e.say("stranger", "绑定 "+door)
		if !strings.Contains(got, "社区登记过的住户，绑定要楼栋长确认") {
			t.Errorf("a stranger binding %s: %q", door, got)
		}
		if _, err := e.store.Binding(ctx, "stranger"); !errors.Is(err, orders.ErrNotFound) {
			t.Errorf("the stranger is bound after %s: %v", door, err)
		}
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	asks := paged(t, e, fake, "lead-3", "这户是社区登记或标记过的住户，要您确认")
	if len(asks) != 2 {
		t.Fatalf("the lead was asked %d times: %q", len(asks), fake.SentTo("lead-3"))
	}
	// Asked at once, the two come in one message; the lead says yes to 701.
	ask := asks[0]
	if !strings.Contains(ask, "701") {
		ask = asks[1]
	}
	code := codeOf(t, ask)
	if got := e.say("lead-3", "同意绑定 "+code); !strings.Contains(got, "已同意") {
		t.Fatalf("the lead's yes: %q", got)
	}
	// A door nobody knows still binds at once.
	if got := e.say("newcomer", "绑定 3栋2单元703"); !strings.HasPrefix(got, "已绑定") {
		t.Errorf("an unknown empty door: %q", got)
	}
	digest := bindingsDigest(t, e, ob, fake)
	if !strings.Contains(digest, "3栋2单元701 ⚠登记户/重点户") || strings.Contains(digest, "3栋2单元703 ⚠") {
		t.Errorf("digest: %q", digest)
	}
}

// TestARefusalSticks: refused, the same person cannot ask for that door
// again for a day; nobody has more than three requests waiting.
func TestARefusalSticks(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	for _, room := range []string{"501", "502", "503", "504"} {
		e.say("member-"+room, "绑定 3栋2单元"+room)
	}
	e.say("stranger", "绑定 3栋2单元501")
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	asks := paged(t, e, fake, "member-501", "同意绑定")
	if len(asks) != 1 {
		t.Fatalf("member asked: %q", fake.SentTo("member-501"))
	}
	e.say("member-501", "拒绝绑定 "+codeOf(t, asks[0]))
	got := e.say("stranger", "绑定 3栋2单元501")
	if !strings.Contains(got, "24小时内不能再申请") {
		t.Errorf("asking again after a refusal: %q", got)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(paged(t, e, fake, "member-501", "同意绑定")); n != 1 {
		t.Errorf("the member was paged %d times", n)
	}
	for _, room := range []string{"502", "503", "504"} {
		e.say("stranger", "绑定 3栋2单元"+room)
	}
	if got := e.say("stranger", "绑定 5栋1单元101"); !strings.HasPrefix(got, "已绑定") {
		// An empty door still binds: the limit is on requests.
		t.Errorf("an empty door: %q", got)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(paged(t, e, fake, "member-504", "同意绑定")); n != 1 {
		t.Errorf("the third request paged %d times", n)
	}
	e.say("other", "绑定 3栋2单元502")
	e.say("other", "绑定 3栋2单元503")
	e.say("other", "绑定 3栋2单元504")
	if got := e.say("other", "绑定 3栋2单元501"); got != textBindTooMany {
		t.Errorf("a fourth request: %q", got)
	}
}

// TestNobodyToAskWithdraws: a request nobody can answer (no member, no
// lead) is withdrawn, not left for the console to approve.
func TestNobodyToAskWithdraws(t *testing.T) {
	e, _, _ := urgentEnv(t)
	ctx := context.Background()
	e.bot.Community.Leads = nil
	e.say("lead-68", "3-2-501 蔬菜包1份") // a household with an order, no member
	e.bot.Community.Grids[0].Households = []string{"5-1-101"}
	got := e.say("someone", "绑定 5栋1单元101")
	if !strings.Contains(got, "这次没有绑定") {
		t.Fatalf("nobody to ask: %q", got)
	}
	reqs, err := e.store.BindRequests(ctx, e.now)
	if err != nil || len(reqs) != 0 {
		t.Errorf("requests waiting after nobody could be asked: %+v %v", reqs, err)
	}
}

// TestFreeWordsAreTheNote: a phone number and free words after the goods
// are the order's note (shown, to be corrected), not goods nobody has; a
// word close to a catalog name is still asked about.
func TestFreeWordsAreTheNote(t *testing.T) {
	e := newEnv(t, nil)
	e.say("zhang", "绑定 3栋2单元501")
	got := e.say("zhang", "蔬菜包1份 电话13566667777 放门口")
	if !strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "备注：放门口（会转告志愿者）") {
		t.Errorf("phone and 放门口: %q", got)
	}
	if o := e.newest(t, "3-2-501"); o.Contact != "13566667777" {
		t.Errorf("contact %q", o.Contact)
	}
	got = e.say("zhang", "鸡蛋1盒 门口有只大黄狗")
	if !strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "备注：门口有只大黄狗（会转告志愿者）") {
		t.Errorf("free words: %q", got)
	}
	if got := e.say("zhang", "蔬菜包1份 鸡旦1盒"); strings.HasPrefix(got, "下单成功") || !strings.Contains(got, "鸡蛋") {
		t.Errorf("a misspelt item: %q", got)
	}
}

// TestDedupeKeyHasTheSender: two senders whose messages carry the same
// MsgId each get their own answer (a forger cannot read another's).
func TestDedupeKeyHasTheSender(t *testing.T) {
	e := newEnv(t, nil)
	e.say("a", "绑定 3栋2单元501")
	e.say("b", "绑定 5栋1单元101")
	id := e.msgID.Add(1)
	first := e.reply(wxsign.TextXML(officialID, "a", "蔬菜包1份", id, time.Now()))
	second := e.reply(wxsign.TextXML(officialID, "b", "我的订单", id, time.Now()))
	if !strings.HasPrefix(first, "下单成功") || !strings.HasPrefix(second, "您家现在没有订单") {
		t.Errorf("same MsgId, two senders: %q / %q", first, second)
	}
}

// TestOnlyCriesSkipTheRateLimit: past the limit, 急 waits like any message
// and 救命 does not; unfollowing always unbinds.
func TestOnlyCriesSkipTheRateLimit(t *testing.T) {
	e, _, _ := urgentEnv(t)
	ctx := context.Background()
	e.say("noisy", "绑定 3栋2单元501")
	for range 31 {
		e.say("noisy", "帮助")
	}
	if got := e.say("noisy", "急 挂面1袋"); got != textSlowDown {
		t.Errorf("急 past the limit: %q", got)
	}
	if list, _ := e.store.HouseholdOrders(ctx, "3-2-501", 5); len(list) != 0 {
		t.Errorf("急 past the limit ordered: %+v", list)
	}
	if got := e.say("noisy", "救命 我妈摔倒了"); got == textSlowDown {
		t.Errorf("救命 past the limit: %q", got)
	}
	e.reply(wxsign.EventXML(officialID, "noisy", "unsubscribe", "", time.Now()))
	if _, err := e.store.Binding(ctx, "noisy"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("unfollowing past the limit left the binding: %v", err)
	}
}

// TestOneApplicationPerPerson: signing up again while an application waits
// answers with it and asks nobody again.
func TestOneApplicationPerPerson(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.say("lin", "绑定 3栋2单元501")
	first := e.say("lin", "报名志愿者 林师傅 13800001111")
	if !strings.Contains(first, "已报名") {
		t.Fatalf("sign up: %q", first)
	}
	got := e.say("lin", "报名志愿者 林师傅 13800001111")
	if !strings.Contains(got, "您已经报过名了") {
		t.Errorf("again: %q", got)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(paged(t, e, fake, "lead-3", "报名当志愿者")); n != 1 {
		t.Errorf("the lead was asked %d times", n)
	}
}

// fullCodes is a store whose four-digit application codes are all taken.
type fullCodes struct {
	actions.PeopleStore
	tried []string
}

func (f *fullCodes) Apply(ctx context.Context, a orders.Application) (orders.Application, error) {
	f.tried = append(f.tried, a.Code)
	if len(a.Code) == 4 {
		return a, orders.ErrConflict
	}
	return f.PeopleStore.Apply(ctx, a)
}

// TestApplicationCodesGrow: when four-digit codes run short, sign-ups get
// six, and never fail for want of a code.
func TestApplicationCodesGrow(t *testing.T) {
	e := newEnv(t, nil)
	full := &fullCodes{PeopleStore: e.store}
	e.bot.Actions.People = full
	e.bot.Actions.Outbox = discardNotices{}
	e.say("lin", "绑定 3栋2单元501")
	got := e.say("lin", "报名志愿者 林师傅 13800001111")
	if !strings.Contains(got, "已报名") {
		t.Fatalf("sign up with four-digit codes full: %q", got)
	}
	if last := full.tried[len(full.tried)-1]; len(last) != 6 || !strings.Contains(got, last) {
		t.Errorf("the code given %q (tried %v)", got, full.tried)
	}
}

// discardNotices queues nothing and fails nothing.
type discardNotices struct{}

func (discardNotices) Enqueue(context.Context, ...orders.Notice) error { return nil }

// bindingsDigest runs the bindings digest job an hour from the env's now
// and returns what it sent lead-3.
func bindingsDigest(t *testing.T, e *env, ob *outbox.Outbox, fake *fakewechat.Faulty) string {
	t.Helper()
	ctx := context.Background()
	r := &jobs.Runner{Store: e.store, Catalog: e.bot.Catalog, Community: e.bot.Community, Location: shanghai,
		Notify: ob, Log: e.bot.Log, Now: func() time.Time { return e.now.Add(time.Hour) }}
	if _, err := r.Run(ctx, jobs.Bindings, e.now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	p := paged(t, e, fake, "lead-3", "【新绑定】")
	if len(p) == 0 {
		t.Fatalf("no digest sent to lead-3: %q", fake.SentTo("lead-3"))
	}
	return p[len(p)-1]
}

// codeOf reads the code of a binding request notice.
func codeOf(t *testing.T, notice string) string {
	t.Helper()
	i := strings.Index(notice, "同意绑定 ")
	if i < 0 {
		t.Fatalf("no code in %q", notice)
	}
	return strings.Fields(notice[i+len("同意绑定 "):])[0]
}
