package orders

import (
	"fmt"
	"sort"
	"time"
)

// A shortfall is what a supplier cannot pack of an item for an order day
// (缺货 蔬菜包 20): the supermarket got 80 of the 100 packs ordered.
// baogong decides which households go without, by a rule anyone can
// check: vulnerable households (marked) and free packs last, then the
// latest orders first, and within an order as many units as needed.

// Shortfall is one report of what cannot be packed.
type Shortfall struct {
	Day string `json:"day"`
	SKU string `json:"sku"`
	// Qty is the units that cannot be packed, in all (a second report for
	// the same item and day replaces the first).
	Qty int       `json:"qty"`
	By  string    `json:"by"`
	At  time.Time `json:"at"`
}

// ErrShortfallMoved: the shortfall's record changed since it was read
// (another report for the same item and day cut meanwhile): read it and
// plan again.
var ErrShortfallMoved = fmt.Errorf("the shortfall changed meanwhile: %w", ErrConflict)

// Cut is one order's part of a shortfall: Qty units of the item go.
type Cut struct {
	OrderID string
	Qty     int
}

// PlanShortfall chooses which of list (the day's orders) go without n
// units of sku: among the orders still to deliver (pending or assigned)
// that hold sku, those of households that are not marked (marked) and not
// free packs first, and of those the latest first. It returns the cuts
// and the units it could not place (n beyond what is still to deliver).
func PlanShortfall(list []Order, sku string, n int, marked func(household string) bool) (cuts []Cut, left int) {
	type cand struct {
		o   *Order
		qty int
		// spare: cut these last.
		spare bool
	}
	var cs []cand
	for i := range list {
		o := &list[i]
		if !o.Status.Open() {
			continue
		}
		qty := 0
		for _, l := range o.Lines {
			if l.SKU == sku {
				qty += l.Qty
			}
		}
		if qty == 0 {
			continue
		}
		cs = append(cs, cand{o: o, qty: qty, spare: o.Distribution != "" || o.TotalFen == 0 || marked(o.Household())})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].spare != cs[j].spare {
			return !cs[i].spare
		}
		if !cs[i].o.CreatedAt.Equal(cs[j].o.CreatedAt) {
			return cs[i].o.CreatedAt.After(cs[j].o.CreatedAt)
		}
		return cs[i].o.ID > cs[j].o.ID
	})
	for _, c := range cs {
		if n == 0 {
			break
		}
		q := min(c.qty, n)
		cuts = append(cuts, Cut{OrderID: c.o.ID, Qty: q})
		n -= q
	}
	return cuts, n
}

// ApplyCut takes qty units of sku off o: its lines reduced or removed,
// its total, and the order cancelled when nothing is left; its money is
// rebalanced (what was handed over beyond what is left is owed back,
// whether it was paid, said paid, or partly given back already). It
// returns what was taken (the household's limits go back by it, once): an
// order no longer to deliver (delivered, cancelled meanwhile) or holding
// no sku is ErrConflict, and nothing changes.
func ApplyCut(o *Order, sku string, qty int, by, note string, at time.Time) (Line, error) {
	taken := Line{SKU: sku}
	if !o.Status.Open() {
		return taken, fmt.Errorf("order %s is %s: %w", o.ID, o.Status, ErrConflict)
	}
	var kept []Line
	for _, l := range o.Lines {
		if l.SKU == sku && qty > 0 {
			q := min(l.Qty, qty)
			qty -= q
			taken.Name, taken.Unit, taken.PriceFen = l.Name, l.Unit, l.PriceFen
			taken.Qty += q
			l.Qty -= q
			if l.Qty == 0 {
				continue
			}
		}
		kept = append(kept, l)
	}
	if taken.Qty == 0 {
		return taken, fmt.Errorf("order %s holds no %s: %w", o.ID, sku, ErrConflict)
	}
	o.Lines, o.TotalFen = kept, o.TotalFen-taken.PriceFen*int64(taken.Qty)
	o.Cut = append(append([]Line(nil), o.Cut...), taken)
	if len(kept) == 0 {
		o.Status = StatusCancelled
	}
	o.Rebalance()
	o.UpdatedAt = at
	o.History = append(o.History, Event{At: at, Status: o.Status, By: by, Note: note})
	return taken, nil
}
