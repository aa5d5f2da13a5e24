package orders

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
)

// ListLine is one household's line of a lead's list, already parsed.
type ListLine struct {
	Line int
	// Number is the entry's number in the 接龙 (0 when not numbered):
	// what the lead sees in the group chat.
	Number  int
	Address Address
	Items   []ItemRequest
	Contact string
	// Urgent: the line says 急 (see IsUrgent for the other reasons).
	Urgent bool
}

// ListRequest is one paste of a lead's 接龙 (or of a few order lines).
type ListRequest struct {
	Lead string
	// Buildings are the lead's; lines for other buildings are refused.
	Buildings []string
	// ListID names the list across re-pastes (see ListID).
	ListID string
	Lines  []ListLine
	// CancelMissing cancels the orders of households that were in the
	// list before and are not any more. It is set for whole 接龙 lists,
	// not for a lead's one-off order lines.
	CancelMissing bool
	At            time.Time
}

// ListOutcome says what happened to one line or household.
type ListOutcome string

// Outcomes of a paste.
const (
	OutcomeCreated   ListOutcome = "created"
	OutcomeUpdated   ListOutcome = "updated"
	OutcomeUnchanged ListOutcome = "unchanged"
	OutcomeCancelled ListOutcome = "cancelled"
	OutcomeRefused   ListOutcome = "refused"
	// OutcomeKept: the household left the list, but its order was kept
	// because the paste had unreadable lines (it may be one of them).
	OutcomeKept ListOutcome = "kept"
	// OutcomeDone: the household's order was already delivered or
	// cancelled, so the line changed nothing.
	OutcomeDone ListOutcome = "done"
	// OutcomeClosed: the household's order is past its day's cutoff (its
	// pick list has gone to the supplier) or out for delivery, so a change
	// or removal in the list was not applied.
	OutcomeClosed ListOutcome = "closed"
)

// ListResult is one household's outcome.
type ListResult struct {
	Line    int
	Number  int
	Address Address
	Outcome ListOutcome
	Order   Order
	// Err explains a refusal: a *ShortageError, or ErrForbidden for a
	// building that is not the lead's.
	Err error
}

// ListReport is everything a paste did, in line order, then cancellations.
type ListReport struct {
	Results []ListResult
}

// Count returns how many results had outcome o.
func (r ListReport) Count(o ListOutcome) int {
	n := 0
	for _, x := range r.Results {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// Lists applies pasted lists to orders through the Store, so that a list
// re-posted as it grows updates orders instead of adding to them.
type Lists struct {
	Store     Store
	Catalog   *catalog.Catalog
	Community *Community
	Location  *time.Location
}

// ListIdle is how long a list lives after its last paste. The same 接龙 is
// re-posted through an evening and the next morning; the same title a week
// later is a new list.
const ListIdle = 36 * time.Hour

// ListKey names a lead's list by its title; Store.ListFor turns it into
// the id of the list's current round.
func ListKey(lead, title string) string {
	h := sha1.Sum([]byte(lead + "\x00" + strings.TrimSpace(title)))
	return hex.EncodeToString(h[:8])
}

// NewListID is the id a list gets when its key starts a new round at at.
func NewListID(key string, at time.Time) string {
	return key + "-" + strconv.FormatInt(at.Unix(), 36)
}

// frozen reports whether a list may no longer change o: it is out for
// delivery or done, or its order day's cutoff has passed (the supplier
// packs from the pick list sent then).
func (l *Lists) frozen(ctx context.Context, o Order) (bool, error) {
	if o.Status == StatusAwaitingRx {
		return false, nil // on no pick list yet
	}
	if o.Status != StatusPending {
		return true, nil
	}
	return l.Store.DayClosed(ctx, o.Day)
}

// Apply places, updates and cancels orders so that the lead's list and the
// orders agree. Every household is one atomic step in the Store; one
// refused household does not stop the others. unreadable is the number of
// lines the parser could not read: when it is not zero, households missing
// from the list are kept, not cancelled. The error is for Store failures
// only; what was done before it is in the report.
func (l *Lists) Apply(ctx context.Context, req ListRequest, unreadable int) (ListReport, error) {
	var rep ListReport
	prev, err := l.Store.ListEntries(ctx, req.ListID)
	if err != nil {
		return rep, err
	}
	seen := map[string]bool{}
	for _, line := range req.Lines {
		res, err := l.applyLine(ctx, req, line, prev)
		if err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, res)
		if res.Outcome != OutcomeRefused || prev[line.Address.Household()].OrderID != "" {
			seen[line.Address.Household()] = true
		}
	}
	if !req.CancelMissing {
		return rep, nil
	}
	missing := make([]string, 0)
	for hh := range prev {
		if !seen[hh] {
			missing = append(missing, hh)
		}
	}
	sort.Strings(missing)
	for _, hh := range missing {
		e := prev[hh]
		addr, _ := ParseHousehold(hh)
		res := ListResult{Line: e.Line, Address: addr}
		cur, err := l.Store.Order(ctx, e.OrderID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return rep, err
		}
		if err == nil && cur.Status != StatusCancelled {
			frozen, err := l.frozen(ctx, cur)
			if err != nil {
				return rep, err
			}
			if frozen {
				res.Outcome, res.Order = OutcomeClosed, cur
				if cur.Status != StatusPending && cur.Status != StatusAssigned {
					res.Outcome = OutcomeDone
				}
				rep.Results = append(rep.Results, res)
				continue
			}
		}
		if unreadable > 0 {
			res.Outcome, res.Order = OutcomeKept, cur
			rep.Results = append(rep.Results, res)
			continue
		}
		o, err := l.Store.CancelOrder(ctx, e.OrderID, req.Lead, "接龙里删掉了", req.At)
		switch {
		case err == nil:
			res.Outcome, res.Order = OutcomeCancelled, o
		case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
			res.Outcome, res.Order = OutcomeDone, o
		default:
			return rep, err
		}
		if err := l.Store.DeleteListEntry(ctx, req.ListID, hh); err != nil {
			return rep, err
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

func (l *Lists) applyLine(ctx context.Context, req ListRequest, line ListLine, prev map[string]ListEntry) (ListResult, error) {
	res := ListResult{Line: line.Line, Number: line.Number, Address: line.Address}
	hh := line.Address.Household()
	grid, gerr := l.Community.Locate(line.Address)
	if gerr != nil || !Owns(req.Buildings, line.Address.Building) {
		res.Outcome, res.Err = OutcomeRefused, fmt.Errorf("building %s: %w", line.Address.Building, ErrForbidden)
		return res, nil
	}
	lines, total, err := Lines(l.Catalog, line.Items)
	if err != nil {
		res.Outcome, res.Err = OutcomeRefused, err
		return res, nil
	}
	entry := ListEntry{Household: hh, Line: line.Line}
	// The request id makes a retried or repeated paste of the same line
	// find the order it placed instead of placing another.
	requestID := "jl:" + req.ListID + ":" + hh + ":" + linesKey(lines)
	replaced := false
	if e, ok := prev[hh]; ok {
		o, err := l.Store.Order(ctx, e.OrderID)
		switch {
		case errors.Is(err, ErrNotFound):
			// Gone (expired): place it afresh below.
		case err != nil:
			return res, err
		case o.Status != StatusCancelled && SameLines(o.Lines, lines):
			res.Outcome, res.Order = OutcomeUnchanged, o
			if o.Status != StatusPending && o.Status != StatusAssigned && o.Status != StatusAwaitingRx {
				res.Outcome = OutcomeDone
			}
			entry.OrderID = o.ID
			return res, l.Store.SetListEntry(ctx, req.ListID, entry)
		case o.Status == StatusAwaitingRx:
			// Not packed and no photo yet: the changed line replaces it.
			if r, done, err := l.replace(ctx, req, o, res); done || err != nil {
				return r, err
			}
			replaced = true
		case o.Status == StatusAssigned:
			res.Outcome, res.Order = OutcomeClosed, o
			return res, nil
		case o.Status != StatusPending && o.Status != StatusCancelled:
			res.Outcome, res.Order = OutcomeDone, o
			return res, nil
		case o.Status == StatusPending:
			if closed, err := l.Store.DayClosed(ctx, o.Day); err != nil {
				return res, err
			} else if closed {
				res.Outcome, res.Order = OutcomeClosed, o
				return res, nil
			}
			if NeedsRx(l.Catalog, lines) && !SameLines(RxLines(l.Catalog, o.Lines), RxLines(l.Catalog, lines)) {
				// New prescription medicine needs its own photo or
				// review: the changed line replaces the order.
				if r, done, err := l.replace(ctx, req, o, res); done || err != nil {
					return r, err
				}
				replaced = true
				break
			}
			u, err := l.Store.UpdateLines(ctx, o.ID, lines, total, req.Lead, req.At)
			var short *ShortageError
			if errors.As(err, &short) {
				res.Outcome, res.Order, res.Err = OutcomeRefused, o, short
				return res, nil
			}
			if errors.Is(err, ErrConflict) {
				res.Outcome, res.Order = OutcomeDone, u
				return res, nil
			}
			if err != nil {
				return res, err
			}
			res.Outcome, res.Order = OutcomeUpdated, u
			entry.OrderID = u.ID
			return res, l.Store.SetListEntry(ctx, req.ListID, entry)
		}
		// Cancelled since (by the resident or a re-paste): a line that
		// is back in the list orders again, as a new request.
		requestID += ":after:" + e.OrderID
	}
	o, err := NewOrder(l.Catalog, line.Address, grid, line.Items, req.Lead, ChannelJielong, req.At, l.Location)
	if err != nil {
		res.Outcome, res.Err = OutcomeRefused, err
		return res, nil
	}
	days, err := l.Community.Calendar.Read(ctx, l.Store, req.At, l.Location)
	if err != nil {
		return res, err
	}
	o.Day = days.Open
	o.Contact, o.Source = line.Contact, req.ListID
	marks, err := l.Store.HouseholdMarks(ctx, hh)
	if err != nil {
		return res, err
	}
	o.Urgent = IsUrgent(l.Catalog, o.Lines, line.Urgent, marks)
	placed, created, err := l.Store.PlaceOrder(ctx, o, requestID)
	var short *ShortageError
	if errors.As(err, &short) {
		res.Outcome, res.Err = OutcomeRefused, short
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.Outcome, res.Order = OutcomeCreated, placed
	switch {
	case replaced:
		res.Outcome = OutcomeUpdated
	case !created:
		res.Outcome = OutcomeUnchanged
	}
	entry.OrderID = placed.ID
	return res, l.Store.SetListEntry(ctx, req.ListID, entry)
}

// replace cancels o, whose line changed in a way UpdateLines cannot apply
// (prescription medicine), so the caller places the line afresh. done is
// true, with the result to report, when o changed meanwhile.
func (l *Lists) replace(ctx context.Context, req ListRequest, o Order, res ListResult) (ListResult, bool, error) {
	c, err := l.Store.CancelOrder(ctx, o.ID, req.Lead, "接龙改了，换成新订单", req.At)
	if errors.Is(err, ErrConflict) {
		res.Outcome, res.Order = OutcomeDone, c
		if c.Status == StatusAssigned || c.Status == StatusPending {
			res.Outcome = OutcomeClosed
		}
		return res, true, nil
	}
	return res, err != nil, err
}

// linesKey is a stable text of what a line asks for.
func linesKey(lines []Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = l.SKU + "=" + strconv.Itoa(l.Qty)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Totals adds up the quantities of orders by item name, in catalog order.
func Totals(cat *catalog.Catalog, os []Order) []Line {
	qty := map[string]int{}
	for _, o := range os {
		if o.Status == StatusCancelled {
			continue
		}
		for _, l := range o.Lines {
			qty[l.SKU] += l.Qty
		}
	}
	var out []Line
	for _, it := range cat.Items {
		if n := qty[it.SKU]; n > 0 {
			out = append(out, Line{SKU: it.SKU, Name: it.Name, Qty: n, Unit: it.Unit, PriceFen: it.PriceFen})
		}
	}
	return out
}
