package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// TestRecentSenders: every new message puts its sender first among the
// recent senders, in the same Resolve; a retry of it does not; the list
// keeps the latest RecentSenders people, with their bindings.
func TestRecentSenders(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	day := orders.Day(at, shanghai)
	resolve := func(key, openid string, at time.Time) orders.Arrival {
		t.Helper()
		a, err := s.Resolve(ctx, key, redisstoreOwner(key), orders.Arrive{OpenID: openid, At: at, Day: day, Grids: []string{"G1"}, How: orders.Wrote})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if _, err := s.Bind(ctx, orders.Binding{OpenID: "zhang", Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: at}, false); err != nil {
		t.Fatal(err)
	}
	resolve("m1", "zhang", at)
	resolve("m2", "newcomer", at.Add(time.Minute))
	if err := s.SaveReply(ctx, "m1", redisstoreOwner("m1"), "好的"); err != nil {
		t.Fatal(err)
	}
	// WeChat retries zhang's message later: answered, and not counted.
	if a := resolve("m1", "zhang", at.Add(2*time.Minute)); a.State != orders.ClaimDone {
		t.Fatalf("retry: %+v", a)
	}
	got, err := s.Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].OpenID != "newcomer" || got[1].OpenID != "zhang" || !got[1].At.Equal(at) {
		t.Fatalf("recent %+v", got)
	}
	if got[0].Binding != nil || got[1].Binding == nil || got[1].Binding.Address.String() != "3栋2单元501" {
		t.Errorf("bindings %+v, %+v", got[0].Binding, got[1].Binding)
	}
	for i := range redisstore.RecentSenders + 20 {
		resolve(fmt.Sprint("many-", i), fmt.Sprint("p", i), at.Add(time.Duration(i)*time.Second))
	}
	all, err := s.Recent(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != redisstore.RecentSenders || all[0].OpenID != fmt.Sprint("p", redisstore.RecentSenders+19) {
		t.Errorf("%d kept, the latest %s; want %d, the latest first", len(all), all[0].OpenID, redisstore.RecentSenders)
	}
}

func redisstoreOwner(key string) string { return "owner-" + key }
