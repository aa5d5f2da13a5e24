package reports

import (
	"encoding/csv"
	"io"

	"github.com/baogong/baogong/orders"
)

// utf8BOM makes Excel read the file as UTF-8; without it, Excel on a
// Chinese Windows reads GBK and shows mojibake.
const utf8BOM = "\ufeff"

// PicklistCSV writes p as CSV for Excel: UTF-8 with a byte-order mark,
// CRLF line ends. Rows:
//
//	备货单, <day>, <supplier>
//	商品, 数量, 单位            (the supplier's totals)
//	…
//	                             (an empty line)
//	网格, 楼栋, 单元, 商品, 数量, 单位, 订单数
//	…
//	                             (an empty line, then only when the list
//	                              has prescription medicine:)
//	处方订单号, 网格, 地址, 药品, 处方照片, 审核
//	…
//
// Rows have different lengths (read them back with FieldsPerRecord = -1).
// 订单数 is on each unit's first row only, so the column adds up. Text
// cells that Excel would take for a formula (starting with = + - @, tab
// or CR) are prefixed with a single quote. supplierName "" falls back to
// the supplier ID.
func PicklistCSV(w io.Writer, p orders.PickList, supplierName string) error {
	cw, err := newExcelCSV(w)
	if err != nil {
		return err
	}
	write := cw.write
	write([]any{"备货单", p.Day, supplierLabel(p, supplierName)})
	write(stringsRow(totalsHeader))
	write(totalsRows(p)...)
	write([]any{})
	write(stringsRow(detailHeader))
	write(detailRows(p)...)
	if len(p.Rx) > 0 {
		write([]any{})
		write(stringsRow(rxHeader))
		write(rxRows(p)...)
	}
	return cw.flush()
}

// excelCSV writes CSV that Excel opens right: a byte-order mark first,
// CRLF line ends, formula-looking text defused (safeCell).
type excelCSV struct{ cw *csv.Writer }

func newExcelCSV(w io.Writer) (excelCSV, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return excelCSV{}, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return excelCSV{cw}, nil
}

// write writes rows of strings, ints and float64s (nil: an empty cell).
func (c excelCSV) write(rows ...[]any) {
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			if s, ok := v.(string); ok {
				rec[i] = safeCell(s)
			} else {
				rec[i] = cellText(v)
			}
		}
		_ = c.cw.Write(rec) // errors stick; checked in flush
	}
}

func (c excelCSV) flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

func stringsRow(ss []string) []any {
	row := make([]any, len(ss))
	for i, s := range ss {
		row[i] = s
	}
	return row
}
