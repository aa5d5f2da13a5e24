package orders

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// How a paste writes: everything it needs is read up front in a handful of
// calls; then households go to the store in line order, listBatch to a
// call (ListStore.WriteList), each call one atomic step with a name. When
// a call fails, the paste asks once what that call did (ListStore.
// ListWritten, which fences the call off when it did nothing), so the lead
// hears for each household whether it was ordered, was not, or, when the
// store does not answer in time, may have been. Nothing is written after a
// failure: the lead pastes the list again, which completes it without
// doubles (request ids and list entries).

const (
	// listBatch is how many households go to the store in one call: a
	// thousand-household paste takes ten, and a call cut short leaves at
	// most this many households in doubt.
	listBatch = 100
	// listReplyReserve is the part of a paste's deadline kept for the
	// reply: no write is started or waited for after that.
	listReplyReserve = time.Second
	// listAnswerReserve is the part kept when asking what an interrupted
	// write did.
	listAnswerReserve = 300 * time.Millisecond
)

// paste is one Apply under way: what it read up front, the results so far
// (one per line, then the households that left the list), and the writes
// queued for the next call to the store.
type paste struct {
	l     *Lists
	req   ListRequest
	prev  map[string]ListEntry // the list as last pasted
	cur   map[string]Order     // the orders of prev, by id
	marks map[string][]Mark    // of the households in the paste
	// others are the orders for the order day, not cancelled, that the
	// list did not place, of the households it would place an order for
	// (see adopt).
	others  map[string][]Order
	closed  map[string]bool // order days whose cutoff has passed
	day     string          // the order day of new orders
	results []ListResult
	queued  []queuedWrite
	name    string // of this paste's calls: list id and a random part
	calls   int
	// writeBy and answerBy are zero when ctx has no deadline.
	writeBy, answerBy time.Time
	err               error // the first failure: nothing is written after it
}

// queuedWrite is a write waiting for the next call; line is the index of
// its result, -1 for an entry-only write that changes no outcome.
type queuedWrite struct {
	line int
	w    ListWrite
}

// read starts a paste: the list as last pasted, its orders, the order day,
// closed days and the households' marks.
func (l *Lists) read(ctx context.Context, req ListRequest) (*paste, error) {
	p := &paste{
		l: l, req: req, closed: map[string]bool{},
		results: make([]ListResult, len(req.Lines)),
		name:    req.ListID + ":" + rand.Text()[:10],
	}
	if d, ok := ctx.Deadline(); ok {
		p.writeBy, p.answerBy = d.Add(-listReplyReserve), d.Add(-listAnswerReserve)
	}
	var err error
	p.prev, err = callBounded(ctx, p.writeBy, func(ctx context.Context) (map[string]ListEntry, error) {
		return l.Store.ListEntries(ctx, req.ListID)
	})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(p.prev))
	for _, e := range p.prev {
		ids = append(ids, e.OrderID)
	}
	p.cur = map[string]Order{}
	if len(ids) > 0 {
		if p.cur, err = callBounded(ctx, p.writeBy, func(ctx context.Context) (map[string]Order, error) {
			return l.Store.OrdersByID(ctx, ids)
		}); err != nil {
			return nil, err
		}
	}
	days, err := callBounded(ctx, p.writeBy, func(ctx context.Context) (Days, error) {
		return l.Community.Calendar.Read(ctx, l.Store, req.At, l.Location)
	})
	if err != nil {
		return nil, err
	}
	p.day = days.Open
	today := Day(req.At, l.Location)
	p.closed[today] = p.day != today
	for _, o := range p.cur {
		if _, ok := p.closed[o.Day]; ok || o.Status != StatusPending {
			continue
		}
		if p.closed[o.Day], err = callBounded(ctx, p.writeBy, func(ctx context.Context) (bool, error) {
			return l.Store.DayClosed(ctx, o.Day)
		}); err != nil {
			return nil, err
		}
	}
	hhs := make([]string, len(req.Lines))
	for i, line := range req.Lines {
		hhs[i] = line.Address.Household()
	}
	if p.marks, err = callBounded(ctx, p.writeBy, func(ctx context.Context) (map[string][]Mark, error) {
		return l.Store.MarksOf(ctx, hhs)
	}); err != nil {
		return nil, err
	}
	if p.others, err = p.otherLists(ctx, hhs); err != nil {
		return nil, err
	}
	return p, nil
}

// otherLists reads the open orders for the order day that the list did
// not place, of the households of a 接龙 it has no open order for (new
// to it, or theirs cancelled): a list re-pasted under an edited title
// (3栋团购 → 3栋团购（更新）) is another list, and a resident on the list
// may have ordered from their own WeChat; either would be ordered for a
// second time.
func (p *paste) otherLists(ctx context.Context, hhs []string) (map[string][]Order, error) {
	if !p.req.CancelMissing {
		return nil, nil // a lead's one-off lines add to what is there
	}
	var fresh []string
	for _, hh := range hhs {
		e, ok := p.prev[hh]
		if o, found := p.cur[e.OrderID]; !ok || !found || o.Status == StatusCancelled {
			fresh = append(fresh, hh)
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	recent, err := callBounded(ctx, p.writeBy, func(ctx context.Context) (map[string][]Order, error) {
		return p.l.Store.RecentOrders(ctx, fresh, p.req.At.Add(-ListIdle))
	})
	if err != nil {
		return nil, err
	}
	// The list's days: the order day, and those of its orders (a list
	// re-pasted after the cutoff leaves the closed day's orders as they
	// are, and orders none of them again for the next day).
	days := map[string]bool{p.day: true}
	for _, o := range p.cur {
		days[o.Day] = true
	}
	out := map[string][]Order{}
	for hh, os := range recent {
		for _, o := range os {
			// Delivered or on a round counts too: the household has
			// the day's goods (a list line whose order was delivered
			// places none either).
			if o.Status != StatusCancelled && days[o.Day] && o.Source != p.req.ListID {
				out[hh] = append(out[hh], o)
			}
		}
	}
	return out, nil
}

// kept is the outcome of a line whose order o stays as it is: unchanged
// while it is still to deliver, done once delivered.
func kept(o Order) ListOutcome {
	if unpacked(o) || o.Status == StatusAssigned {
		return OutcomeUnchanged
	}
	return OutcomeDone
}

// unpacked reports whether o is still to be packed: it may be cancelled
// for another (pending, or awaiting its prescription).
func unpacked(o Order) bool { return o.Status == StatusPending || o.Status == StatusAwaitingRx }

// adopt settles line i of a household the list has no open order for
// that already has one of the same goods for one of the list's days (not
// cancelled: one delivered or on a round holds the line too). Another of
// the lead's lists placed it: the list takes it over (unchanged) instead
// of placing it again. Anyone else did (the resident from their own
// WeChat): it stays theirs and the line places nothing (OutcomeHeld; no
// entry, so a re-paste looks again). Other orders of theirs are named in
// the result, and the line is placed as it says. It reports whether the
// line is settled.
func (p *paste) adopt(ctx context.Context, i int, lines []Line, entry ListEntry, res *ListResult) bool {
	others := p.others[entry.Household]
	for _, mine := range []bool{true, false} {
		for _, o := range others {
			if !SameLines(o.Lines, lines) || p.leadsList(o) != mine {
				continue
			}
			res.Outcome, res.Order = OutcomeHeld, o
			if mine {
				res.Outcome = kept(o) // as a line of its own list
				entry.OrderID = o.ID
				p.queue(ctx, -1, ListWrite{Entry: entry})
			}
			p.results[i] = *res
			return true
		}
	}
	for _, o := range others {
		if unpacked(o) && o.Day == p.day {
			res.Others = append(res.Others, o)
		}
	}
	return false
}

// leadsList reports whether another of the lead's lists placed o.
func (p *paste) leadsList(o Order) bool {
	return o.PlacedBy == p.req.Lead && o.Channel == ChannelJielong && o.Source != p.req.ListID
}

// line decides what line i of the paste does and queues or makes its write.
func (p *paste) line(ctx context.Context, i int, line ListLine) {
	l, req := p.l, p.req
	res := ListResult{Line: line.Line, Number: line.Number, Address: line.Address}
	hh := line.Address.Household()
	grid, gerr := l.Community.Locate(line.Address)
	var shape *ShapeError
	switch {
	case errors.As(gerr, &shape) && Owns(req.Buildings, line.Address.Building):
		res.Outcome, res.Err = OutcomeRefused, gerr // 3栋9单元: the reason says why
		p.results[i] = res
		return
	case gerr != nil || !Owns(req.Buildings, line.Address.Building):
		res.Outcome, res.Err = OutcomeRefused, fmt.Errorf("building %s: %w", line.Address.Building, ErrForbidden)
		p.results[i] = res
		return
	}
	lines, total, err := Lines(l.Catalog, line.Items)
	if err != nil {
		res.Outcome, res.Err = OutcomeRefused, err
		p.results[i] = res
		return
	}
	entry := ListEntry{Household: hh, Line: line.Line}
	// The request id makes a retried or repeated paste of the same line
	// find the order it placed instead of placing another.
	requestID := "jl:" + req.ListID + ":" + hh + ":" + linesKey(lines)
	replaced := false
	if e, ok := p.prev[hh]; ok {
		o, found := p.cur[e.OrderID]
		switch {
		case !found:
			// Gone (expired): place it afresh below.
		case o.Status == StatusCancelled && !leftTheList(o) && SameLines(o.Lines, lines):
			// Cancelled by someone (the household, the lead's 取消 1003,
			// the office), not by the list: the same line pasted again
			// is the list as it was, not a new order. A changed line,
			// or a household the list took out and put back, orders
			// again below.
			res.Outcome, res.Order = OutcomeDone, o
			p.results[i] = res
			return
		case o.Status != StatusCancelled && SameLines(o.Lines, lines):
			res.Outcome, res.Order = kept(o), o
			p.results[i] = res
			entry.OrderID = o.ID
			if entry != e { // its line moved
				p.queue(ctx, -1, ListWrite{Entry: entry})
			}
			return
		case o.Status == StatusAwaitingRx:
			// Not packed and no photo yet: the changed line replaces it.
			c, ok := p.replace(ctx, i, o, res)
			if !ok {
				return
			}
			replaced, res.Replaced = true, &c
		case o.Status == StatusAssigned:
			res.Outcome, res.Order = OutcomeClosed, o
			p.results[i] = res
			return
		case o.Status != StatusPending && o.Status != StatusCancelled:
			res.Outcome, res.Order = OutcomeDone, o
			p.results[i] = res
			return
		case o.Status == StatusPending:
			if p.closed[o.Day] {
				res.Outcome, res.Order = OutcomeClosed, o
				p.results[i] = res
				return
			}
			if NeedsRx(l.Catalog, lines) && !SameLines(RxLines(l.Catalog, o.Lines), RxLines(l.Catalog, lines)) {
				// New prescription medicine needs its own photo or
				// review: the changed line replaces the order.
				c, ok := p.replace(ctx, i, o, res)
				if !ok {
					return
				}
				replaced, res.Replaced = true, &c
				break
			}
			p.update(ctx, i, o, lines, total, res)
			entry.OrderID = o.ID
			if entry != e && p.results[i].Outcome == OutcomeUpdated {
				p.queue(ctx, -1, ListWrite{Entry: entry})
			}
			return
		}
		// Cancelled since (by the resident or a re-paste): a line that
		// is back in the list orders again, as a new request.
		requestID += ":after:" + e.OrderID
	}
	if !replaced && p.adopt(ctx, i, lines, entry, &res) {
		return
	}
	o, err := NewOrder(l.Catalog, line.Address, grid, line.Items, req.Lead, ChannelJielong, req.At, l.Location)
	if err != nil {
		res.Outcome, res.Err = OutcomeRefused, err
		p.results[i] = res
		return
	}
	o.Day = p.day
	o.Contact, o.Source, o.Note = line.Contact, req.ListID, line.Note
	o.Urgent = IsUrgent(l.Catalog, o.Lines, line.Urgent, p.marks[hh])
	res.Outcome, res.Tried = OutcomeNotDone, OutcomeCreated
	if replaced {
		res.Tried = OutcomeUpdated
	}
	p.results[i] = res
	p.queue(ctx, i, ListWrite{Entry: entry, Place: &o, RequestID: requestID})
}

// removedFromList is the note of a cancel made because the household
// left the list (see cancelMissing).
const removedFromList = "接龙里删掉了"

// leftTheList says whether o was cancelled because its household left the
// list (and so orders again when it comes back).
func leftTheList(o Order) bool {
	for i := len(o.History) - 1; i >= 0; i-- {
		if o.History[i].Status == StatusCancelled {
			return o.History[i].Note == removedFromList
		}
	}
	return false
}

// cancelMissing cancels the orders of households that were in the list
// and are not any more.
func (p *paste) cancelMissing(ctx context.Context, seen map[string]bool, unreadable int) {
	missing := make([]string, 0)
	for hh := range p.prev {
		if !seen[hh] {
			missing = append(missing, hh)
		}
	}
	sort.Strings(missing)
	for _, hh := range missing {
		e := p.prev[hh]
		cur, found := p.cur[e.OrderID]
		if !found || cur.Status == StatusCancelled {
			continue // cancelled when it left, or since: nothing to say
		}
		addr, _ := ParseHousehold(hh)
		res := ListResult{Line: e.Line, Address: addr, Order: cur}
		switch {
		case p.frozen(cur):
			res.Outcome = OutcomeClosed
			if cur.Status != StatusPending && cur.Status != StatusAssigned {
				res.Outcome = OutcomeDone
			}
		case unreadable > 0:
			res.Outcome = OutcomeKept
		case !p.canWrite():
			return
		default:
			// The entry stays, naming the cancelled order: should the
			// household come back, it orders again as a new request.
			o, err := callBounded(ctx, p.writeBy, func(ctx context.Context) (Order, error) {
				return p.l.Store.CancelOrder(ctx, e.OrderID, p.req.Lead, removedFromList, p.req.At, nil)
			})
			switch {
			case err == nil:
				res.Outcome, res.Order = OutcomeCancelled, o
			case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
				res.Outcome, res.Order = OutcomeDone, o
			default:
				res.Outcome, res.Tried = OutcomeUnknown, OutcomeCancelled
				p.results = append(p.results, res)
				p.fail(err)
				return
			}
		}
		p.results = append(p.results, res)
	}
}

// frozen reports whether a list may no longer change o: it is out for
// delivery or done, or its order day's cutoff has passed (the supplier
// packs from the pick list sent then).
func (p *paste) frozen(o Order) bool {
	if o.Status == StatusAwaitingRx {
		return false // on no pick list yet
	}
	return o.Status != StatusPending || p.closed[o.Day]
}

// replace cancels o, whose line changed in a way UpdateLines cannot apply
// (prescription medicine), so the caller places the line afresh, and
// returns it cancelled. It reports false, with line i's result set, when
// the caller must not: o changed meanwhile, or the paste stopped.
func (p *paste) replace(ctx context.Context, i int, o Order, res ListResult) (Order, bool) {
	if !p.flush(ctx) || !p.canWrite() {
		res.Outcome, res.Tried = OutcomeNotDone, OutcomeUpdated
		p.results[i] = res
		return o, false
	}
	c, err := callBounded(ctx, p.writeBy, func(ctx context.Context) (Order, error) {
		return p.l.Store.CancelOrder(ctx, o.ID, p.req.Lead, "接龙改了，换成新订单", p.req.At, nil)
	})
	switch {
	case errors.Is(err, ErrConflict):
		res.Outcome, res.Order = OutcomeDone, c
		if c.Status == StatusAssigned || c.Status == StatusPending {
			res.Outcome = OutcomeClosed
		}
	case err != nil:
		res.Outcome, res.Tried, res.Order = OutcomeUnknown, OutcomeUpdated, o
		p.fail(err)
	default:
		return c, true
	}
	p.results[i] = res
	return c, false
}

// update changes the lines of pending order o for line i.
func (p *paste) update(ctx context.Context, i int, o Order, lines []Line, total int64, res ListResult) {
	if !p.flush(ctx) || !p.canWrite() {
		res.Outcome, res.Tried = OutcomeNotDone, OutcomeUpdated
		p.results[i] = res
		return
	}
	u, err := callBounded(ctx, p.writeBy, func(ctx context.Context) (Order, error) {
		return p.l.Store.UpdateLines(ctx, o.ID, lines, total, p.req.Lead, p.req.At)
	})
	var short *ShortageError
	switch {
	case errors.As(err, &short):
		res.Outcome, res.Order, res.Err = OutcomeRefused, o, short
	case errors.Is(err, ErrConflict):
		res.Outcome, res.Order = OutcomeDone, u
	case err != nil:
		res.Outcome, res.Tried, res.Order = OutcomeUnknown, OutcomeUpdated, o
		p.fail(err)
	default:
		res.Outcome, res.Order = OutcomeUpdated, u
	}
	p.results[i] = res
}

// queue adds a write for line i (-1: none) to the next call.
func (p *paste) queue(ctx context.Context, i int, w ListWrite) {
	p.queued = append(p.queued, queuedWrite{i, w})
	if len(p.queued) >= listBatch {
		p.flush(ctx)
	}
}

// fail records the paste's first failure.
func (p *paste) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// canWrite reports whether a write may start: the paste has not failed
// and is not past writeBy (which counts as failing).
func (p *paste) canWrite() bool {
	if p.err == nil && !p.writeBy.IsZero() && !time.Now().Before(p.writeBy) {
		p.fail(fmt.Errorf("paste out of time after %d calls: %w", p.calls, context.DeadlineExceeded))
	}
	return p.err == nil
}

// flush writes the queued writes in one call and sets their lines'
// results. It reports whether the paste goes on. Once it has failed,
// queued households stay OutcomeNotDone.
func (p *paste) flush(ctx context.Context) bool {
	q := p.queued
	p.queued = nil
	if len(q) == 0 || !p.canWrite() {
		return p.err == nil
	}
	ws := make([]ListWrite, len(q))
	for k := range q {
		ws[k] = q[k].w
	}
	key := p.name + ":" + strconv.Itoa(p.calls)
	p.calls++
	done, err := callBounded(ctx, p.writeBy, func(ctx context.Context) ([]ListWritten, error) {
		return p.l.Store.WriteList(ctx, key, p.req.ListID, ws)
	})
	if err != nil {
		p.fail(err)
		done, err = callBounded(ctx, p.answerBy, func(ctx context.Context) ([]ListWritten, error) {
			return p.l.Store.ListWritten(ctx, key, ws)
		})
		switch {
		case errors.Is(err, ErrNotFound):
			return false // not written, and now never will be
		case err != nil:
			for _, x := range q {
				if x.line >= 0 {
					p.results[x.line].Outcome = OutcomeUnknown
				}
			}
			return false
		}
	}
	for k, x := range q {
		if x.line < 0 {
			continue
		}
		r, d := &p.results[x.line], done[k]
		switch {
		case d.Err != nil:
			r.Outcome, r.Err = OutcomeRefused, d.Err
		case r.Tried == OutcomeUpdated: // a replaced order
			r.Outcome = OutcomeUpdated
		case d.Created:
			r.Outcome = OutcomeCreated
		default: // placed before under the same request id
			r.Outcome = OutcomeUnchanged
		}
		r.Tried, r.Order = "", d.Order
	}
	return p.err == nil
}

// callBounded runs f with a context ending at by (when not zero) and
// returns when f does or that context ends, whichever comes first. Redis
// clients may hold a call to a frozen server for their read timeout and
// retries whatever the context says; a paste must still answer the lead in
// time. A call given up on may complete later: its outcome is unknown.
func callBounded[T any](ctx context.Context, by time.Time, f func(context.Context) (T, error)) (T, error) {
	if by.IsZero() {
		return f(ctx)
	}
	ctx, cancel := context.WithDeadline(ctx, by)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		select {
		case r := <-ch:
			return r.v, r.err
		default:
		}
		var zero T
		return zero, fmt.Errorf("store did not answer in time: %w", ctx.Err())
	}
}
