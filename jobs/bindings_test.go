package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// TestBindingsDigest: a lead hears, in one message per run, which
// households of their buildings were bound for the first time; the next
// run tells only newer ones, and a household of another building is not
// theirs.
func TestBindingsDigest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bind := func(openid, b, u, room string, at time.Time) {
		t.Helper()
		grid, _ := f.comm.GridOf(b)
		if _, err := f.store.Bind(ctx, orders.Binding{OpenID: openid, Address: orders.Address{Building: b, Unit: u, Room: room}, Grid: grid, At: at}, false); err != nil {
			t.Fatal(err)
		}
	}
	bind("a", "3", "1", "101", at("2026-11-24", "09:10"))
	bind("b", "3", "2", "502", at("2026-11-24", "09:20"))
	bind("c", "6", "1", "101", at("2026-11-24", "09:25"))
	slot := at("2026-11-24", "09:30")
	res, err := f.runner(slot).Run(ctx, Bindings, slot)
	if err != nil || !res.Published || len(res.Bound) != 3 {
		t.Fatalf("digest: %+v %v", res, err)
	}
	got := f.rec.to("lead-3")
	if len(got) != 1 || !strings.Contains(got[0].Text, "3栋1单元101\n3栋2单元502") || strings.Contains(got[0].Text, "6栋") {
		t.Fatalf("lead-3's digest: %+v", got)
	}
	if again, _ := f.runner(slot).Run(ctx, Bindings, slot); again.Published {
		t.Error("the same slot told again")
	}
	bind("d", "3", "1", "102", at("2026-11-24", "09:40"))
	next := at("2026-11-24", "10:00")
	if res, err := f.runner(next).Run(ctx, Bindings, next); err != nil || len(res.Bound) != 1 {
		t.Fatalf("next digest: %+v %v", res, err)
	}
	got = f.rec.to("lead-3")
	if len(got) != 2 || !strings.Contains(got[1].Text, "3栋1单元102") || strings.Contains(got[1].Text, "101") {
		t.Fatalf("second digest: %+v", got)
	}
}
