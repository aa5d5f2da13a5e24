// Package reports renders pick lists and rosters for people: CSV that Excel
// opens, XLSX, and printable HTML.
//
// Suppliers get a pick list (备货单) as CSV, XLSX or an A4 page; volunteers
// get a roster (配送单) page to print and tick off on the stairs. Every
// renderer writes to an io.Writer and holds no state, so they are safe for
// concurrent use.
package reports

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
)

// ErrNoShare is returned by RosterHTML when the roster has no share for the
// volunteer asked for.
var ErrNoShare = errors.New("reports: no share for this volunteer")

// Column headers, shared by CSV and XLSX so both read the same.
var (
	totalsHeader = []string{"商品", "数量", "单位"}
	detailHeader = []string{"网格", "楼栋", "单元", "商品", "数量", "单位", "订单数"}
)

// totalsRows are the supplier's totals, one row per item: 商品, 数量, 单位.
// Cells are strings or ints.
func totalsRows(p orders.PickList) [][]any {
	rows := make([][]any, 0, len(p.Totals))
	for _, l := range p.Totals {
		rows = append(rows, []any{l.Name, l.Qty, l.Unit})
	}
	return rows
}

// detailRows are one row per unit and item, grid by grid. 订单数 (orders)
// belongs to the unit, not to the item, so it is on the unit's first row
// only and the column adds up to the number of orders; it is nil (an
// empty cell) on the unit's other rows.
func detailRows(p orders.PickList) [][]any {
	var rows [][]any
	for _, g := range p.Grids {
		for _, b := range g.Buildings {
			for _, u := range b.Units {
				for i, l := range u.Lines {
					var n any
					if i == 0 {
						n = u.Orders
					}
					rows = append(rows, []any{g.Grid, b.Building, u.Unit, l.Name, l.Qty, l.Unit, n})
				}
			}
		}
	}
	return rows
}

// supplierLabel is the name to print for a pick list's supplier.
func supplierLabel(p orders.PickList, name string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return p.Supplier
}

// safeCell defuses spreadsheet formula injection (CSV injection): a cell
// starting with = + - @, a tab or a carriage return is a formula or may
// become one in Excel, so it is prefixed with a single quote and shown as
// text.
func safeCell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// displayWidth estimates how many Latin character widths s takes in a
// spreadsheet column: CJK and other wide runes count twice.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		if r >= 0x2E80 || (r >= 0x1100 && r <= 0x115F) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// cellText renders a CSV/XLSX cell value as text (for widths and CSV):
// times as they read on the clock they are in.
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case string:
		return v
	case time.Time:
		return v.Format(ledgerTime)
	}
	panic("reports: unexpected cell type")
}

// buildingLabel renders a building as residents say it: 3栋.
func buildingLabel(b string) string {
	if b == "" {
		return "未填楼栋"
	}
	return b + "栋"
}

// unitLabel renders a unit of a building: 3栋2单元, or 3栋 without a unit.
func unitLabel(b, u string) string {
	if u == "" {
		return buildingLabel(b) + "（无单元）"
	}
	return buildingLabel(b) + u + "单元"
}

// gridLabel renders a grid: 1网格, the way the bot's messages write it.
func gridLabel(g string) string {
	if g == "" {
		return "未分网格"
	}
	return g + "网格"
}

// goodsText renders one line of goods: 大米 2袋.
func goodsText(l orders.Line) string {
	return l.Name + " " + strconv.Itoa(l.Qty) + l.Unit
}

// sumLines adds up lines by SKU (by name and unit for lines without one),
// in the order they first appear.
func sumLines(lines []orders.Line) []orders.Line {
	type key struct{ sku, name, unit string }
	at := map[key]int{}
	var sum []orders.Line
	for _, l := range lines {
		k := key{sku: l.SKU}
		if l.SKU == "" {
			k = key{name: l.Name, unit: l.Unit}
		}
		if i, ok := at[k]; ok {
			sum[i].Qty += l.Qty
			continue
		}
		at[k] = len(sum)
		sum = append(sum, l)
	}
	return sum
}
