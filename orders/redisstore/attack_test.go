package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/orders"
)

// Regression (from an attack review): a stock total lowered below what was sold is clamped to 0 and the
// deficit is forgotten; a later cancel gives stock back, and it is sold
// again: more is sold than the total the office set.
func TestAttackStockDeficitForgotten(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	var placed []orders.Order
	for _, room := range []string{"501", "502", "503"} {
		o, _, err := s.PlaceOrder(ctx, order(t, cat, room, at, veg(2)), "req-"+room, nil)
		if err != nil {
			t.Fatal(err)
		}
		placed = append(placed, o)
	}
	// The supplier has only 4 after all (6 sold): left is 0, 2 oversold.
	var over *orders.OversoldError
	if err := s.SetStock(ctx, map[string]int{"VEG": 4, "EGG": 1000}); !errors.As(err, &over) {
		t.Fatal(err)
	}
	// One household cancels its 2: 4 sold against a total of 4.
	if _, err := s.CancelOrder(ctx, placed[0].ID, "x", "test", at, nil); err != nil {
		t.Fatal(err)
	}
	left, _ := s.StockLeft(ctx)
	// Another household orders 2 more.
	_, _, err := s.PlaceOrder(ctx, order(t, cat, "504", at, veg(2)), "req-504", nil)
	sold := 0
	for _, id := range []string{placed[1].ID, placed[2].ID} {
		o, _ := s.Order(ctx, id)
		if o.Status != orders.StatusCancelled {
			sold += 2
		}
	}
	if err == nil {
		sold += 2
	}
	if sold > 4 {
		t.Errorf("left %d after the cancel; %d sold against a total of 4 (oversold)", left["VEG"], sold)
	}
}

// Regression (from an attack review): Settle's RELEASED promises "no write on its behalf can happen
// any more", but a Resolve of the same delivery still in flight (an
// earlier try of bot.arrive's loop, or go-redis's own retry of it, held
// up in a TCP retransmit or behind a closed connection) re-creates the
// claim after the DEL, and the place script still in flight then places
// the order and saves "下单成功" while the resident was told 没有办成.
func TestAttackLateResolveRevivesSettledClaim(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	const key, owner = "m:777", "owner-a"
	day := orders.Day(at, shanghai)
	// bot.arrive: try 1 is held up in the network; try 2 claims.
	if a, err := s.Resolve(ctx, key, owner, orders.Arrive{OpenID: "openid-501", At: at, Day: day, How: orders.Wrote}); err != nil || a.State != orders.ClaimNew {
		t.Fatal(a, err)
	}
	// The place script times out (held up too); Handle settles.
	st, _, err := s.Settle(ctx, key, owner)
	if err != nil || st != orders.SettledReleased {
		t.Fatal(st, err)
	}
	// -> the resident reads textBusy: 系统繁忙，刚才这条消息没有办成。
	// Try 1's Resolve lands now...
	if _, err := s.Resolve(ctx, key, owner, orders.Arrive{OpenID: "openid-501", At: at, Day: day, How: orders.Wrote}); err != nil {
		t.Fatal(err)
	}
	// ...then the held-up place script.
	ack := &orders.Ack{Key: key, Owner: owner, Render: func(o orders.Order) string { return "下单成功！订单号 " + o.ID }}
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "wx:"+key, ack)
	if err == nil {
		t.Errorf("after RELEASED (told 没有办成) the message placed order %s and saved %q", o.ID, ack.Reply)
	}
}

// Regression (review of the one-step order): an order message's one step
// resolves as well as writes, so a late one must find its delivery's
// tombstone however late it lands: the tombstone outlives any command of
// the delivery, not only its claim.
func TestAttackLateOneStepAfterSettle(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	s.ClaimTTL = 100 * time.Millisecond
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	const key, owner = "m:778", "owner-b"
	day := orders.Day(at, shanghai)
	// The one step timed out on its way; Handle settles (nothing there
	// yet: the tombstone is all there is).
	if st, _, err := s.Settle(ctx, key, owner); err != nil || st != orders.SettledReleased {
		t.Fatal(st, err)
	}
	// The step lands well after the claim's life.
	time.Sleep(3 * s.ClaimTTL)
	ar := &orders.Arrive{OpenID: "openid-501", At: at, Day: day, How: orders.Wrote}
	ack := &orders.Ack{Key: key, Owner: owner, Once: true, Arrive: ar, Render: func(o orders.Order) string { return "下单成功！订单号 " + o.ID }}
	o, _, err := s.PlaceOrder(ctx, order(t, cat, "501", at, veg(1)), "wx:"+key, ack)
	if !errors.Is(err, orders.ErrStale) || ar.Arrival.State != orders.ClaimSettled {
		t.Errorf("a one step landing after its delivery was settled: order %q, %v, %v", o.ID, err, ar.Arrival.State)
	}
}
