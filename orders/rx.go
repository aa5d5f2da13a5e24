package orders

import (
	"github.com/baogong/baogong/catalog"
)

// Prescription medicine (处方药): an order with an item marked rx in the
// catalog starts in StatusAwaitingRx. A photo of the prescription or the
// medicine box (Store.AttachRx) or a review (Store.ApproveRx) makes it
// pending; a rejection (Store.RejectRx) cancels it. Until then it is on no
// pick list, roster or lead's 送达.

// NeedsRx reports whether any of lines is prescription medicine.
func NeedsRx(cat *catalog.Catalog, lines []Line) bool {
	return len(RxLines(cat, lines)) > 0
}

// RxLines returns the lines of prescription medicine among lines, in order.
func RxLines(cat *catalog.Catalog, lines []Line) []Line {
	var out []Line
	for _, l := range lines {
		if it, ok := cat.Item(l.SKU); ok && it.Rx {
			out = append(out, l)
		}
	}
	return out
}

// RxSuppliers returns the IDs of the suppliers of o's prescription
// medicine, each once, in line order: the pharmacies that may review it.
func RxSuppliers(cat *catalog.Catalog, o Order) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range RxLines(cat, o.Lines) {
		it, _ := cat.Item(l.SKU)
		if it.Supplier != "" && !seen[it.Supplier] {
			seen[it.Supplier] = true
			out = append(out, it.Supplier)
		}
	}
	return out
}

// Reviewed reports whether someone approved or rejected the prescription
// (a photo alone is not a review).
func (p *Prescription) Reviewed() bool { return p != nil && p.By != "" }

// RxRef is the prescription behind one order's prescription medicine on a
// pharmacy's pick list, so the pharmacist can check it before packing.
type RxRef struct {
	OrderID string  `json:"order_id"`
	Grid    string  `json:"grid"`
	Address Address `json:"address"`
	// Lines are the order's prescription medicine from this supplier.
	Lines []Line `json:"lines"`
	// Photo is the key of the photo the resident sent ("" when the order
	// was approved without one, or it is gone); PicURL is the signed link
	// to it that whoever shows the list puts there (never WeChat's URL).
	Photo   string `json:"photo,omitempty"`
	PicURL  string `json:"pic_url,omitempty"`
	MediaID string `json:"media_id,omitempty"`
	// ApprovedBy is the openid of who approved it, and Note what they
	// wrote (their role first: 药房, 楼栋长, 社区); both "" when the photo
	// alone let the order through.
	ApprovedBy string `json:"approved_by,omitempty"`
	Note       string `json:"note,omitempty"`
}
