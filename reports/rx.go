package reports

import (
	"strings"

	"github.com/baogong/baogong/orders"
)

// SheetRx is the XLSX pick list's sheet of prescriptions, present when the
// list has prescription medicine.
const SheetRx = "处方"

// rxHeader heads the prescriptions of a pharmacy's pick list, in CSV and
// XLSX alike.
var rxHeader = []string{"处方订单号", "网格", "地址", "药品", "处方照片", "审核"}

// rxRows are one row per order with prescription medicine: 订单号, 网格,
// 地址, 药品, the photo's URL, and who approved it.
func rxRows(p orders.PickList) [][]any {
	rows := make([][]any, 0, len(p.Rx))
	for _, r := range p.Rx {
		rows = append(rows, []any{r.OrderID, r.Grid, r.Address.String(), rxGoods(r), r.PicURL, rxReview(r)})
	}
	return rows
}

// rxGoods renders an order's prescription medicine: 胰岛素注射液 2支.
func rxGoods(r orders.RxRef) string {
	parts := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		parts[i] = goodsText(l)
	}
	return strings.Join(parts, "、")
}

// rxReview says who let the order through: 通过（楼栋长）, or that only a
// photo did and the pharmacist should check it.
func rxReview(r orders.RxRef) string {
	switch {
	case r.ApprovedBy != "" && r.Note != "":
		return "通过（" + r.Note + "）"
	case r.ApprovedBy != "":
		return "通过"
	case r.PicURL != "":
		return "未审核，请核对照片"
	}
	return "未审核"
}
