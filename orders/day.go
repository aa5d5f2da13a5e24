package orders

import (
	"context"
	"time"
)

// Every order counts for an order day (Order.Day): the calendar day it was
// placed on, or the next day once that day's cutoff has passed (the cutoff
// job closed it, Store.CloseDay). Per-household limits count per order
// day; a day's pick list and the delivery rounds after its cutoff take its
// orders. Days is the one notion of "today's orders" for everything people
// see or do, at every hour: a resident's order and limits, a lead's 汇总
// and 送达, pick-list defaults, the demo.

// Schedule is a recurring time, as a cron schedule is: Next returns the
// first time after t, or the zero time when there is none.
type Schedule interface {
	Next(t time.Time) time.Time
}

// DayCloser tells whether an order day's cutoff has passed; Store has it.
type DayCloser interface {
	DayClosed(ctx context.Context, day string) (bool, error)
}

// Calendar is a community's daily rhythm: when order days close and when
// their goods go out. The zero Calendar has no schedules: days close only
// when the cutoff job is run by hand (the demo), and what people are told
// leaves the times out.
type Calendar struct {
	// Cutoff closes order days (the cutoff job's schedule).
	Cutoff Schedule
	// Rounds are the delivery rounds (the roster job's schedules).
	Rounds Schedule
}

// Days is where a community's order days stand at one moment.
type Days struct {
	// Now is the moment, in the community's time zone.
	Now time.Time
	// Today is Now's calendar day, YYYY-MM-DD.
	Today string
	// Closed reports whether Today's cutoff has passed.
	Closed bool
	// Open is the order day of an order placed now: Today, or the next
	// day once Today is closed, or the day after when that one was closed
	// too (a cutoff run by hand after the day's cutoff, see MaxClosedAhead).
	Open string

	cal Calendar
}

// MaxClosedAhead is how many order days in a row, today first, may be
// closed: today by its cutoff, and tomorrow by a cutoff run by hand after
// today's (截单 now, when tomorrow is the open day). Orders then count
// for the day after tomorrow; nothing closes further ahead.
const MaxClosedAhead = 2

// At returns the days at now in loc, given whether now's calendar day is
// closed.
func (c Calendar) At(now time.Time, loc *time.Location, todayClosed bool) Days {
	closed := 0
	if todayClosed {
		closed = 1
	}
	return c.AtClosed(now, loc, closed)
}

// AtClosed returns the days at now in loc, given how many order days in
// a row, now's calendar day first, are closed (0 to MaxClosedAhead).
func (c Calendar) AtClosed(now time.Time, loc *time.Location, closed int) Days {
	now = now.In(loc)
	closed = min(max(closed, 0), MaxClosedAhead)
	d := Days{Now: now, Today: Day(now, loc), Closed: closed > 0, cal: c}
	d.Open = AddDays(d.Today, closed)
	return d
}

// Read returns the days at now in loc, asking s whether today is closed,
// and when it is, whether tomorrow is too.
func (c Calendar) Read(ctx context.Context, s DayCloser, now time.Time, loc *time.Location) (Days, error) {
	today, closed := Day(now, loc), 0
	for closed < MaxClosedAhead {
		ok, err := s.DayClosed(ctx, AddDays(today, closed))
		if err != nil {
			return Days{}, err
		}
		if !ok {
			break
		}
		closed++
	}
	return c.AtClosed(now, loc, closed), nil
}

// AddDays returns the order day n days after day (YYYY-MM-DD); a day that
// does not parse comes back unchanged.
func AddDays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// daysBetween is how many days b is after a (both YYYY-MM-DD).
func daysBetween(a, b string) int {
	ta, errA := time.Parse(time.DateOnly, a)
	tb, errB := time.Parse(time.DateOnly, b)
	if errA != nil || errB != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// LastClosed is the latest order day whose cutoff has passed: the day
// before Open (Today once it is closed, else yesterday). Its goods are
// being packed or are on their way: it is the pick list people mean when
// they give no date.
func (d Days) LastClosed() string {
	return AddDays(d.Open, -1)
}

// InView reports whether orders of day are among "today's orders" people
// see now: those of the day last closed (packed or out for delivery) and
// of the open day (still coming in). The two days are the same from the
// cutoff to midnight and from midnight to the cutoff, so what a lead sees
// does not jump at midnight. Undelivered orders of earlier days are still
// undelivered: callers show those too.
func (d Days) InView(day string) bool {
	return day == d.LastClosed() || day == d.Open
}

// DayNote is what people are told about one order day.
type DayNote struct {
	Day string
	// Offset is how many days Day is after today: 0 today, 1 tomorrow,
	// -1 yesterday.
	Offset int
	// Open: an order placed now counts for Day.
	Open bool
	// Closed: Day's cutoff has passed (days before today count as
	// closed).
	Closed bool
	// Cutoff is when Day closes on schedule; zero when no cutoff is
	// scheduled on Day.
	Cutoff time.Time
	// Delivery is the first delivery round after Day closes (after Day
	// ends when it has no scheduled cutoff); zero when no round is
	// scheduled.
	Delivery time.Time
	// Overdue: Delivery was on a day before today. Its orders still
	// undelivered go on the next round.
	Overdue bool
}

// Note describes order day day (YYYY-MM-DD) as seen at d.Now.
func (d Days) Note(day string) DayNote {
	n := DayNote{Day: day, Offset: daysBetween(d.Today, day), Open: day == d.Open}
	n.Closed = n.Offset < daysBetween(d.Today, d.Open) // before the open day
	loc := d.Now.Location()
	start, err := time.ParseInLocation(time.DateOnly, day, loc)
	if err != nil {
		return n
	}
	end := start.AddDate(0, 0, 1)
	if d.cal.Cutoff != nil {
		// Cron schedules count whole seconds: the first activation at or
		// after the day's start.
		if t := d.cal.Cutoff.Next(start.Add(-time.Second)); !t.IsZero() && t.Before(end) {
			n.Cutoff = t.In(loc)
		}
	}
	if d.cal.Rounds != nil {
		after := end.Add(-time.Second)
		if !n.Cutoff.IsZero() {
			after = n.Cutoff
		}
		if t := d.cal.Rounds.Next(after); !t.IsZero() {
			n.Delivery = t.In(loc)
			n.Overdue = Day(n.Delivery, loc) < d.Today
		}
	}
	return n
}
