package jobs

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/baogong/baogong/orders"
)

// TestRxReleasedAfterCutoffIsOnTheNextPickList: a prescription approved
// after its day's cutoff is on the next day's pharmacy pick list (not on
// none), and its household's limit stays counted on the day it was
// placed: cancelling it gives that day's limit back.
func TestRxReleasedAfterCutoffIsOnTheNextPickList(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ins := orders.ItemRequest{SKU: "MED-INS", Qty: 1}
	o := f.place(t, "3", "1", "101", at("2026-11-24", "10:00"), ins)
	if o.Status != orders.StatusAwaitingRx || o.Day != "2026-11-24" {
		t.Fatalf("placed: %s %s", o.Status, o.Day)
	}
	cut := at("2026-11-24", "20:00")
	if res, err := f.runner(cut).Run(ctx, Cutoff, cut); err != nil || !res.Published {
		t.Fatalf("cutoff: %+v %v", res, err)
	}
	list := at("2026-11-24", "20:05")
	if _, err := f.runner(list).Run(ctx, Picklist, list); err != nil {
		t.Fatal(err)
	}
	if ph := f.rec.to("ph-boss"); len(ph) != 1 || strings.Contains(ph[0].Text, "胰岛素") {
		t.Fatalf("the 24th's pharmacy list shows an order awaiting its prescription: %+v", ph)
	}
	approved, err := f.store.ApproveRx(ctx, o.ID, "ph-boss", "", at("2026-11-24", "21:00"))
	if err != nil || approved.Day != "2026-11-25" {
		t.Fatalf("approved after the cutoff: %+v %v", approved, err)
	}
	// The household ordered its one insulin of the 24th: that limit is
	// used, and the 25th's is free.
	if _, _, err := f.store.PlaceOrder(ctx, mustOrder(t, f, "2026-11-24", ins), "req-again-24", nil); !errors.Is(err, orders.ErrLimit) {
		t.Fatalf("second insulin counted on the 24th: %v", err)
	}
	next := at("2026-11-25", "20:05")
	f.runner(at("2026-11-25", "20:00")).Run(ctx, Cutoff, at("2026-11-25", "20:00"))
	if _, err := f.runner(next).Run(ctx, Picklist, next); err != nil {
		t.Fatal(err)
	}
	ph := f.rec.to("ph-boss")
	if len(ph) != 2 || !strings.Contains(ph[1].Text, "胰岛素注射液1支") {
		t.Fatalf("the 25th's pharmacy list does not carry the released order: %+v", ph)
	}
	if _, err := f.store.CancelOrder(ctx, o.ID, "lead-3", "", at("2026-11-25", "21:00"), nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.PlaceOrder(ctx, mustOrder(t, f, "2026-11-24", ins), "req-after-cancel", nil); err != nil {
		t.Fatalf("the 24th's limit was not given back: %v", err)
	}
}

// mustOrder builds an order of 3-1-101 counting on day.
func mustOrder(t *testing.T, f *fixture, day string, items ...orders.ItemRequest) orders.Order {
	t.Helper()
	o, err := orders.NewOrder(f.cat, orders.Address{Building: "3", Unit: "1", Room: "101"}, "G1", items, "openid-101", orders.ChannelWeChat, at(day, "10:00"), shanghai)
	if err != nil {
		t.Fatal(err)
	}
	o.Day = day
	return o
}
