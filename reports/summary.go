package reports

import (
	"fmt"
	"io"
	"time"

	"github.com/baogong/baogong/orders"
)

type summaryPage struct {
	Title, Now, TotalsText   string
	Households, Orders, Open int
	Units                    []summaryUnit
}

type summaryUnit struct {
	Label string
	Rows  []summaryRow
}

type summaryRow struct {
	Room, Goods, Day, Status, Contact string
}

// SummaryHTML writes the printable page of a lead's 汇总: every household
// of list (in walking order, see orders.LeadOrders), unit by unit, with
// its goods, delivery day and status. The page is reached by a link that
// can be forwarded: phone numbers are masked, and households' remarks
// (老人独居请敲门) and marks are left off.
func SummaryHTML(w io.Writer, title string, list []orders.Order, totals []orders.Line, now time.Time) error {
	p := summaryPage{Title: title, Now: fmt.Sprintf("%d月%d日 %02d:%02d", now.Month(), now.Day(), now.Hour(), now.Minute()),
		TotalsText: orders.Goods(totals), Orders: len(list)}
	households := map[string]bool{}
	for _, o := range list {
		households[o.Household()] = true
		if o.Status.Open() {
			p.Open++
		}
		label := o.Address.Building + "栋"
		if o.Address.Unit != "" {
			label += o.Address.Unit + "单元"
		}
		if len(p.Units) == 0 || p.Units[len(p.Units)-1].Label != label {
			p.Units = append(p.Units, summaryUnit{Label: label})
		}
		u := &p.Units[len(p.Units)-1]
		day := ""
		if t, err := time.Parse(time.DateOnly, o.Day); err == nil {
			day = fmt.Sprintf("%d月%d日", t.Month(), t.Day())
		}
		u.Rows = append(u.Rows, summaryRow{Room: o.Address.Room, Goods: orders.Goods(o.Lines), Day: day,
			Status: StatusNames[o.Status], Contact: orders.MaskPhone(o.Contact)})
	}
	p.Households = len(households)
	return templates.ExecuteTemplate(w, "summary", p)
}
