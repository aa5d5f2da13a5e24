package bot

import (
	"context"
	"strings"
	"testing"
)

// TestNoSenderStarvesTheOthers: an oversized message is refused before it
// is read (a lead may paste more than a resident); a sender past the rate
// limit is asked to slow down; a household crying 救命 thirty times pages
// its team once.
func TestNoSenderStarvesTheOthers(t *testing.T) {
	e, ob, fake := urgentEnv(t)
	ctx := context.Background()
	e.say("noisy", "绑定 3栋2单元501")
	if got := e.say("noisy", "蔬菜包"+strings.Repeat("1", 8000)); !strings.Contains(got, "太长了") {
		t.Errorf("a resident's 8 KB message: %q", got)
	}
	if got := e.say("lead-3", "#接龙\n"+strings.Repeat("x", 70000)); !strings.Contains(got, "太长了") {
		t.Errorf("a lead's 70 KB paste: %q", got)
	}
	if got := e.say("lead-3", "#接龙 3栋\n1. 3-1-101 蔬菜包1份\n"+strings.Repeat("备注", 2000)); strings.Contains(got, "太长了") {
		t.Errorf("a lead's 12 KB paste was refused: %q", got)
	}
	list, _ := e.store.HouseholdOrders(ctx, "3-2-501", 10)
	if len(list) != 0 {
		t.Fatalf("an oversized message ordered: %v", list)
	}

	for range 30 {
		e.say("noisy", "救命 我爸晕倒了")
	}
	if _, err := ob.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"vol-a", "vol-b", "lead-3"} {
		n := 0
		for _, s := range texts(fake, u) {
			if strings.Contains(s, "晕倒") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s was paged %d times, want once", u, n)
		}
	}
	// The thirty-odd messages of this minute went past the limit.
	if got := e.say("noisy", "我的订单"); got != textSlowDown {
		t.Errorf("past the rate limit: %q", got)
	}
	// A cry for help is never held back (its paging is once per
	// household in ten minutes anyway).
	if got := e.say("noisy", "救命 他喘不上气"); got == textSlowDown {
		t.Errorf("a cry for help past the rate limit: %q", got)
	}
	if got := e.say("quiet", "帮助"); got == textSlowDown {
		t.Error("another sender was slowed down")
	}
}
