package reports

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/baogong/baogong/orders"
)

// Sheet names of the XLSX pick list.
const (
	SheetTotals = "合计"
	SheetDetail = "明细"
)

// PicklistXLSX writes p as an Excel workbook with two sheets: 合计 (商品,
// 数量, 单位) and 明细 (网格, 楼栋, 单元, 商品, 数量, 单位, 订单数), the same
// columns as PicklistCSV, and a third, 处方 (处方订单号, 网格, 地址, 药品,
// 处方照片, 审核), when the list has prescription medicine. Each sheet has a bold header row that stays in
// place when scrolling, columns sized to their content, and prints on A4.
// Quantities, and grid, building and unit names that are plain numbers,
// are number cells, so Excel sums and sorts them; 订单数 is on each unit's
// first row only. Text is stored as text cells, which Excel never
// evaluates, so no quote is added. The workbook title is
// "备货单 <day> <supplier>"; supplierName "" falls back to the supplier ID.
func PicklistXLSX(w io.Writer, p orders.PickList, supplierName string) error {
	f := excelize.NewFile()
	defer f.Close()

	if err := f.SetSheetName(f.GetSheetName(0), SheetTotals); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetDetail); err != nil {
		return err
	}
	bold, err := headerStyle(f)
	if err != nil {
		return err
	}
	if err := writeSheet(f, SheetTotals, totalsHeader, totalsRows(p), bold); err != nil {
		return err
	}
	detail := detailRows(p)
	for _, row := range detail {
		for i := 0; i < 3; i++ { // 网格, 楼栋, 单元
			row[i] = numberOrText(row[i].(string))
		}
	}
	if err := writeSheet(f, SheetDetail, detailHeader, detail, bold); err != nil {
		return err
	}
	if len(p.Rx) > 0 {
		if _, err := f.NewSheet(SheetRx); err != nil {
			return err
		}
		if err := writeSheet(f, SheetRx, rxHeader, rxRows(p), bold); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   "备货单 " + p.Day + " " + supplierLabel(p, supplierName),
		Creator: "baogong",
	}); err != nil {
		return err
	}
	return f.Write(w)
}

// headerStyle is the bold, shaded style of header rows.
func headerStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDDDDD"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
	})
}

// writeSheet fills one sheet: header, rows, widths, frozen header, A4.
// A time.Time is a date cell showing the time on its own clock.
func writeSheet(f *excelize.File, sheet string, header []string, rows [][]any, headerStyle int) error {
	timeFmt := ledgerTimeFmt
	dates, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return err
	}
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = displayWidth(h)
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	if err := f.SetCellStyle(sheet, "A1", last+"1", headerStyle); err != nil {
		return err
	}
	for r, row := range rows {
		for c, v := range row {
			widths[c] = max(widths[c], displayWidth(cellText(v)))
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			var err error
			switch v := v.(type) {
			case string:
				err = f.SetCellStr(sheet, cell, v)
			case time.Time:
				// Excel has no time zones: the serial is the wall clock.
				wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, time.UTC)
				if err = f.SetCellValue(sheet, cell, wall); err == nil {
					err = f.SetCellStyle(sheet, cell, cell, dates)
				}
			default:
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				return fmt.Errorf("reports: sheet %s cell %s: %w", sheet, cell, err)
			}
		}
	}
	for c, w := range widths {
		col, _ := excelize.ColumnNumberToName(c + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(w+3, 8), 60))); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{
		Freeze:      true,
		YSplit:      1,
		TopLeftCell: "A2",
		ActivePane:  "bottomLeft",
		Selection:   []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	a4 := 9 // excelize's paper size code for A4
	return f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4})
}

// numberOrText returns s as an int when it is a plain decimal number
// without leading zeros ("12", not "012" or "3A"), else s.
func numberOrText(s string) any {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return s
	}
	return n
}
