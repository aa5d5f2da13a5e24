package orders

import (
	"context"
	"testing"
	"time"
)

// TestDaysClosedAhead: 截单 run by hand after the day's cutoff closes the
// next day too; orders then count for the day after, and the day last
// closed is the next day.
func TestDaysClosedAhead(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 24, 21, 0, 0, 0, loc)
	for _, c := range []struct {
		closed           closedDays
		open, lastClosed string
	}{
		{closedDays{}, "2026-11-24", "2026-11-23"},
		{closedDays{"2026-11-24": true}, "2026-11-25", "2026-11-24"},
		{closedDays{"2026-11-24": true, "2026-11-25": true}, "2026-11-26", "2026-11-25"},
		{closedDays{"2026-11-25": true}, "2026-11-24", "2026-11-23"}, // only a run of closed days from today counts
	} {
		d, err := (Calendar{}).Read(context.Background(), c.closed, now, loc)
		if err != nil {
			t.Fatal(err)
		}
		if d.Open != c.open || d.LastClosed() != c.lastClosed {
			t.Errorf("%v: open %s, last closed %s; want %s, %s", c.closed, d.Open, d.LastClosed(), c.open, c.lastClosed)
		}
		if n := d.Note("2026-11-25"); n.Closed != (c.open > "2026-11-25") {
			t.Errorf("%v: note of the 25th says closed %v", c.closed, n.Closed)
		}
	}
	s := Sender{DayClosed: true, NextClosed: true}
	if d := (Calendar{}).AtClosed(now, loc, s.ClosedDays()); d.Open != "2026-11-26" {
		t.Errorf("a sender whose day and next day are closed orders for %s", d.Open)
	}
}
