package redisstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// TestBindingNeedsApproval: the first member of an empty household binds
// at once; a second one, or anyone binding a household a lead ordered
// for, waits for approval; one approval binds once, and a refused or used
// code binds nobody.
func TestBindingNeedsApproval(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	home := orders.Address{Building: "3", Unit: "2", Room: "501"}
	bind := func(openid string, a orders.Address) orders.BindOutcome {
		t.Helper()
		out, err := s.Bind(ctx, orders.Binding{OpenID: openid, Address: a, Grid: "G1", At: at}, false)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := bind("mum", home); out != orders.Bound {
		t.Fatalf("first member: %v", out)
	}
	if out := bind("mum", home); out != orders.AlreadyBound {
		t.Fatalf("again: %v", out)
	}
	if out := bind("stranger", home); out != orders.NeedsApproval {
		t.Fatalf("second member: %v", out)
	}
	if _, err := s.Binding(ctx, "stranger"); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("a binding waiting for approval binds: %v", err)
	}
	// A household a lead ordered for (an elder without WeChat) asks too.
	elder := orders.Address{Building: "3", Unit: "1", Room: "101"}
	o := order(t, cat, "101", at, veg(1))
	o.Address = elder
	if _, _, err := s.PlaceOrder(ctx, o, "lead-line", nil); err != nil {
		t.Fatal(err)
	}
	if out := bind("nephew", elder); out != orders.NeedsApproval {
		t.Fatalf("household with orders: %v", out)
	}

	req, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "son", Address: home, Grid: "G1", At: at})
	if err != nil || len(req.Code) != 4 {
		t.Fatalf("request: %+v %v", req, err)
	}
	// Two members approve at once: one binds, the other finds it used.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = s.ApproveBinding(ctx, req.Code, at) }()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !(errors.Is(errs[0], orders.ErrNotFound) || errors.Is(errs[1], orders.ErrNotFound)) {
		t.Fatalf("two approvals: %v / %v", errs[0], errs[1])
	}
	if users, _ := s.HouseholdUsers(ctx, home.Household()); len(users) != 2 {
		t.Errorf("members after approval: %v", users)
	}
	refused, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "stranger", Address: home, Grid: "G1", At: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RefuseBinding(ctx, refused.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApproveBinding(ctx, refused.Code, at); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("approving a refused code: %v", err)
	}
	if _, err := s.Binding(ctx, "stranger"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("the refused stranger is bound: %v", err)
	}
	// Leaving: the household keeps its other member.
	if _, err := s.Unbind(ctx, "son"); err != nil {
		t.Fatal(err)
	}
	if users, _ := s.HouseholdUsers(ctx, home.Household()); len(users) != 1 || users[0] != "mum" {
		t.Errorf("members after unbinding: %v", users)
	}
	// First bindings are what the leads' digest tells.
	first, err := s.FirstBindings(ctx, at.Add(-time.Hour), at.Add(time.Hour))
	if err != nil || len(first) != 1 || first[0] != home.Household() {
		t.Errorf("first bindings: %v %v", first, err)
	}
}
