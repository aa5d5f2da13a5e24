package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// Money through the real callback: the review of issue 22's work found
// each of these; every test fails on the code before its fix.

// queued returns the ids of the orders waiting in grid's queue (what the
// roster job puts on a round).
func (e *env) queued(t *testing.T, grid string) []string {
	t.Helper()
	open, err := e.store.OpenOrders(context.Background(), grid)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range open {
		ids = append(ids, o.ID)
	}
	return ids
}

// TestPaidBeforeThePhotoStillDelivered: a prescription order paid (or
// said paid) before its photo stays in its grid's queue, so it reaches a
// roster once the photo came.
func TestPaidBeforeThePhotoStillDelivered(t *testing.T) {
	e := newEnv(t, nil)
	e.say("rx-1", "绑定 3栋1单元101")
	e.say("rx-2", "绑定 3栋1单元102")
	e.say("rx-3", "绑定 3栋1单元103")
	for _, u := range []string{"rx-1", "rx-2", "rx-3"} {
		if got := e.say(u, "胰岛素1支"); !strings.Contains(got, "处方药") {
			t.Fatalf("%s's order: %q", u, got)
		}
	}
	one, three := e.newest(t, "3-1-101"), e.newest(t, "3-1-103")
	if got := e.say("rx-1", "已付款 "+one.ID); !strings.Contains(got, "待确认") {
		t.Fatalf("已付款: %q", got)
	}
	if got := e.say("lead-3", "已收款 3-1-103"); !strings.Contains(got, "已记下收款：1单") {
		t.Fatalf("已收款: %q", got)
	}
	for i, u := range []string{"rx-1", "rx-2", "rx-3"} {
		e.image(u, "http://mmbiz.qpic.cn/rx/"+u+".jpg", "media-"+u)
		if o := e.newest(t, "3-1-10"+string(rune('1'+i))); o.Status != orders.StatusPending {
			t.Fatalf("%s's order after the photo: %s", u, o.Status)
		}
	}
	q := e.queued(t, "G1")
	for _, id := range []string{one.ID, e.newest(t, "3-1-102").ID, three.ID} {
		if !slices.Contains(q, id) {
			t.Errorf("order %s is not in G1's queue %v: no roster will ever carry it", id, q)
		}
	}
}
