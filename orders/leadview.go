package orders

import (
	"context"
	"slices"
	"sort"
)

// LeadSource is what a lead's view of orders reads.
type LeadSource interface {
	OpenOrders(ctx context.Context, grid string) ([]Order, error)
	Orders(ctx context.Context, f Filter) ([]Order, error)
}

// LeadOrders is what a lead sees of their buildings (汇总, and its
// printable page): every undelivered order, whatever its day (what 送达
// can confirm), and the others of the days in view, the day last closed
// (packed or on its way) and the open day; cancelled ones left out. unit,
// when not "", narrows to that unit. They come in walking order.
func LeadOrders(ctx context.Context, src LeadSource, c *Community, buildings []string, unit string, days Days) ([]Order, error) {
	var all []Order
	for _, g := range c.Grids {
		if !slices.ContainsFunc(g.Buildings, func(x string) bool { return Owns(buildings, x) }) {
			continue
		}
		open, err := src.OpenOrders(ctx, g.ID)
		if err != nil {
			return nil, err
		}
		all = append(all, open...)
	}
	for _, day := range []string{days.LastClosed(), days.Open} {
		list, err := src.Orders(ctx, Filter{Day: day})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	seen := map[string]bool{}
	var mine []Order
	for _, o := range all {
		if !seen[o.ID] && Owns(buildings, o.Address.Building) && o.Status != StatusCancelled && (unit == "" || o.Address.Unit == unit) {
			seen[o.ID] = true
			mine = append(mine, o)
		}
	}
	sort.SliceStable(mine, func(i, j int) bool { return AddressLess(mine[i].Address, mine[j].Address) })
	return mine, nil
}
