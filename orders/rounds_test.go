package orders

import (
	"testing"
	"time"
)

func TestToldTell(t *testing.T) {
	s7 := time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC)
	s13 := s7.Add(6 * time.Hour)
	a := Stop{OrderID: "1001", Lines: []Line{{SKU: "VEG-A", Qty: 1}}}
	b := Stop{OrderID: "1002", Lines: []Line{{SKU: "EGG-30", Qty: 2}}}
	bMore := Stop{OrderID: "1002", Lines: []Line{{SKU: "EGG-30", Qty: 3}}}
	c := Stop{OrderID: "1003", Lines: []Line{{SKU: "VEG-A", Qty: 1}}}
	told := Told{Slot: s7, Stops: StopKeys([]Stop{a, b})}
	for _, tc := range []struct {
		name      string
		slot      time.Time
		cur       []Stop
		elsewhere func(string) bool
		want      bool
	}{
		{"same list, next round", s13, []Stop{a, b}, nil, false},
		{"fewer stops (one delivered)", s13, []Stop{b}, nil, false},
		{"a new stop", s13, []Stop{b, c}, nil, true},
		{"other goods", s13, []Stop{a, bMore}, nil, true},
		{"the same round again", s7, []Stop{a, b}, nil, true},
		{"nothing", s13, nil, nil, false},
		{"a stop moved to someone else", s13, []Stop{b}, func(id string) bool { return id == "1001" }, true},
	} {
		if got := told.Tell(tc.slot, StopKeys(tc.cur), tc.elsewhere); got != tc.want {
			t.Errorf("%s: Tell = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !(Told{}).Tell(s7, StopKeys([]Stop{a}), nil) {
		t.Error("someone never told is not told")
	}
}

func TestToPack(t *testing.T) {
	at := time.Date(2026, 11, 24, 20, 5, 0, 0, time.UTC)
	delivered := func(id string, when time.Time) Order {
		return Order{ID: id, Status: StatusDelivered, History: []Event{{At: when, Status: StatusDelivered}}}
	}
	os := []Order{
		{ID: "1", Status: StatusPending},
		delivered("2", at.Add(-time.Hour)),
		delivered("3", at.Add(time.Hour)),
		{ID: "4", Status: StatusReceived, History: []Event{{At: at.Add(-2 * time.Hour), Status: StatusDelivered}, {At: at.Add(-time.Hour), Status: StatusReceived}}},
		{ID: "5", Status: StatusAssigned},
	}
	var got []string
	for _, o := range ToPack(os, at) {
		got = append(got, o.ID)
	}
	if want := []string{"1", "3", "5"}; len(got) != len(want) || got[0] != "1" || got[1] != "3" || got[2] != "5" {
		t.Errorf("ToPack = %v, want %v", got, want)
	}
}
