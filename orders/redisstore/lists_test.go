package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/orders/redisstore"
)

// placeWrite is a WriteList write placing items for room under request id
// req.
func placeWrite(t testing.TB, cat *catalog.Catalog, room, req string, line int, at time.Time, items ...orders.ItemRequest) orders.ListWrite {
	o := order(t, cat, room, at, items...)
	return orders.ListWrite{Entry: orders.ListEntry{Household: o.Household(), Line: line}, Place: &o, RequestID: req}
}

// TestWriteList places a batch in line order (the earlier line gets the
// last of the stock), refuses each household on its own, records the
// entries with their order ids, and answers a repeated call from what it
// saved.
func TestWriteList(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 3)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai)
	ws := []orders.ListWrite{
		placeWrite(t, cat, "501", "r501", 3, at, veg(2)),
		placeWrite(t, cat, "502", "r502", 4, at, veg(2)), // 1 left: sold out
		placeWrite(t, cat, "503", "r503", 5, at, veg(1), orders.ItemRequest{SKU: "EGG", Qty: 2}),
		{Entry: orders.ListEntry{Household: "3-2-601", OrderID: "999", Line: 6}},
	}
	got, err := s.WriteList(ctx, "k1", "list-1", ws)
	if err != nil {
		t.Fatal(err)
	}
	var short *orders.ShortageError
	switch {
	case len(got) != 4:
		t.Fatalf("%d results, want 4", len(got))
	case !got[0].Created || got[0].Order.ID == "" || got[0].Order.Address.Room != "501":
		t.Errorf("501: %+v", got[0])
	case !errors.As(got[1].Err, &short) || !errors.Is(got[1].Err, orders.ErrSoldOut) || short.Left != 1:
		t.Errorf("502: %+v, want sold out with 1 left", got[1])
	case !got[2].Created || got[2].Order.ID <= got[0].Order.ID:
		t.Errorf("503: %+v, want an id after %s", got[2], got[0].Order.ID)
	case got[3].Created || got[3].Err != nil || got[3].Order.ID != "":
		t.Errorf("entry only: %+v", got[3])
	}
	if left, _ := s.StockLeft(ctx); left["VEG"] != 0 || left["EGG"] != 998 {
		t.Errorf("stock left %v, want VEG 0 EGG 998", left)
	}
	stored, err := s.Order(ctx, got[2].Order.ID)
	if err != nil || stored.Lines[1].Qty != 2 || stored.Status != orders.StatusPending {
		t.Errorf("stored order: %+v %v", stored, err)
	}
	es, err := s.ListEntries(ctx, "list-1")
	want := map[string]orders.ListEntry{
		"3-2-501": {Household: "3-2-501", OrderID: got[0].Order.ID, Line: 3},
		"3-2-503": {Household: "3-2-503", OrderID: got[2].Order.ID, Line: 5},
		"3-2-601": {Household: "3-2-601", OrderID: "999", Line: 6},
	}
	if err != nil || len(es) != len(want) {
		t.Fatalf("entries %v %v, want %v", es, err, want)
	}
	for hh, e := range want {
		if es[hh] != e {
			t.Errorf("entry %s = %+v, want %+v", hh, es[hh], e)
		}
	}

	// The same call again (a client's retry) is answered from what it
	// saved: the orders are still new, and nothing is placed twice.
	again, err := s.WriteList(ctx, "k1", "list-1", ws)
	if err != nil || !again[0].Created || again[0].Order.ID != got[0].Order.ID || !again[2].Created {
		t.Errorf("retried call: %+v %v", again, err)
	}
	if asked, err := s.ListWritten(ctx, "k1", ws); err != nil || asked[2].Order.ID != got[2].Order.ID {
		t.Errorf("ListWritten: %+v %v", asked, err)
	}
	// Another call with the same request ids finds the orders placed.
	dup, err := s.WriteList(ctx, "k2", "list-1", ws[:1])
	if err != nil || dup[0].Created || dup[0].Order.ID != got[0].Order.ID || dup[0].Order.Lines[0].Qty != 2 {
		t.Errorf("same request: %+v %v", dup, err)
	}
	if list, _ := s.Orders(ctx, orders.Filter{}); len(list) != 2 {
		t.Errorf("%d orders, want 2", len(list))
	}
	byID, err := s.OrdersByID(ctx, []string{got[0].Order.ID, "999"})
	if err != nil || len(byID) != 1 || byID[got[0].Order.ID].Address.Room != "501" {
		t.Errorf("OrdersByID = %v %v", byID, err)
	}
}

// TestListWrittenFences: asking after a call that never arrived fences it
// off, so the answer "not written" stays true when the call turns up late.
func TestListWrittenFences(t *testing.T) {
	ctx := context.Background()
	s, cat := newStore(t, 10)
	ws := []orders.ListWrite{placeWrite(t, cat, "501", "r501", 3, time.Now(), veg(1))}
	if _, err := s.ListWritten(ctx, "late", ws); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("ListWritten before the call: %v, want ErrNotFound", err)
	}
	if _, err := s.WriteList(ctx, "late", "list-1", ws); err == nil {
		t.Errorf("a fenced call went through")
	}
	if list, _ := s.Orders(ctx, orders.Filter{}); len(list) != 0 {
		t.Errorf("a fenced call placed %d orders", len(list))
	}
	if es, _ := s.ListEntries(ctx, "list-1"); len(es) != 0 {
		t.Errorf("a fenced call wrote entries: %v", es)
	}
	if _, err := s.ListWritten(ctx, "late", ws); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("ListWritten again: %v, want ErrNotFound", err)
	}
}

func TestMarksOf(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 10)
	if _, err := s.AddMarks(ctx, "3-2-502", []orders.Mark{orders.MarkAlone}); err != nil {
		t.Fatal(err)
	}
	got, err := s.MarksOf(ctx, []string{"3-2-501", "3-2-502"})
	if err != nil || len(got) != 1 || len(got["3-2-502"]) != 1 || got["3-2-502"][0] != orders.MarkAlone {
		t.Errorf("MarksOf = %v %v", got, err)
	}
}

// TestClusterWriteList writes a batch for a community on a real cluster:
// every key listwrite.lua touches is declared and shares the tag.
func TestClusterWriteList(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rdb := clusterClient(t)
	cat := testCatalog(t, 10)
	community := redistest.Community(t)
	s := redisstore.New(rdb, community, cat)
	if err := s.SetStock(ctx, map[string]int{"VEG": 10, "EGG": 1000}); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	ws := []orders.ListWrite{placeWrite(t, cat, "501", "r1", 3, at, veg(1)), placeWrite(t, cat, "502", "r2", 4, at, veg(2))}
	got, err := s.WriteList(ctx, "k1", "list-1", ws)
	if err != nil || !got[0].Created || !got[1].Created {
		t.Fatalf("WriteList on a cluster: %+v %v", got, err)
	}
	if _, err := s.ListWritten(ctx, "k1", ws); err != nil {
		t.Errorf("ListWritten on a cluster: %v", err)
	}
	if es, err := s.ListEntries(ctx, "list-1"); err != nil || len(es) != 2 {
		t.Errorf("entries: %v %v", es, err)
	}
}
