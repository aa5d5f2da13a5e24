package orders

import (
	"context"
	"errors"
	"testing"
	"time"
)

// daily is a schedule at fixed times of day, like the cron specs
// "0 20 * * *" (cutoff) and "0 7 * * *", "0 13 * * *" (rounds).
type daily []time.Duration

func (d daily) Next(t time.Time) time.Time {
	var best time.Time
	for _, off := range d {
		y, m, dd := t.Date()
		at := time.Date(y, m, dd, 0, 0, 0, 0, t.Location()).Add(off)
		if !at.After(t) {
			at = time.Date(y, m, dd+1, 0, 0, 0, 0, t.Location()).Add(off)
		}
		if best.IsZero() || at.Before(best) {
			best = at
		}
	}
	return best
}

func TestDaysAroundTheClock(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cal := Calendar{Cutoff: daily{20 * time.Hour}, Rounds: daily{7 * time.Hour, 13 * time.Hour}}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation(time.DateTime, s, sh)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		now string
		// closed: the cutoff job has closed the day of now.
		closed                  bool
		today, open, lastClosed string
		// Of the open day: offset from today, scheduled cutoff, first
		// delivery round.
		offset           int
		cutoff, delivery string
		yesterdayInView  bool
		tomorrowInView   bool
	}{
		{"2026-11-30 00:00:00", false, "2026-11-30", "2026-11-30", "2026-11-29", 0, "2026-11-30 20:00:00", "2026-12-01 07:00:00", true, false},
		{"2026-11-30 00:01:00", false, "2026-11-30", "2026-11-30", "2026-11-29", 0, "2026-11-30 20:00:00", "2026-12-01 07:00:00", true, false},
		{"2026-11-30 07:59:00", false, "2026-11-30", "2026-11-30", "2026-11-29", 0, "2026-11-30 20:00:00", "2026-12-01 07:00:00", true, false},
		{"2026-11-30 12:00:00", false, "2026-11-30", "2026-11-30", "2026-11-29", 0, "2026-11-30 20:00:00", "2026-12-01 07:00:00", true, false},
		{"2026-11-30 19:59:59", false, "2026-11-30", "2026-11-30", "2026-11-29", 0, "2026-11-30 20:00:00", "2026-12-01 07:00:00", true, false},
		// The day closes when the cutoff job runs, not at the stroke of
		// 20:00: a late job leaves the day open a little longer.
		{"2026-11-30 20:00:30", false, "2026-11-30", "2026-11-30", "2026-11-29", 0, "2026-11-30 20:00:00", "2026-12-01 07:00:00", true, false},
		{"2026-11-30 20:00:30", true, "2026-11-30", "2026-12-01", "2026-11-30", 1, "2026-12-01 20:00:00", "2026-12-02 07:00:00", false, true},
		{"2026-11-30 20:01:00", true, "2026-11-30", "2026-12-01", "2026-11-30", 1, "2026-12-01 20:00:00", "2026-12-02 07:00:00", false, true},
		{"2026-11-30 23:59:59", true, "2026-11-30", "2026-12-01", "2026-11-30", 1, "2026-12-01 20:00:00", "2026-12-02 07:00:00", false, true},
		// Across midnight the open day stays the same day: now today's.
		{"2026-12-01 00:00:00", false, "2026-12-01", "2026-12-01", "2026-11-30", 0, "2026-12-01 20:00:00", "2026-12-02 07:00:00", true, false},
		{"2026-12-31 20:01:00", true, "2026-12-31", "2027-01-01", "2026-12-31", 1, "2027-01-01 20:00:00", "2027-01-02 07:00:00", false, true},
	} {
		t.Run(c.now+map[bool]string{true: " closed", false: ""}[c.closed], func(t *testing.T) {
			d := cal.At(at(c.now).UTC(), sh, c.closed)
			if d.Today != c.today || d.Open != c.open || d.LastClosed() != c.lastClosed || d.Closed != c.closed {
				t.Errorf("today %s open %s last closed %s, want %s %s %s", d.Today, d.Open, d.LastClosed(), c.today, c.open, c.lastClosed)
			}
			if d.Now.Location() != sh {
				t.Errorf("Now in %v", d.Now.Location())
			}
			n := d.Note(d.Open)
			if !n.Open || n.Closed || n.Offset != c.offset {
				t.Errorf("open day's note: %+v", n)
			}
			if !n.Cutoff.Equal(at(c.cutoff)) || !n.Delivery.Equal(at(c.delivery)) {
				t.Errorf("open day closes %v, delivered %v; want %s, %s", n.Cutoff, n.Delivery, c.cutoff, c.delivery)
			}
			if !d.InView(d.Today) || !d.InView(d.Open) || !d.InView(d.LastClosed()) {
				t.Errorf("today, the open day and the day last closed must be in view")
			}
			if got := d.InView(AddDays(d.Today, -1)); got != c.yesterdayInView {
				t.Errorf("yesterday in view: %v", got)
			}
			if got := d.InView(AddDays(d.Today, 1)); got != c.tomorrowInView {
				t.Errorf("tomorrow in view: %v", got)
			}
			if d.InView(AddDays(d.Today, -2)) || d.InView(AddDays(d.Today, 2)) {
				t.Errorf("two days away in view")
			}
			last := d.Note(d.LastClosed())
			if !last.Closed || last.Open {
				t.Errorf("day last closed: %+v", last)
			}
		})
	}
}

func TestDaysWithoutSchedules(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 21, 0, 0, 0, sh)
	d := Calendar{}.At(now, sh, false)
	if d.Open != "2026-11-30" {
		t.Errorf("open day %s", d.Open)
	}
	n := d.Note(d.Open)
	if !n.Cutoff.IsZero() || !n.Delivery.IsZero() || !n.Open || n.Closed || n.Offset != 0 {
		t.Errorf("note without schedules: %+v", n)
	}
	// Closed by hand (the demo's 截单): the next day opens.
	if d := (Calendar{}).At(now, sh, true); d.Open != "2026-12-01" || d.Note("2026-12-01").Offset != 1 {
		t.Errorf("closed by hand: %+v", d)
	}
	// Rounds but no cutoff: a day's orders go out after the day ends.
	r := Calendar{Rounds: daily{7 * time.Hour}}.At(now, sh, false).Note("2026-11-30")
	if want := time.Date(2026, 12, 1, 7, 0, 0, 0, sh); !r.Delivery.Equal(want) {
		t.Errorf("delivery without a cutoff: %v, want %v", r.Delivery, want)
	}
}

type closedDays map[string]bool

func (c closedDays) DayClosed(_ context.Context, day string) (bool, error) {
	if c == nil {
		return false, errors.New("down")
	}
	return c[day], nil
}

func TestCalendarRead(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	// 12:30 UTC is 20:30 in Shanghai: the Shanghai day is asked about.
	now := time.Date(2026, 11, 30, 12, 30, 0, 0, time.UTC)
	d, err := Calendar{}.Read(context.Background(), closedDays{"2026-11-30": true}, now, sh)
	if err != nil || d.Open != "2026-12-01" {
		t.Errorf("read: %+v %v", d, err)
	}
	if _, err := (Calendar{}).Read(context.Background(), closedDays(nil), now, sh); err == nil {
		t.Error("a store error must come back")
	}
}
