package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// fakeUnreached lists who cannot be reached, as the outbox would.
type fakeUnreached []orders.Unreached

func (f *fakeUnreached) Unreachable(context.Context) ([]orders.Unreached, error) { return *f, nil }

// TestUnreachedDigest: staff hear who cannot be reached, with the office's
// names, phones and roles (a resident by their address), once per change
// of the list.
func TestUnreachedDigest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.comm.Admins = []string{"admin-1"}
	f.store.SetPerson(ctx, orders.Person{OpenID: "vol-a", Name: "小林", Phone: "13900001111"})
	if _, err := f.store.Bind(ctx, orders.Binding{OpenID: "res-1", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: time.Now()}, false); err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 11, 24, 7, 0, 0, 0, shanghai)
	list := fakeUnreached{
		{OpenID: "vol-a", Held: 2, Since: since, Kinds: []string{"roster", "urgent"}},
		{OpenID: "lead-3", Held: 1, Since: since, Kinds: []string{"binding"}},
		{OpenID: "res-1", Refused: 1, Since: since, Kinds: []string{"delivered"}},
	}
	r := f.runner(since.Add(time.Hour))
	r.Reach = &list
	got, err := r.Unreachable(ctx)
	if err != nil || len(got) != 3 {
		t.Fatalf("unreachable %+v, %v", got, err)
	}
	if got[0].Name != "小林" || got[0].Phone != "13900001111" || got[0].Role != "志愿者（G1网格）" ||
		got[1].Role != "楼栋长（3栋）" || got[2].Role != "居民" || got[2].Name != "3栋2单元501" {
		t.Errorf("described %+v", got)
	}
	res, err := r.Run(ctx, Unreached, since.Add(time.Hour))
	if err != nil || !res.Published {
		t.Fatalf("run: %+v %v", res, err)
	}
	told := f.rec.to("admin-1")
	if len(told) != 1 || told[0].Kind != "digest" || told[0].Brief == nil {
		t.Fatalf("admin told %+v", told)
	}
	for _, want := range []string{"【联系不上】3人", "1. 小林 志愿者（G1网格） 电话13900001111：2条待补发（排班、急单）", "楼栋长（3栋）", "3栋2单元501 居民：1条发不出去（送达）"} {
		if !strings.Contains(told[0].Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, told[0].Text)
		}
	}
	// The same list again: nobody is told twice; a changed one is told.
	if res, _ := r.Run(ctx, Unreached, since.Add(2*time.Hour)); res.Published {
		t.Error("the same list told again")
	}
	list = list[:1]
	if res, _ := r.Run(ctx, Unreached, since.Add(3*time.Hour)); !res.Published || len(f.rec.to("admin-1")) != 2 {
		t.Errorf("a changed list: %+v", res)
	}
	// Nobody out of reach: nothing.
	list = nil
	if res, _ := r.Run(ctx, Unreached, since.Add(4*time.Hour)); res.Published {
		t.Error("told of nobody")
	}
}
