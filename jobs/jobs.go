// Package jobs holds baogong's scheduled work: the order cutoff, delivery
// rosters for each grid's volunteers and pick lists for suppliers. Each job
// is a plain function of (ctx, slot) that may run any number of times for
// a slot, on any number of replicas: what it publishes goes out once.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
)

// Job names, as in config schedules, the API and the CLI.
const (
	Cutoff   = "cutoff"
	Roster   = "roster"
	Picklist = "picklist"
	// Urgent watches urgent orders; it runs every minute (see urgent.go).
	Urgent = "urgent"
	// Bindings tells leads which households of their buildings were
	// bound for the first time (see bindings.go).
	Bindings = "bindings"
	// Restock tells those waiting for an item (到货通知) it is back; it
	// runs every minute (see restock.go).
	Restock = "restock"
	// Privacy strips the personal fields of orders settled longer ago
	// than the retention period; it runs daily (see privacy.go).
	Privacy = "privacy"
	// Unreached tells staff who cannot be reached (see unreached.go);
	// it runs hourly.
	Unreached = "unreached"
)

// Names lists the jobs.
var Names = []string{Cutoff, Picklist, Roster, Urgent, Bindings, Restock, Privacy, Unreached}

// Frequent are the jobs that run on fixed schedules of their own, beside
// the config's: the urgent watch and 到货通知 every minute, the bindings
// digest every half hour (its cursor in Redis makes up for slots missed),
// the retention of personal data at night (a missed night is made up the
// next: it takes everything older than the period), who cannot be reached
// hourly. A missed slot needs no replay, so CatchUp is not given these.
var Frequent = Schedules{Urgent: {"* * * * *"}, Bindings: {"*/30 * * * *"}, Restock: {"* * * * *"}, Privacy: {"40 3 * * *"}, Unreached: {"20 * * * *"}}

// Notice is a message to one WeChat user. Its ID makes it idempotent: a
// notice with an ID that was queued before is not sent again.
type Notice = orders.Notice

// Notifier queues notices (package outbox).
type Notifier interface {
	Enqueue(ctx context.Context, ns ...orders.Notice) error
}

// Links makes the signed, expiring links sent in messages.
type Links interface {
	Roster(grid string, slot time.Time, volunteer string) string
	Picklist(supplier, day string) string
}

// Runner runs jobs. Its fields are its dependencies, wired in cmd.
type Runner struct {
	Store     Store
	Catalog   *catalog.Catalog
	Community *orders.Community
	Location  *time.Location
	Notify    Notifier
	Links     Links
	Log       *slog.Logger
	Now       func() time.Time
	// Observe, when set, hears of every run as it ends (the console's
	// history, metrics). It must not block for long.
	Observe func(ctx context.Context, run orders.JobRun)
	// Named is set when the account serves several communities: a
	// supplier serving more than one is told which community a pick list
	// is for.
	Named bool
	// Reach, when set, lists who cannot be reached (the outbox; see
	// unreached.go).
	Reach UnreachedLister
}

// Result is what one run of a job did, for the API, the CLI and the log.
type Result struct {
	Job  string    `json:"job"`
	Slot time.Time `json:"slot"`
	Day  string    `json:"day"`
	// Published is true when this run published the slot, false when an
	// earlier run (here or on another replica) had already.
	Published bool        `json:"published"`
	Grids     []GridRun   `json:"grids,omitempty"`
	Suppliers []SupplyRun `json:"suppliers,omitempty"`
	// Pushed and Escalated are the ids of the urgent orders the urgent
	// job pushed to their grid's team (late: they became pending after
	// they were placed) and to the community's admins.
	Pushed    []string `json:"pushed,omitempty"`
	Escalated []string `json:"escalated,omitempty"`
	// Bound are the households of the bindings digest.
	Bound []string `json:"bound,omitempty"`
	// Restocked are the items whose waiters the restock job told.
	Restocked []RestockRun `json:"restocked,omitempty"`
	// Redacted is how many orders the privacy job stripped of their
	// personal fields.
	Redacted int `json:"redacted,omitempty"`
	// Unreached are who the unreached job found nothing could reach.
	Unreached []string `json:"unreached,omitempty"`
}

// GridRun is one grid's roster in a Result.
type GridRun struct {
	Grid      string     `json:"grid"`
	Published bool       `json:"published"`
	Stops     int        `json:"stops"`
	Shares    []ShareRun `json:"shares"`
	// Leads are the leads told what is coming to their buildings; a lead
	// whose list holds nothing new is not told again.
	Leads []string `json:"leads,omitempty"`
}

// ShareRun is one volunteer's part of a roster.
type ShareRun struct {
	Volunteer string `json:"volunteer"`
	Stops     int    `json:"stops"`
	Link      string `json:"link"`
	// Told: the volunteer was sent the list. A list with nothing they
	// were not told before (stops carried over only) is not sent again.
	Told bool `json:"told"`
}

// SupplyRun is one supplier's pick list in a Result.
type SupplyRun struct {
	Supplier  string        `json:"supplier"`
	Published bool          `json:"published"`
	Totals    []orders.Line `json:"totals"`
	Link      string        `json:"link"`
	Notified  string        `json:"notified,omitempty"`
}

// ErrUnknownJob is returned for a job name that does not exist.
var ErrUnknownJob = errors.New("unknown job")

// Run runs job name for slot. Who started it is read from ctx (see By).
// While the office purges personal data it waits (see Gate).
func (r *Runner) Run(ctx context.Context, name string, slot time.Time) (Result, error) {
	leave, err := r.enter(ctx, name)
	if err != nil {
		return Result{Job: name, Slot: slot}, err
	}
	defer leave()
	return r.run(ctx, name, slot)
}

func (r *Runner) run(ctx context.Context, name string, slot time.Time) (Result, error) {
	slot = slot.In(r.Location).Truncate(time.Minute)
	var (
		res Result
		err error
	)
	switch name {
	case Cutoff:
		res, err = r.cutoff(ctx, slot)
	case Roster:
		res, err = r.roster(ctx, slot)
	case Picklist:
		res, err = r.picklist(ctx, slot)
	case Urgent:
		res, err = r.urgent(ctx, slot)
	case Bindings:
		res, err = r.bindings(ctx, slot)
	case Restock:
		res, err = r.restock(ctx, slot)
	case Privacy:
		res, err = r.privacy(ctx, slot)
	case Unreached:
		res, err = r.unreached(ctx, slot)
	default:
		return Result{}, fmt.Errorf("%q: %w", name, ErrUnknownJob)
	}
	r.observe(ctx, name, slot, res, err)
	return res, err
}

// observe tells Observe (when set) of a run.
func (r *Runner) observe(ctx context.Context, name string, slot time.Time, res Result, err error) {
	if r.Observe == nil {
		return
	}
	run := orders.JobRun{Job: name, Slot: slot, At: r.Now(), How: startedBy(ctx), Published: res.Published}
	if err != nil {
		run.Error = err.Error()
	}
	run.Result, _ = json.Marshal(res)
	r.Observe(ctx, run)
}

// howKey carries who started a run in its context.
type howKey struct{}

// By returns ctx marking the job runs started with it as started by how:
// "scheduled", "catch-up", "api", "console", "cli".
func By(ctx context.Context, how string) context.Context {
	return context.WithValue(ctx, howKey{}, how)
}

func startedBy(ctx context.Context) string {
	how, _ := ctx.Value(howKey{}).(string)
	return how
}

// cutoff closes the order day of slot: orders placed after it count for
// the next day.
func (r *Runner) cutoff(ctx context.Context, slot time.Time) (Result, error) {
	day := orders.Day(slot, r.Location)
	if day > orders.Day(r.Now(), r.Location) {
		return Result{Job: Cutoff, Slot: slot, Day: day}, fmt.Errorf("cutoff of %s: %w", day, ErrAhead)
	}
	first, err := r.Store.CloseDay(ctx, day, slot)
	if err != nil {
		return Result{}, err
	}
	return Result{Job: Cutoff, Slot: slot, Day: day, Published: first}, nil
}

// Schedules maps job names to cron specs (several for rosters: one per
// delivery slot).
type Schedules map[string][]string

// Parser reads the standard five-field specs of the config.
var Parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Validate parses every spec.
func (s Schedules) Validate() error {
	for name, specs := range s {
		for _, spec := range specs {
			if _, err := Parser.Parse(spec); err != nil {
				return fmt.Errorf("schedules.%s: %q: %w", name, spec, err)
			}
		}
	}
	return nil
}

// Add schedules every job on c. A job gets its scheduled time as its
// slot, so a run that starts late is still the same slot.
func (r *Runner) Add(c *cron.Cron, s Schedules, ctx context.Context) error {
	for name, specs := range s {
		for _, spec := range specs {
			sched, err := Parser.Parse(spec)
			if err != nil {
				return fmt.Errorf("schedules.%s: %q: %w", name, spec, err)
			}
			c.Schedule(sched, cron.FuncJob(func() {
				// The slot is the scheduled time, not the clock: a run
				// that starts late (a busy machine, a long job before it)
				// is still the same slot, published once.
				slot := CurrentSlot([]string{spec}, r.Now(), r.Location)
				res, err := r.Run(By(ctx, "scheduled"), name, slot)
				r.logRun(res, err, "scheduled")
			}))
		}
	}
	return nil
}

// CatchUp runs every slot of today, up to now, of every schedule, oldest
// first: a replica that was down at a scheduled time publishes the slot
// when it starts, and slots published already stay as they were. Time
// order matters: a replica starting at 20:30 publishes the 13:00 roster
// before it closes the day, so that round does not take orders the
// cutoff (20:00) only later closed.
func (r *Runner) CatchUp(ctx context.Context, s Schedules) {
	now := r.Now().In(r.Location)
	type run struct {
		name string
		slot time.Time
	}
	var runs []run
	for _, name := range Names {
		for _, slot := range SlotsToday(s[name], now, r.Location) {
			runs = append(runs, run{name, slot})
		}
	}
	// Stable: at the same minute the cutoff goes first, then the pick
	// list, then the roster (the order of Names).
	slices.SortStableFunc(runs, func(a, b run) int { return a.slot.Compare(b.slot) })
	for _, x := range runs {
		res, err := r.Run(By(ctx, "catch-up"), x.name, x.slot)
		r.logRun(res, err, "catch-up")
	}
}

// Calendar is the community's rhythm of order days as the schedules set
// it: the cutoff closes order days, and the roster's slots are the
// delivery rounds.
func (s Schedules) Calendar() orders.Calendar {
	return orders.Calendar{Cutoff: s.schedule(Cutoff), Rounds: s.schedule(Roster)}
}

// schedule is every spec of job name as one schedule, or nil when it has
// none.
func (s Schedules) schedule(name string) orders.Schedule {
	var all anyOf
	for _, spec := range s[name] {
		if sched, err := Parser.Parse(spec); err == nil {
			all = append(all, sched)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return &nextMemo{s: all}
}

// nextMemo remembers a schedule's last answer. Every order message asks
// when its day closes and goes out, from the same time all day (see
// orders.Days.Note), and cron's Next walks the calendar field by field
// each time: 3 % of a message's CPU.
type nextMemo struct {
	s    orders.Schedule
	last atomic.Pointer[nextAnswer]
}

type nextAnswer struct{ t, next time.Time }

// Next implements orders.Schedule.
func (m *nextMemo) Next(t time.Time) time.Time {
	// The same instant in another zone may have another answer: cron
	// reads the fields of t in its zone.
	if a := m.last.Load(); a != nil && a.t.Equal(t) && a.t.Location() == t.Location() {
		return a.next
	}
	next := m.s.Next(t)
	m.last.Store(&nextAnswer{t, next})
	return next
}

// anyOf fires whenever one of its schedules does.
type anyOf []cron.Schedule

// Next implements orders.Schedule.
func (a anyOf) Next(t time.Time) time.Time {
	var first time.Time
	for _, s := range a {
		if n := s.Next(t); !n.IsZero() && (first.IsZero() || n.Before(first)) {
			first = n
		}
	}
	return first
}

// SlotsToday returns the scheduled times of specs from the start of now's
// day up to now, oldest first.
func SlotsToday(specs []string, now time.Time, loc *time.Location) []time.Time {
	y, m, d := now.In(loc).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, loc).Add(-time.Second)
	var out []time.Time
	for _, spec := range specs {
		sched, err := Parser.Parse(spec)
		if err != nil {
			continue
		}
		for t := sched.Next(start); !t.After(now); t = sched.Next(t) {
			out = append(out, t)
		}
	}
	sortTimes(out)
	return out
}

// CurrentSlot is the latest scheduled time of specs at or before now
// (looking back two days), or now itself when there is none.
func CurrentSlot(specs []string, now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	var best time.Time
	for _, spec := range specs {
		sched, err := Parser.Parse(spec)
		if err != nil {
			continue
		}
		for t := sched.Next(now.Add(-48 * time.Hour)); !t.After(now); t = sched.Next(t) {
			if t.After(best) {
				best = t
			}
		}
	}
	if best.IsZero() {
		return now.Truncate(time.Minute)
	}
	return best
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

func (r *Runner) logRun(res Result, err error, how string) {
	if err != nil {
		r.Log.Error("job failed", "job", res.Job, "how", how, "err", err)
		return
	}
	if (res.Job == Urgent || res.Job == Bindings || res.Job == Restock || res.Job == Unreached) && !res.Published {
		return // every minute, mostly with nothing to do
	}
	r.Log.Info("job ran", "job", res.Job, "how", how, "slot", res.Slot, "published", res.Published)
}
