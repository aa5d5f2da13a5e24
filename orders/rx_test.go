package orders

import (
	"slices"
	"testing"
	"time"
)

func TestRxLinesAndNewOrderStatus(t *testing.T) {
	cat := testCatalog(t)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		items  []ItemRequest
		rx     []string // SKUs
		status Status
	}{
		{"groceries", []ItemRequest{{"VEG-A", 1}, {"EGG-30", 1}}, nil, StatusPending},
		{"medicine without prescription", []ItemRequest{{"MED-IBU", 1}}, nil, StatusPending},
		{"insulin", []ItemRequest{{"MED-INSULIN", 2}}, []string{"MED-INSULIN"}, StatusAwaitingRx},
		{"insulin among groceries", []ItemRequest{{"VEG-A", 1}, {"MED-INSULIN", 1}, {"MED-IBU", 1}}, []string{"MED-INSULIN"}, StatusAwaitingRx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := NewOrder(cat, Address{Building: "3", Unit: "2", Room: "501"}, "G1", tt.items, "u", ChannelWeChat, at, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range RxLines(cat, o.Lines) {
				got = append(got, l.SKU)
			}
			if !slices.Equal(got, tt.rx) || NeedsRx(cat, o.Lines) != (len(tt.rx) > 0) {
				t.Errorf("rx lines %v, want %v", got, tt.rx)
			}
			if o.Status != tt.status || o.History[0].Status != tt.status {
				t.Errorf("status %s (history %s), want %s", o.Status, o.History[0].Status, tt.status)
			}
			if sups := RxSuppliers(cat, o); len(tt.rx) > 0 && !slices.Equal(sups, []string{"ph-renmin"}) {
				t.Errorf("rx suppliers %v", sups)
			}
		})
	}
}

func TestPickListsCarryPrescriptions(t *testing.T) {
	cat := testCatalog(t)
	const d = "2022-04-10"
	waiting := rOrder("1", "G1", "3-2-501", StatusAwaitingRx, d, "MED-INSULIN:2", "VEG-A:1")
	photo := rOrder("2", "G1", "3-2-502", StatusPending, d, "MED-INSULIN:1", "MED-IBU:1")
	photo.Rx = &Prescription{MediaID: "m2", Photo: "rx:2", PicURL: "http://mmbiz.qpic.cn/old.jpg"}
	approved := rOrder("3", "G1", "3-1-101", StatusAssigned, d, "MED-INSULIN:1")
	approved.Rx = &Prescription{By: "lead-3", Note: "楼栋长"}
	plain := rOrder("4", "G1", "3-1-102", StatusPending, d, "MED-IBU:1")
	rejected := rOrder("5", "G1", "3-1-103", StatusCancelled, d, "MED-INSULIN:1")
	rejected.Rx = &Prescription{By: "ph", Note: "照片看不清"}
	lists := BuildPickLists(cat, []Order{waiting, photo, approved, plain, rejected}, d)

	if got := renderPick(lists[0]); got != "sm-xinyi 2022-04-10: \n" {
		t.Errorf("an order awaiting its prescription is on the supermarket's list:\n%s", got)
	}
	want := `ph-renmin 2022-04-10: MED-IBU×2 MED-INSULIN×2
  G1: MED-IBU×2 MED-INSULIN×2
    3: MED-IBU×2 MED-INSULIN×2
      1 (2): MED-IBU×1 MED-INSULIN×1
      2 (1): MED-IBU×1 MED-INSULIN×1
`
	if got := renderPick(lists[1]); got != want {
		t.Errorf("pharmacy:\n%s\nwant:\n%s", got, want)
	}
	rx := lists[1].Rx
	if len(rx) != 2 {
		t.Fatalf("rx refs %+v, want orders 3 and 2", rx)
	}
	// 3-1-101 before 3-2-502; only the rx lines; the photo and the review.
	if rx[0].OrderID != "3" || rx[0].ApprovedBy != "lead-3" || rx[0].Note != "楼栋长" || rx[0].PicURL != "" ||
		len(rx[0].Lines) != 1 || rx[0].Lines[0].Name != "胰岛素注射液" || rx[0].Lines[0].Qty != 1 {
		t.Errorf("first ref %+v", rx[0])
	}
	// The kept photo's key; never WeChat's URL (older orders have one).
	if rx[1].OrderID != "2" || rx[1].Photo != "rx:2" || rx[1].PicURL != "" || rx[1].MediaID != "m2" || rx[1].ApprovedBy != "" ||
		len(rx[1].Lines) != 1 || rx[1].Address.Room != "502" || rx[1].Grid != "G1" {
		t.Errorf("second ref %+v", rx[1])
	}
	if lists[0].Rx != nil {
		t.Errorf("supermarket has rx refs: %+v", lists[0].Rx)
	}
}
