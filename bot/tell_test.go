package bot

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

var orderNo = regexp.MustCompile(`订单号 (\d+)`)

// TestOthersHearOfChanges: a cancel by one member reaches the other
// members (not the one who did it); a lead's cancel reaches them all; the
// volunteer who claimed an urgent order hears that it was cancelled, and
// so does the team that was paged for one nobody had claimed yet.
func TestOthersHearOfChanges(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	drain := func() {
		t.Helper()
		if _, err := ob.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.say("mum", "绑定 3栋2单元501")
	e.say("son", "绑定 3栋2单元501")
	drain()
	code := codeInPush.FindStringSubmatch(texts(fake, "mum")[0])[1]
	e.say("mum", "同意绑定 "+code)
	drain()
	before := func(u string) int { return len(texts(fake, u)) }
	mum0, son0 := before("mum"), before("son")

	id := orderNo.FindStringSubmatch(e.say("son", "蔬菜包1份"))[1]
	if got := e.say("son", "取消 "+id); !strings.Contains(got, "已取消") {
		t.Fatalf("cancel: %q", got)
	}
	drain()
	if got := texts(fake, "mum")[mum0:]; len(got) != 1 || !strings.Contains(got[0], "已被家里人取消") {
		t.Errorf("mum heard %q", got)
	}
	if got := texts(fake, "son")[son0:]; len(got) != 0 {
		t.Errorf("son heard of his own cancel: %q", got)
	}

	// The lead cancels the household's order: both hear.
	id = orderNo.FindStringSubmatch(e.say("mum", "鸡蛋1盒"))[1]
	mum0, son0 = before("mum"), before("son")
	e.say("lead-3", "取消 3-2-501")
	drain()
	for _, u := range []string{"mum", "son"} {
		n := map[string]int{"mum": mum0, "son": son0}[u]
		if got := texts(fake, u)[n:]; len(got) != 1 || !strings.Contains(got[0], id) || !strings.Contains(got[0], "楼栋长取消") {
			t.Errorf("%s heard %q", u, got)
		}
	}

	// An urgent order claimed by vol-a, then cancelled: vol-a hears.
	id = orderNo.FindStringSubmatch(e.say("mum", "急 硝酸甘油1瓶"))[1]
	drain()
	e.say("vol-a", "领取 "+id)
	volA, volB := before("vol-a"), before("vol-b")
	e.say("lead-3", "取消 3-2-501")
	drain()
	if got := texts(fake, "vol-a")[volA:]; len(got) != 1 || !strings.Contains(got[0], "不用送了") {
		t.Errorf("the claimer heard %q", got)
	}
	if got := texts(fake, "vol-b")[volB:]; len(got) != 0 {
		t.Errorf("vol-b, who did not claim it, heard %q", got)
	}
	// Paged but not yet claimed, cancelled by the resident: the team
	// hears.
	id = orderNo.FindStringSubmatch(e.say("mum", "急 硝酸甘油1瓶"))[1]
	drain()
	volA, volB = before("vol-a"), before("vol-b")
	e.say("mum", "取消 "+id)
	drain()
	for _, u := range []string{"vol-a", "vol-b"} {
		n := map[string]int{"vol-a": volA, "vol-b": volB}[u]
		if got := texts(fake, u)[n:]; len(got) != 1 || !strings.Contains(got[0], id) || !strings.Contains(got[0], "不用送了") {
			t.Errorf("%s heard %q", u, got)
		}
	}
}
