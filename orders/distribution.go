package orders

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/baogong/baogong/catalog"
)

// ChannelDistribution marks the free orders of a distribution.
const ChannelDistribution = "distribution"

// DistributionRequest starts (or resumes) a free-pack distribution: one
// free order of PerHousehold units of SKU for every known household in
// Grids (all grids when empty).
type DistributionRequest struct {
	// ID names the distribution; running the same ID again gives only the
	// households it missed (stock was short, or they are new).
	ID           string
	SKU          string
	PerHousehold int
	Grids        []string
	By           string
	At           time.Time
}

// LeftOut is a household a distribution could not serve, and why.
type LeftOut struct {
	Household string `json:"household"`
	Grid      string `json:"grid"`
	Reason    string `json:"reason"`
}

// DistributionResult is what a run of a distribution did.
type DistributionResult struct {
	ID         string    `json:"id"`
	SKU        string    `json:"sku"`
	Households int       `json:"households"`
	Placed     []string  `json:"placed"`  // order ids placed by this run
	Already    int       `json:"already"` // households served by an earlier run
	LeftOut    []LeftOut `json:"left_out"`
}

// Distributor gives free packs. The households it knows are those someone
// is bound to, those with any order (a 接龙 line, a lead's order for an
// elder), and those listed in the config.
type Distributor struct {
	Store     DistributionStore
	Catalog   *catalog.Catalog
	Community *Community
	Location  *time.Location
}

// Reasons a household was left out, in words an admin reads.
const (
	LeftOutSoldOut = "分完了"
	LeftOutLimit   = "超过每户限量"
)

// Households returns the known households of grids (all when empty),
// sorted by grid, building, unit and room.
func (d *Distributor) Households(ctx context.Context, grids []string) ([]Address, error) {
	want := map[string]bool{}
	for _, g := range grids {
		want[g] = true
	}
	set := map[string]Address{}
	add := func(hh string) {
		a, err := ParseHousehold(hh)
		if err != nil {
			return
		}
		a.Building = CanonicalBuilding(a.Building)
		g, ok := d.Community.GridOf(a.Building)
		if ok && (len(want) == 0 || want[g]) {
			set[a.Household()] = a
		}
	}
	bound, err := d.Store.BoundHouseholds(ctx)
	if err != nil {
		return nil, err
	}
	for _, hh := range bound {
		add(hh)
	}
	all, err := d.Store.Orders(ctx, Filter{Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		add(o.Household())
	}
	for _, g := range d.Community.Grids {
		for _, hh := range g.Households {
			add(hh)
		}
	}
	out := make([]Address, 0, len(set))
	for _, a := range set {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		gi, _ := d.Community.GridOf(out[i].Building)
		gj, _ := d.Community.GridOf(out[j].Building)
		if gi != gj {
			return gi < gj
		}
		return AddressLess(out[i], out[j])
	})
	return out, nil
}

// Run gives every known household of the request's grids one free order,
// never two in the same distribution, until the SKU's stock runs out; the
// households left out are reported with the reason. Free orders are
// ordinary pending orders at price 0: they go on rosters and pick lists.
func (d *Distributor) Run(ctx context.Context, req DistributionRequest) (DistributionResult, error) {
	res := DistributionResult{ID: req.ID, SKU: req.SKU, Placed: []string{}, LeftOut: []LeftOut{}}
	it, ok := d.Catalog.Item(req.SKU)
	if !ok {
		return res, fmt.Errorf("sku %q: %w", req.SKU, ErrNotFound)
	}
	if req.ID == "" || req.PerHousehold < 1 || req.PerHousehold > MaxQty {
		return res, fmt.Errorf("distribution needs an id and 1 to %d per household: %w", MaxQty, ErrInvalid)
	}
	for _, g := range req.Grids {
		if !d.hasGrid(g) {
			return res, fmt.Errorf("grid %q: %w", g, ErrNotFound)
		}
	}
	households, err := d.Households(ctx, req.Grids)
	if err != nil {
		return res, err
	}
	res.Households = len(households)
	done, err := d.Store.DistributionEntries(ctx, req.ID)
	if err != nil {
		return res, err
	}
	days, err := d.Community.Calendar.Read(ctx, d.Store, req.At, d.Location)
	if err != nil {
		return res, err
	}
	day := days.Open
	for _, a := range households {
		hh := a.Household()
		if done[hh] != "" {
			res.Already++
			continue
		}
		grid, _ := d.Community.GridOf(a.Building)
		o, err := NewOrder(d.Catalog, a, grid, []ItemRequest{{SKU: it.SKU, Qty: req.PerHousehold}}, req.By, ChannelDistribution, req.At, d.Location)
		if err != nil {
			return res, err
		}
		o.Day, o.Distribution, o.TotalFen = day, req.ID, 0
		for i := range o.Lines {
			o.Lines[i].PriceFen = 0
		}
		// The request id keeps a retried run from placing twice even
		// before the entry below is written.
		placed, _, err := d.Store.PlaceOrder(ctx, o, "dist:"+req.ID+":"+hh, nil)
		var short *ShortageError
		if errors.As(err, &short) {
			reason := LeftOutSoldOut
			if errors.Is(err, ErrLimit) {
				reason = LeftOutLimit
			}
			res.LeftOut = append(res.LeftOut, LeftOut{Household: hh, Grid: grid, Reason: reason})
			continue
		}
		if err != nil {
			return res, err
		}
		first, err := d.Store.SetDistributionEntry(ctx, req.ID, hh, placed.ID)
		if err != nil {
			return res, err
		}
		if first {
			res.Placed = append(res.Placed, placed.ID)
		} else {
			res.Already++
		}
	}
	return res, nil
}

func (d *Distributor) hasGrid(id string) bool {
	for _, g := range d.Community.Grids {
		if g.ID == id {
			return true
		}
	}
	return false
}
