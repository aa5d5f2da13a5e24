package reports

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// testRound is alice's share of testRoster, her first stop urgent, marked
// and with a remark, the second delivered already.
func testRound() Round {
	r := testRoster()
	st := &r.Shares[0].Stops[0]
	st.Urgent, st.Marks, st.Note, st.Contact = true, []orders.Mark{"独居老人"}, "<敲门>请大声", "+86 139-0000-1111"
	return Round{Roster: r, Volunteer: "alice", Status: map[string]orders.Status{"101": orders.StatusAssigned, "102": orders.StatusDelivered},
		Collect:  map[string]int64{"101": 5250, "102": 3000},
		Deliver:  func(id string) string { return "/r/1/1649552400/alice/done/" + id + "?exp=1&sig=ab" },
		PrintURL: "/r/1/1649552400/alice?exp=1&print=1&sig=ab",
		Flash:    "3栋2单元602 已送达，已通知住户。", FlashKind: FlashDone, Pressed: "102"}
}

func TestRoundHTML(t *testing.T) {
	var b bytes.Buffer
	if err := RoundHTML(&b, testRound(), shanghai); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	golden(t, "round_alice.html.golden", b.Bytes())
	noExternal(t, page)
	for _, want := range []string{
		"<h1>林师傅的配送单</h1>",
		"4月10日 周日 09:00 · 1网格 · 共2户，还剩<b>1</b>户",
		// What the press did, on the card pressed.
		"<article class=\"stop closed\" id=\"stop-2\">\n  <p class=\"flash done\" role=\"status\">3栋2单元602 已送达，已通知住户。</p>",
		// What is left to collect: the delivered stop's goods are not.
		"<p>大米 1袋、鸡蛋 2盒</p>",
		`<span class="door">3栋2单元501</span><span class="flag">急</span><span class="flag">独居老人</span>`,
		"备注：&lt;敲门&gt;请大声",
		`<a class="call" href="tel:&#43;8613900001111" aria-label="打电话 &#43;86 139-0000-1111">📞 &#43;86 139-0000-1111</a>`,
		`<form method="post" action="/r/1/1649552400/alice/done/101?exp=1&amp;sig=ab"><button type="submit" class="deliver" aria-label="3栋2单元501送达">送达</button></form>`,
		"✓ 已送达",
		// The money to take at the door, and how to record it; on the
		// delivered card until it is recorded.
		`<p class="collect">应收52.5元</p>`,
		"<ul class=\"goods\"><li>大米 2袋</li><li>食用油 1桶</li></ul>\n  <p class=\"collect\">应收30元</p>",
		`收了钱请回复公众号"完成 序号 已收款"`,
		`<a href="/r/1/1649552400/alice?exp=1&amp;print=1&amp;sig=ab">打印版（A4 表格）</a>`,
		"@media print",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, `class="deliver"`); n != 1 {
		t.Errorf("%d 送达 buttons, want 1 (the delivered stop has none)", n)
	}
	for _, bad := range []string{"alice\"", "王姐", "12栋101", "done/102"} {
		if strings.Contains(page, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	if err := RoundHTML(&b, Round{Roster: testRoster(), Volunteer: "dave"}, shanghai); !errors.Is(err, ErrNoShare) {
		t.Errorf("no share: %v", err)
	}
}

func TestTelNumber(t *testing.T) {
	for in, want := range map[string]string{"13812345678": "13812345678", "+86 138-1234-5678": "+8613812345678", "138 1234 5678": "13812345678",
		"tel:123": "", "javascript:alert(1)": "", "": "", "1+2345678": "12345678"} {
		if got := telNumber(in); got != want {
			t.Errorf("telNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
