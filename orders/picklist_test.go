package orders

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/baogong/baogong/catalog"
)

// renderPick writes a pick list as indented text, one level a line:
// supplier, grid, building, unit (with its order count).
func renderPick(p PickList) string {
	var b strings.Builder
	lines := func(ls []Line) string {
		var parts []string
		for _, l := range ls {
			parts = append(parts, fmt.Sprintf("%s×%d", l.SKU, l.Qty))
		}
		return strings.Join(parts, " ")
	}
	fmt.Fprintf(&b, "%s %s: %s\n", p.Supplier, p.Day, lines(p.Totals))
	for _, g := range p.Grids {
		fmt.Fprintf(&b, "  %s: %s\n", g.Grid, lines(g.Totals))
		for _, bp := range g.Buildings {
			fmt.Fprintf(&b, "    %s: %s\n", bp.Building, lines(bp.Totals))
			for _, u := range bp.Units {
				fmt.Fprintf(&b, "      %s (%d): %s\n", u.Unit, u.Orders, lines(u.Lines))
			}
		}
	}
	return b.String()
}

func TestBuildPickLists(t *testing.T) {
	cat := testCatalog(t)
	const d = "2022-04-10"
	tests := []struct {
		name   string
		orders []Order
		want   string // both lists rendered, supermarket first
	}{
		{
			name: "each supplier sees only its goods",
			orders: []Order{
				rOrder("1", "G1", "3-2-501", StatusPending, d, "MED-IBU:1", "VEG-A:2", "EGG-30:1"),
				rOrder("2", "G1", "3-2-502", StatusPending, d, "MED-LH:2", "MED-IBU:1"),
				rOrder("3", "G1", "3-1-101", StatusPending, d, "VEG-A:1"),
			},
			want: `sm-xinyi 2022-04-10: VEG-A×3 EGG-30×1
  G1: VEG-A×3 EGG-30×1
    3: VEG-A×3 EGG-30×1
      1 (1): VEG-A×1
      2 (1): VEG-A×2 EGG-30×1
ph-renmin 2022-04-10: MED-IBU×2 MED-LH×2
  G1: MED-IBU×2 MED-LH×2
    3: MED-IBU×2 MED-LH×2
      2 (2): MED-IBU×2 MED-LH×2
`,
		},
		{
			name: "cancelled orders and other days are left out",
			orders: []Order{
				rOrder("1", "G1", "1-1-101", StatusCancelled, d, "VEG-A:1"),
				rOrder("2", "G1", "1-1-102", StatusPending, "2022-04-11", "VEG-A:1"),
				rOrder("3", "G1", "1-1-103", StatusPending, "2022-04-09", "MED-IBU:1"),
				rOrder("4", "G1", "1-1-104", StatusPending, d, "EGG-30:1"),
				rOrder("5", "G1", "1-1-105", StatusAssigned, d, "EGG-30:1"),
				rOrder("6", "G1", "1-1-106", StatusDelivered, d, "EGG-30:1"),
				rOrder("7", "G1", "1-1-107", StatusReceived, d, "EGG-30:1"),
			},
			want: `sm-xinyi 2022-04-10: EGG-30×4
  G1: EGG-30×4
    1: EGG-30×4
      1 (4): EGG-30×4
ph-renmin 2022-04-10: 
`,
		},
		{
			name: "numeric order and merged spellings",
			orders: []Order{
				rOrder("1", "G10", "1-1-101", StatusPending, d, "VEG-A:1"),
				rOrder("2", "G2", "12-1-101", StatusPending, d, "VEG-A:1"),
				rOrder("3", "G2", "3-10-101", StatusPending, d, "VEG-A:1"),
				rOrder("4", "G2", "03-2-101", StatusPending, d, "VEG-A:1"),
				rOrder("5", "G2", "3-02-102", StatusPending, d, "NOODLE:3"),
				rOrder("6", "G2", "3a--5", StatusPending, d, "VEG-A:1"),
			},
			want: `sm-xinyi 2022-04-10: VEG-A×5 NOODLE×3
  G2: VEG-A×4 NOODLE×3
    3: VEG-A×2 NOODLE×3
      2 (2): VEG-A×1 NOODLE×3
      10 (1): VEG-A×1
    3A: VEG-A×1
       (1): VEG-A×1
    12: VEG-A×1
      1 (1): VEG-A×1
  G10: VEG-A×1
    1: VEG-A×1
      1 (1): VEG-A×1
ph-renmin 2022-04-10: 
`,
		},
		{
			name: "unknown items and empty quantities are on no list",
			orders: []Order{
				rOrder("1", "G1", "1-1-101", StatusPending, d, "GONE:1"),
				rOrder("2", "G1", "1-1-102", StatusPending, d, "VEG-A:0", "MED-IBU:1"),
			},
			want: `sm-xinyi 2022-04-10: 
ph-renmin 2022-04-10: MED-IBU×1
  G1: MED-IBU×1
    1: MED-IBU×1
      1 (1): MED-IBU×1
`,
		},
		{
			name: "no orders",
			want: "sm-xinyi 2022-04-10: \nph-renmin 2022-04-10: \n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lists := BuildPickLists(cat, tt.orders, d)
			var got strings.Builder
			for _, p := range lists {
				got.WriteString(renderPick(p))
				if p.Empty() != (len(p.Totals) == 0) || p.Empty() != (len(p.Grids) == 0) {
					t.Errorf("%s: Empty() = %v with %d totals and %d grids", p.Supplier, p.Empty(), len(p.Totals), len(p.Grids))
				}
			}
			if got.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got.String(), tt.want)
			}
		})
	}
}

func TestPickListEmpty(t *testing.T) {
	tests := []struct {
		name string
		p    PickList
		want bool
	}{
		{"zero", PickList{}, true},
		{"supplier with nothing", PickList{Supplier: "ph-renmin", Day: "2022-04-10"}, true},
		{"something", PickList{Totals: []Line{{SKU: "VEG-A", Qty: 1}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Empty(); got != tt.want {
				t.Errorf("Empty() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBuildPickListsTotals checks on generated orders that every level adds
// up to the one above, that the supplier totals match the orders, and that
// each list holds its supplier's goods only.
func TestBuildPickListsTotals(t *testing.T) {
	cat := testCatalog(t)
	const day = "2022-04-10"
	all := genBenchOrders(cat, 20_000, 3)
	lists := BuildPickLists(cat, all, day)
	if len(lists) != len(cat.Suppliers) {
		t.Fatalf("%d lists, want %d", len(lists), len(cat.Suppliers))
	}
	for i, p := range lists {
		t.Run(p.Supplier, func(t *testing.T) {
			if s := cat.Suppliers[i]; p.Supplier != s.ID || p.Day != day {
				t.Fatalf("list %d is %s %s, want %s %s", i, p.Supplier, p.Day, s.ID, day)
			}
			// What the orders say this supplier has to pack.
			want := map[string]int{}
			wantOrders := 0
			for _, o := range all {
				if o.Day != day || o.Status == StatusCancelled {
					continue
				}
				has := false
				for _, l := range o.Lines {
					if it, _ := cat.Item(l.SKU); it.Supplier == p.Supplier {
						want[l.SKU] += l.Qty
						has = true
					}
				}
				if has {
					wantOrders++
				}
			}
			if got := qtyBySKU(p.Totals); !qtyEqual(got, want) {
				t.Errorf("supplier totals %v, want %v", got, want)
			}
			checkPickLines(t, cat, p.Supplier, "supplier", p.Totals)

			orders := 0
			gridSum := map[string]int{}
			for gi, g := range p.Grids {
				if gi > 0 && compareNatural(p.Grids[gi-1].Grid, g.Grid) >= 0 {
					t.Errorf("grid %s after %s", g.Grid, p.Grids[gi-1].Grid)
				}
				buildingSum := map[string]int{}
				for bi, b := range g.Buildings {
					if bi > 0 && compareNatural(g.Buildings[bi-1].Building, b.Building) >= 0 {
						t.Errorf("%s: building %s after %s", g.Grid, b.Building, g.Buildings[bi-1].Building)
					}
					unitSum := map[string]int{}
					for ui, u := range b.Units {
						if ui > 0 && compareNatural(b.Units[ui-1].Unit, u.Unit) >= 0 {
							t.Errorf("%s %s: unit %s after %s", g.Grid, b.Building, u.Unit, b.Units[ui-1].Unit)
						}
						checkPickLines(t, cat, p.Supplier, "unit", u.Lines)
						addQty(unitSum, u.Lines)
						orders += u.Orders
					}
					checkPickLines(t, cat, p.Supplier, "building", b.Totals)
					if got := qtyBySKU(b.Totals); !qtyEqual(got, unitSum) {
						t.Errorf("%s %s: building totals %v, units add up to %v", g.Grid, b.Building, got, unitSum)
					}
					addQty(buildingSum, b.Totals)
				}
				checkPickLines(t, cat, p.Supplier, "grid", g.Totals)
				if got := qtyBySKU(g.Totals); !qtyEqual(got, buildingSum) {
					t.Errorf("%s: grid totals %v, buildings add up to %v", g.Grid, got, buildingSum)
				}
				addQty(gridSum, g.Totals)
			}
			if got := qtyBySKU(p.Totals); !qtyEqual(got, gridSum) {
				t.Errorf("supplier totals %v, grids add up to %v", got, gridSum)
			}
			if orders != wantOrders {
				t.Errorf("units count %d orders, want %d", orders, wantOrders)
			}
		})
	}
}

// checkPickLines checks that lines are the supplier's items, in catalog order,
// with the catalog's name and unit and a positive quantity.
func checkPickLines(t *testing.T, cat *catalog.Catalog, supplier, level string, lines []Line) {
	t.Helper()
	at := map[string]int{}
	for i, it := range cat.Items {
		at[it.SKU] = i
	}
	for i, l := range lines {
		it, ok := cat.Item(l.SKU)
		switch {
		case !ok:
			t.Errorf("%s: unknown sku %s", level, l.SKU)
		case it.Supplier != supplier:
			t.Errorf("%s: %s of %s on %s's list", level, l.SKU, it.Supplier, supplier)
		case l.Name != it.Name || l.Unit != it.Unit || l.PriceFen != it.PriceFen || l.Qty <= 0:
			t.Errorf("%s: line %+v, item %+v", level, l, it)
		case i > 0 && at[lines[i-1].SKU] >= at[l.SKU]:
			t.Errorf("%s: %s after %s, not in catalog order", level, l.SKU, lines[i-1].SKU)
		}
	}
}

func qtyBySKU(lines []Line) map[string]int {
	m := map[string]int{}
	addQty(m, lines)
	return m
}

func addQty(m map[string]int, lines []Line) {
	for _, l := range lines {
		m[l.SKU] += l.Qty
	}
}

func qtyEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// genBenchOrders makes n orders over 10 grids × 10 buildings × 6 units × 30
// floors × 4 rooms (72,000 households; beyond that households order
// again), each with 1–3 distinct catalog items of quantity 1–3. Grids
// are interleaved so any prefix spreads over all of them. About 5% are
// cancelled, 3% delivered, and 10% are for the day before 2022-04-10.
func genBenchOrders(cat *catalog.Catalog, n int, seed uint64) []Order {
	rng := rand.New(rand.NewPCG(seed, 42))
	const households = 10 * 10 * 6 * 30 * 4
	os := make([]Order, n)
	for i := range os {
		h := i % households
		grid, h := h%10, h/10
		bld, h := h%10, h/10
		unit, h := h%6, h/6
		floor, room := h%30, h/30
		o := &os[i]
		o.ID = fmt.Sprint(i + 1)
		o.Grid = fmt.Sprintf("G%d", grid+1)
		o.Address = Address{
			Building: fmt.Sprint(grid*10 + bld + 1),
			Unit:     fmt.Sprint(unit + 1),
			Room:     fmt.Sprintf("%d%02d", floor+1, room+1),
		}
		o.Day = "2022-04-10"
		if rng.IntN(10) == 0 {
			o.Day = "2022-04-09"
		}
		switch r := rng.IntN(100); {
		case r < 5:
			o.Status = StatusCancelled
		case r < 8:
			o.Status = StatusDelivered
		default:
			o.Status = StatusPending
		}
		picks := rng.Perm(len(cat.Items))[:1+rng.IntN(3)]
		slices.Sort(picks)
		for _, p := range picks {
			it := cat.Items[p]
			o.Lines = append(o.Lines, Line{SKU: it.SKU, Name: it.Name, Qty: 1 + rng.IntN(3), Unit: it.Unit, PriceFen: it.PriceFen})
		}
	}
	return os
}

func BenchmarkBuildPickLists100k(b *testing.B) {
	cat := testCatalog(b)
	all := genBenchOrders(cat, 100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		BuildPickLists(cat, all, "2022-04-10")
	}
}
