package orders

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
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
	// Note is the line's remark for the volunteer.
	Note string
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
	// OutcomeUnknown: the store failed while writing the household's
	// change (a timeout), so it may or may not have been made. Tried says
	// which change.
	OutcomeUnknown ListOutcome = "unknown"
	// OutcomeNotDone: the paste was interrupted before the household's
	// change was tried; nothing of it was written.
	OutcomeNotDone ListOutcome = "not_done"
	// OutcomeHeld: the household already has an order of the same goods
	// for the order day that the list did not place (the resident's own,
	// or someone else's; still to pack, on a round or delivered): the
	// line placed none, and Order is that order. It is not the list's: leaving the list does not cancel it,
	// and once it is cancelled a re-paste places the line.
	OutcomeHeld ListOutcome = "held"
)

// ListResult is one household's outcome.
type ListResult struct {
	Line    int
	Number  int
	Address Address
	Outcome ListOutcome
	// Tried is the change an OutcomeUnknown or OutcomeNotDone household
	// was to get: OutcomeCreated, OutcomeUpdated or OutcomeCancelled.
	Tried ListOutcome
	Order Order
	// Replaced is the order a changed line cancelled to place Order
	// afresh (prescription medicine changed), nil when none.
	Replaced *Order `json:"-"`
	// Others are the household's open orders for the same order day that
	// this list did not place (another of the lead's lists, the resident
	// themselves, anyone), when this line placed one more (its goods
	// differ): the lead decides whether both are wanted.
	Others []Order `json:"-"`
	// Err explains a refusal: a *ShortageError, ErrForbidden for a
	// building that is not the lead's, or a *ShapeError for an address
	// outside its building's shape (3栋9单元).
	Err error
}

// ListReport is everything a paste did, in line order, then cancellations.
type ListReport struct {
	Results []ListResult
	// Interrupted is set when the store failed after the paste began
	// writing: each line's result says what is known of it, and the
	// households that left the list were not looked at.
	Interrupted bool
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

// ListStore is what Lists needs of the store. A paste reads what it needs
// up front in a few calls, then writes households in line order, many to a
// call.
type ListStore interface {
	// ListEntries returns the households of a lead's 接龙 list as last
	// pasted, by household key.
	ListEntries(ctx context.Context, listID string) (map[string]ListEntry, error)
	// OrdersByID returns the orders with these ids, by id; ids of no
	// order are left out.
	OrdersByID(ctx context.Context, ids []string) (map[string]Order, error)
	// RecentOrders returns the orders of households placed at or after
	// since, by household (households with none are left out): a paste
	// finds there what another of the lead's lists, or the household
	// itself, ordered.
	RecentOrders(ctx context.Context, households []string, since time.Time) (map[string][]Order, error)
	// MarksOf returns the marks of those of households that have any.
	MarksOf(ctx context.Context, households []string) (map[string][]Mark, error)
	// DayClosed reports whether day's cutoff has passed.
	DayClosed(ctx context.Context, day string) (bool, error)
	// WriteList applies ws to list listID in their order, in one atomic
	// step named key. Each write records its entry in the list and, with
	// Place set, places the order as PlaceOrder does, with the same
	// checks: a household that cannot be served writes nothing of its own
	// and the others go on. A call under a key used before changes nothing
	// and returns what that call did.
	WriteList(ctx context.Context, key, listID string, ws []ListWrite) ([]ListWritten, error)
	// ListWritten returns what the WriteList call named key did, with
	// the same ws. When that call was not applied it returns ErrNotFound
	// and fences key off, so the call changes nothing should it reach the
	// store later: the answer holds.
	ListWritten(ctx context.Context, key string, ws []ListWrite) ([]ListWritten, error)
	// UpdateLines replaces the lines of a pending order, moving stock and
	// the household's limits by the difference only, atomically: a
	// *ShortageError (changing nothing) when an increase cannot be
	// served, ErrConflict when the order is not pending; its money is
	// rebalanced (see Order.Rebalance). CancelOrder is actions.OrderStore's
	// (ack nil here).
	UpdateLines(ctx context.Context, id string, lines []Line, totalFen int64, by string, at time.Time) (Order, error)
	CancelOrder(ctx context.Context, id, by, note string, at time.Time, ack *Ack) (Order, error)
}

// ListWrite is one household's write of a paste (see ListStore.WriteList).
type ListWrite struct {
	// Entry is recorded in the list. With Place set the store fills in
	// its OrderID: the placed order's, or the one placed before under
	// RequestID.
	Entry ListEntry
	// Place is an order to place, its ID left to the store; nil records
	// the entry only.
	Place     *Order
	RequestID string
}

// ListWritten is what one ListWrite did.
type ListWritten struct {
	// Order is the order placed, or the one placed before under the
	// request id (Created false); zero for an entry-only write.
	Order   Order
	Created bool
	// Err is a *ShortageError when the order could not be served;
	// nothing of that household was written.
	Err error
}

// Lists applies pasted lists to orders through the Store, so that a list
// re-posted as it grows updates orders instead of adding to them.
type Lists struct {
	Store     ListStore
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

// Apply places, updates and cancels orders so that the lead's list and the
// orders agree. Every household is one atomic step in the Store, taken in
// line order (an earlier line gets the last of the stock); one refused
// household does not stop the others. unreadable is the number of lines
// the parser could not read: when it is not zero, households missing from
// the list are kept, not cancelled. A household new to a 接龙 that
// another of the lead's lists ordered the same goods for, on the same
// order day, keeps that order (a title edited between two pastes makes
// another list); with other goods it is ordered again, and the result
// names the other orders (ListResult.Others).
//
// The error is for Store failures only. Before anything is written it
// comes with an empty report. Once writing has begun it comes with a
// report marked Interrupted that gives every line's outcome as far as it
// is known (OutcomeUnknown, OutcomeNotDone). A paste of the same list
// again completes it without doubling anything. When ctx has a deadline,
// writing stops in time to answer before it.
func (l *Lists) Apply(ctx context.Context, req ListRequest, unreadable int) (ListReport, error) {
	p, err := l.read(ctx, req)
	if err != nil {
		return ListReport{}, err
	}
	seen := map[string]bool{}
	for i, line := range req.Lines {
		p.line(ctx, i, line)
		if p.results[i].Outcome != OutcomeRefused || p.prev[line.Address.Household()].OrderID != "" {
			seen[line.Address.Household()] = true
		}
	}
	p.flush(ctx)
	if req.CancelMissing && p.err == nil {
		p.cancelMissing(ctx, seen, unreadable)
	}
	rep := ListReport{Results: p.results, Interrupted: p.err != nil}
	return rep, p.err
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

// Ordered adds up the quantities of the orders not cancelled, by SKU.
func Ordered(os []Order) map[string]int {
	qty := map[string]int{}
	for _, o := range os {
		if o.Status == StatusCancelled {
			continue
		}
		for _, l := range o.Lines {
			qty[l.SKU] += l.Qty
		}
	}
	return qty
}

// Totals adds up the quantities of orders by item name, in catalog order.
func Totals(cat *catalog.Catalog, os []Order) []Line {
	qty := Ordered(os)
	var out []Line
	for _, it := range cat.Items {
		if n := qty[it.SKU]; n > 0 {
			out = append(out, Line{SKU: it.SKU, Name: it.Name, Qty: n, Unit: it.Unit, PriceFen: it.PriceFen})
		}
	}
	return out
}
