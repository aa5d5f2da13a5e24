package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// TestAddStockWhileRedisStalls: stock added once is added once, even when
// its script reaches Redis twice (sent, timed out while Redis stalls, sent
// again by the client).
func TestAddStockWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":stock:left")
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStock(ctx, "EGG", 1); err != nil { // loads the script
		t.Fatal(err)
	}
	stall.Arm()
	left, addErr := s.AddStock(ctx, "VEG", 5)
	stall.Wait(t)
	t.Logf("AddStock: %d, %v", left, addErr)
	// A round trip after the thaw: the server has run what it held.
	got, err := s.StockLeft(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got["VEG"] != 15 {
		t.Errorf("10 left, 5 added once: %d left", got["VEG"])
	}
	if addErr == nil && left != got["VEG"] {
		t.Errorf("AddStock said %d left, %d are", left, got["VEG"])
	}
}

// TestAnswerBindingWhileRedisStalls: an approval or a refusal whose script
// reaches Redis twice is answered as done, not as a request someone else
// answered already (the action would then tell nobody and record
// nothing).
func TestAnswerBindingWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	home := orders.Address{Building: "3", Unit: "2", Room: "501"}
	for _, approve := range []bool{true, false} {
		s, stall := stallingStore(t, ":u:")
		if out, err := s.Bind(ctx, orders.Binding{OpenID: "mum", Address: home, Grid: "G1", At: at}, false); err != nil || out != orders.Bound {
			t.Fatalf("bind: %v %v", out, err)
		}
		// One request answered before, so the scripts are loaded.
		first, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "son", Address: home, Grid: "G1", At: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.RefuseBinding(ctx, first.Code); err != nil {
			t.Fatal(err)
		}
		req, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "daughter", Address: home, Grid: "G1", At: at})
		if err != nil {
			t.Fatal(err)
		}
		answer, key := func(code string) error { _, err := s.ApproveBinding(ctx, code, at); return err }, ":u:"
		if !approve {
			answer, key = func(code string) error { _, err := s.RefuseBinding(ctx, code); return err }, ":bindreq:"
		}
		stall.Key = key
		stall.Arm()
		err = answer(req.Code)
		stall.Wait(t)
		_, bound := s.Binding(ctx, "daughter")
		t.Logf("approve %v: %v; bound: %v", approve, err, bound == nil)
		if err != nil {
			t.Errorf("approve %v: the request was answered by this call, which says %v", approve, err)
		}
		if approve != (bound == nil) {
			t.Errorf("approve %v: bound %v", approve, bound == nil)
		}
	}
}

// TestUnbindWhileRedisStalls: a 解绑 whose script reaches Redis twice
// unbinds and says so, not that the user was not bound.
func TestUnbindWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":u:")
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	for _, who := range []string{"mum", "son"} {
		if _, err := s.BindApproved(ctx, orders.Binding{OpenID: who, Address: orders.Address{Building: "3", Unit: "2", Room: "501"}, Grid: "G1", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Unbind(ctx, "mum"); err != nil { // loads the script
		t.Fatal(err)
	}
	stall.Arm()
	_, err := s.Unbind(ctx, "son")
	stall.Wait(t)
	if err != nil {
		t.Errorf("unbind: %v", err)
	}
	if _, err := s.Binding(ctx, "son"); err == nil {
		t.Error("still bound")
	}
}

// TestResolveWhileRedisStalls: a message whose Resolve reaches Redis twice
// (sent, timed out while Redis stalls, sent again by the client) is
// counted once against the sender's rate limit, and its second run does
// not open the sender's window again (which would forget the pushes made
// in between).
func TestResolveWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":msg:")
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	day := orders.Day(at, shanghai)
	resolve := func(key string) (orders.Arrival, error) {
		return s.Resolve(ctx, key, redisstoreOwner(key), orders.Arrive{OpenID: "zhang", At: at, Day: day, How: orders.Wrote})
	}
	if _, err := resolve("m1"); err != nil { // loads the script
		t.Fatal(err)
	}
	stall.Arm()
	a, err := resolve("m2")
	stall.Wait(t)
	if err != nil {
		t.Fatalf("m2: %v", err)
	}
	if a.State != orders.ClaimNew || a.Sender.Sent != 2 {
		t.Errorf("m2: %+v, want a new claim and the 2nd message", a)
	}
	a, err = resolve("m3")
	if err != nil {
		t.Fatal(err)
	}
	if a.Sender.Sent != 3 {
		t.Errorf("m3 is the sender's 3rd message of the minute; counted as the %dth", a.Sender.Sent)
	}
}

// TestApplyWhileRedisStalls: a volunteer's application whose script
// reaches Redis twice is the application filed now, not one "waiting
// already" (the action would then ask no lead to approve it).
func TestApplyWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":apply:")
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	home := orders.Address{Building: "3", Unit: "2", Room: "501"}
	if _, err := s.Apply(ctx, orders.Application{Code: "A1", OpenID: "li", Grid: "G1", Address: home, At: at}); err != nil { // loads the script
		t.Fatal(err)
	}
	stall.Arm()
	app, err := s.Apply(ctx, orders.Application{Code: "A2", OpenID: "wang", Grid: "G1", Address: home, At: at, Name: "王"})
	stall.Wait(t)
	if err != nil {
		t.Fatal(err)
	}
	if app.Again || app.Code != "A2" {
		t.Errorf("filed by this call, answered %+v (Again: the leads are not asked)", app)
	}
	again, err := s.Apply(ctx, orders.Application{Code: "A3", OpenID: "wang", Grid: "G1", Address: home, At: at})
	if err != nil || !again.Again || again.Code != "A2" {
		t.Errorf("applying again: %+v %v, want A2 again", again, err)
	}
}

// TestRequestBindingWhileRedisStalls: a binding request whose script
// reaches Redis twice is the request made now, not one "asked before"
// (the action would then ask nobody: no member, no lead).
func TestRequestBindingWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":bindreq:")
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	home := orders.Address{Building: "3", Unit: "2", Room: "501"}
	if _, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "son", Address: home, Grid: "G1", At: at}); err != nil { // loads the script
		t.Fatal(err)
	}
	stall.Arm()
	req, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "daughter", Address: home, Grid: "G1", At: at})
	stall.Wait(t)
	if err != nil {
		t.Fatal(err)
	}
	if req.Again {
		t.Errorf("made by this call, answered as asked before: %+v (nobody is asked)", req)
	}
	again, err := s.RequestBinding(ctx, orders.BindRequest{OpenID: "daughter", Address: home, Grid: "G1", At: at})
	if err != nil || !again.Again || again.Code != req.Code {
		t.Errorf("asking again: %+v %v, want %s again", again, err, req.Code)
	}
}

// TestMarkOnceWhileRedisStalls: a mark (something done once: a
// supplier's 到货了 tells the volunteers once, the unreached digest goes
// to the admins once) whose SET reaches Redis twice (go-redis sends any
// command again after a read timeout) is new to the call that made it:
// the second run found the first's mark, the call answered "marked
// before", and nobody was told.
func TestMarkOnceWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":mark:")
	stall.Cmd = "set"
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	for _, c := range []struct {
		name string
		mark func(key string) (bool, error)
	}{
		{"MarkOnce", func(key string) (bool, error) { return s.MarkOnce(ctx, key) }},
		{"MarkFor", func(key string) (bool, error) { return s.MarkFor(ctx, key, time.Hour) }},
		{"MarkOnceAt", func(key string) (bool, error) { first, _, err := s.MarkOnceAt(ctx, key, at); return first, err }},
	} {
		if _, err := c.mark("warm:" + c.name); err != nil {
			t.Fatal(err)
		}
		stall.Arm()
		first, err := c.mark("ready:" + c.name)
		stall.Wait(t)
		if err != nil || !first {
			t.Errorf("%s: marked by this call, which says first %v (%v)", c.name, first, err)
		}
		if again, err := c.mark("ready:" + c.name); err != nil || again {
			t.Errorf("%s again: first %v (%v)", c.name, again, err)
		}
	}
}

// TestBeginErasureWhileRedisStalls: an erasure begun by a call whose SET
// reached Redis twice is begun by that call: answered "one is under way
// already", the person was told so and nothing erased them until the
// service's next look for erasures cut short.
func TestBeginErasureWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":erasing:")
	stall.Cmd = "set"
	if _, err := s.BeginErasure(ctx, "li", []byte(`{"openid":"li"}`), time.Hour); err != nil {
		t.Fatal(err)
	}
	stall.Arm()
	began, err := s.BeginErasure(ctx, "zhang", []byte(`{"openid":"zhang","started":"2026-11-24T09:00:00.123456789Z"}`), time.Hour)
	stall.Wait(t)
	if err != nil || !began {
		t.Errorf("begun by this call, which says %v (%v)", began, err)
	}
	if again, err := s.BeginErasure(ctx, "zhang", []byte(`{"openid":"zhang","started":"2026-11-24T09:00:05Z"}`), time.Hour); err != nil || again {
		t.Errorf("begun again: %v (%v)", again, err)
	}
}

// TestRemoveLeadWhileRedisStalls: a lead removed by a call whose HDEL
// reached Redis twice is removed by it: the second run found nobody to
// remove, and the call said the person was no lead (so their roles were
// not looked at again and nothing was audited).
func TestRemoveLeadWhileRedisStalls(t *testing.T) {
	ctx := context.Background()
	s, stall := stallingStore(t, ":leads")
	stall.Cmd = "hdel"
	for _, l := range []string{"lead-a", "lead-b"} {
		if err := s.AddLead(ctx, orders.Lead{OpenID: l, Buildings: []string{"3"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RemoveLead(ctx, "lead-a"); err != nil {
		t.Fatal(err)
	}
	stall.Arm()
	err := s.RemoveLead(ctx, "lead-b")
	stall.Wait(t)
	if err != nil {
		t.Errorf("removed by this call, which says %v", err)
	}
	if err := s.RemoveLead(ctx, "lead-b"); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("removed again: %v, want ErrNotFound", err)
	}
}

// stallingStore is a store of a community of its own on a server of its
// own, whose client has cmd/baogong's timeouts and stall stalls the server
// as a command whose first key holds key is sent.
func stallingStore(t *testing.T, key string) (*redisstore.Store, *redistest.Stall) {
	rdb, stall := redistest.StallingClient(t, key)
	return redisstore.New(rdb, redistest.Community(t), testCatalog(t, 10)), stall
}
