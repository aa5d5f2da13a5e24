package orders

import (
	"cmp"
	"slices"

	"github.com/baogong/baogong/catalog"
)

// PickList is what one supplier packs for one delivery day: totals per
// item, broken down by grid, building and unit. Every Totals and Lines
// slice holds items of that supplier only, in catalog order, with the
// catalog's name, unit and current unit price.
type PickList struct {
	// Supplier is the catalog supplier's ID.
	Supplier string `json:"supplier"`
	// Day is the delivery day, YYYY-MM-DD.
	Day    string     `json:"day"`
	Totals []Line     `json:"totals"`
	Grids  []GridPick `json:"grids"`
	// Rx holds the prescription of every order with this supplier's
	// prescription medicine, by grid and address.
	Rx []RxRef `json:"rx,omitempty"`
}

// GridPick is a grid's part of a pick list.
type GridPick struct {
	Grid      string         `json:"grid"`
	Totals    []Line         `json:"totals"`
	Buildings []BuildingPick `json:"buildings"`
}

// BuildingPick is a building's part of a grid's pick.
type BuildingPick struct {
	// Building is the building as CanonicalBuilding writes it.
	Building string     `json:"building"`
	Totals   []Line     `json:"totals"`
	Units    []UnitPick `json:"units"`
}

// UnitPick is what one unit (单元) of a building ordered from the supplier.
type UnitPick struct {
	// Unit is the unit as CanonicalBuilding writes it; "" for addresses
	// without a unit.
	Unit  string `json:"unit"`
	Lines []Line `json:"lines"`
	// Orders is the number of the unit's orders with goods on this list.
	Orders int `json:"orders"`
}

// Empty reports whether the supplier has nothing to pack.
func (p PickList) Empty() bool { return len(p.Totals) == 0 }

// BuildPickLists returns one pick list per supplier of the catalog, in
// catalog order, for the orders of delivery day day (o.Day == day) that
// are not cancelled or awaiting a prescription (awaiting_rx); delivered,
// received and assigned orders still count, as their goods were packed.
// It is a pure function.
//
// A list's Rx has one RxRef per order with prescription medicine of the
// supplier: the photo and who approved it, sorted like the units, then by
// room and order ID.
//
// Each list holds only goods of its own supplier, so a pharmacy sees its
// medicine and a supermarket its groceries, even from one mixed order. A
// supplier with nothing to pack gets a list with no Totals and no Grids
// (Empty is true), so it can be told "nothing today". Lines whose SKU is
// not in the catalog, whose item has no catalog supplier, or whose
// quantity is not positive are on no list.
//
// Grids are sorted by ID, buildings and units by name, all numerically
// ("3" before "12"); buildings and units are merged as CanonicalBuilding
// does ("03" and "3" are one building). Each level's Totals are the sum
// of the level below: units → building → grid → supplier.
func BuildPickLists(cat *catalog.Catalog, orders []Order, day string) []PickList {
	sup := newSupplierIndex(cat)
	itemAt := make(map[string]int, len(cat.Items))
	itemSup := make([]int, len(cat.Items))
	for i := range cat.Items {
		itemAt[cat.Items[i].SKU] = i
		itemSup[i] = sup.of(cat, cat.Items[i].SKU)
	}

	type key struct {
		supplier             int
		grid, building, unit string
	}
	units := map[key]*unitAcc{}
	perOrder := make([]*unitAcc, len(cat.Suppliers))
	rx := make([][]RxRef, len(cat.Suppliers))
	rxOrder := make([]*RxRef, len(cat.Suppliers))
	for i := range orders {
		o := &orders[i]
		if o.Day != day || o.Status == StatusCancelled || o.Status == StatusAwaitingRx {
			continue
		}
		clear(perOrder)
		clear(rxOrder)
		for _, l := range o.Lines {
			it, ok := itemAt[l.SKU]
			if !ok || l.Qty <= 0 || itemSup[it] == len(cat.Suppliers) {
				continue
			}
			s := itemSup[it]
			acc := perOrder[s]
			if acc == nil {
				k := key{s, o.Grid, CanonicalBuilding(o.Address.Building), CanonicalBuilding(o.Address.Unit)}
				if acc = units[k]; acc == nil {
					acc = &unitAcc{grid: k.grid, building: k.building, unit: k.unit, qty: make([]int, len(cat.Items))}
					units[k] = acc
				}
				acc.orders++
				perOrder[s] = acc
			}
			acc.qty[it] += l.Qty
			if item := &cat.Items[it]; item.Rx {
				if rxOrder[s] == nil {
					rxOrder[s] = newRxRef(o)
				}
				rxOrder[s].Lines = append(rxOrder[s].Lines, Line{SKU: item.SKU, Name: item.Name, Qty: l.Qty, Unit: item.Unit, PriceFen: item.PriceFen})
			}
		}
		for s, ref := range rxOrder {
			if ref != nil {
				rx[s] = append(rx[s], *ref)
			}
		}
	}

	bySupplier := make([][]*unitAcc, len(cat.Suppliers))
	for k, acc := range units {
		bySupplier[k.supplier] = append(bySupplier[k.supplier], acc)
	}
	lists := make([]PickList, len(cat.Suppliers))
	for s := range lists {
		lists[s] = buildPickList(cat, sup.id(s), day, bySupplier[s])
		lists[s].Rx = sortRx(rx[s])
	}
	return lists
}

func newRxRef(o *Order) *RxRef {
	ref := &RxRef{OrderID: o.ID, Grid: o.Grid, Address: o.Address}
	if o.Rx != nil {
		// WeChat's PicURL is readable by anyone holding it: never on a
		// list. The photo kept (Photo) is shown behind a signed link.
		ref.Photo, ref.MediaID, ref.ApprovedBy, ref.Note = o.Rx.Photo, o.Rx.MediaID, o.Rx.By, o.Rx.Note
	}
	return ref
}

// sortRx orders references by grid, building, unit and room, numerically,
// then by order ID.
func sortRx(refs []RxRef) []RxRef {
	slices.SortFunc(refs, func(a, b RxRef) int {
		return cmp.Or(
			compareNatural(a.Grid, b.Grid),
			compareNatural(CanonicalBuilding(a.Address.Building), CanonicalBuilding(b.Address.Building)),
			compareNatural(CanonicalBuilding(a.Address.Unit), CanonicalBuilding(b.Address.Unit)),
			compareNatural(a.Address.Room, b.Address.Room),
			compareNatural(a.OrderID, b.OrderID),
		)
	})
	return refs
}

// unitAcc adds up one unit's quantities for one supplier, by item index.
type unitAcc struct {
	grid, building, unit string
	qty                  []int
	orders               int
}

// buildPickList sorts one supplier's units into grids and buildings and
// adds up each level.
func buildPickList(cat *catalog.Catalog, supplier, day string, units []*unitAcc) PickList {
	p := PickList{Supplier: supplier, Day: day}
	if len(units) == 0 {
		return p
	}
	slices.SortFunc(units, func(a, b *unitAcc) int {
		return cmp.Or(
			compareNatural(a.grid, b.grid),
			compareNatural(a.building, b.building),
			compareNatural(a.unit, b.unit),
		)
	})
	n := len(cat.Items)
	total, gridQty, buildingQty := make([]int, n), make([]int, n), make([]int, n)
	var g *GridPick
	var b *BuildingPick
	closeBuilding := func() {
		if b != nil {
			b.Totals = pickLines(cat, buildingQty)
			addTo(gridQty, buildingQty)
			clear(buildingQty)
			b = nil
		}
	}
	closeGrid := func() {
		closeBuilding()
		if g != nil {
			g.Totals = pickLines(cat, gridQty)
			addTo(total, gridQty)
			clear(gridQty)
			g = nil
		}
	}
	for _, u := range units {
		if g == nil || g.Grid != u.grid {
			closeGrid()
			p.Grids = append(p.Grids, GridPick{Grid: u.grid})
			g = &p.Grids[len(p.Grids)-1]
		}
		if b == nil || b.Building != u.building {
			closeBuilding()
			g.Buildings = append(g.Buildings, BuildingPick{Building: u.building})
			b = &g.Buildings[len(g.Buildings)-1]
		}
		b.Units = append(b.Units, UnitPick{Unit: u.unit, Lines: pickLines(cat, u.qty), Orders: u.orders})
		addTo(buildingQty, u.qty)
	}
	closeGrid()
	p.Totals = pickLines(cat, total)
	return p
}

// pickLines turns quantities by item index into lines in catalog order.
func pickLines(cat *catalog.Catalog, qty []int) []Line {
	n := 0
	for _, q := range qty {
		if q > 0 {
			n++
		}
	}
	lines := make([]Line, 0, n)
	for i, q := range qty {
		if q > 0 {
			it := &cat.Items[i]
			lines = append(lines, Line{SKU: it.SKU, Name: it.Name, Qty: q, Unit: it.Unit, PriceFen: it.PriceFen})
		}
	}
	return lines
}

func addTo(dst, src []int) {
	for i, q := range src {
		dst[i] += q
	}
}
