package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/baogong/baogong/orders"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").ParseFS(templateFS, "templates/*.tmpl"))

// Link labels for PicklistHTML's links, by key; other keys show as is.
var linkLabels = map[string]string{
	"csv":  "下载 CSV",
	"xlsx": "下载 Excel",
}

type link struct {
	Label string
	URL   string
}

type pickPage struct {
	Title, Supplier, Day string
	Links                []link
	Totals               []orders.Line
	Grids                []gridView
	Rx                   []rxView
}

type rxView struct {
	OrderID, Address, Goods, PicURL, Review string
}

type gridView struct {
	Label      string
	TotalsText string
	Buildings  []buildingView
}

type buildingView struct {
	Label      string
	TotalsText string
	Units      []unitView
}

type unitView struct {
	Label  string
	Orders int
	Lines  []orders.Line
}

// PicklistHTML writes p as a printable A4 page titled
// "备货单 <day> <supplier>": the supplier's totals, then each grid on a
// page of its own with its totals, each building with its totals and a
// table per unit (单元) with its number of orders, and a page 处方 with
// each order of prescription medicine: its address, medicine, a link to
// the photo and who approved it. links maps "csv" and
// "xlsx" (any other key is shown by its name) to download URLs, shown as
// buttons on screen and hidden in print; URLs that are not http(s) or
// relative are neutralised by html/template. The page is self-contained:
// inline CSS, no scripts, no external resources. supplierName "" falls
// back to the supplier ID.
func PicklistHTML(w io.Writer, p orders.PickList, supplierName string, links map[string]string) error {
	sup := supplierLabel(p, supplierName)
	page := pickPage{
		Title:    "备货单 " + p.Day + " " + sup,
		Supplier: sup,
		Day:      p.Day,
		Links:    sortedLinks(links),
		Totals:   p.Totals,
	}
	for _, g := range p.Grids {
		gv := gridView{Label: gridLabel(g.Grid), TotalsText: linesText(g.Totals)}
		for _, b := range g.Buildings {
			bv := buildingView{Label: buildingLabel(b.Building), TotalsText: linesText(b.Totals)}
			for _, u := range b.Units {
				bv.Units = append(bv.Units, unitView{Label: unitLabel(b.Building, u.Unit), Orders: u.Orders, Lines: u.Lines})
			}
			gv.Buildings = append(gv.Buildings, bv)
		}
		page.Grids = append(page.Grids, gv)
	}
	for _, r := range p.Rx {
		page.Rx = append(page.Rx, rxView{OrderID: r.OrderID, Address: r.Address.String(), Goods: rxGoods(r), PicURL: r.PicURL, Review: rxReview(r)})
	}
	return templates.ExecuteTemplate(w, "picklist", page)
}

// sortedLinks puts csv, then xlsx, then other keys in name order; empty
// URLs are left out.
func sortedLinks(links map[string]string) []link {
	keys := make([]string, 0, len(links))
	for k, u := range links {
		if u != "" {
			keys = append(keys, k)
		}
	}
	rank := func(k string) int {
		switch k {
		case "csv":
			return 0
		case "xlsx":
			return 1
		}
		return 2
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	out := make([]link, len(keys))
	for i, k := range keys {
		label, ok := linkLabels[k]
		if !ok {
			label = k
		}
		out[i] = link{Label: label, URL: links[k]}
	}
	return out
}

// linesText renders lines on one line: 大米 2袋、油 1桶.
func linesText(lines []orders.Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = goodsText(l)
	}
	return strings.Join(parts, "、")
}

type rosterPage struct {
	Title, Slot, Grid string
	// Volunteer is the volunteer asked for, "" for the whole grid.
	Volunteer string
	Shares    []shareView
}

type shareView struct {
	Volunteer  string
	GoodsText  string
	HasContact bool
	Stops      []stopView
}

type stopView struct {
	Seq     int
	Address string
	// Note is 急 and the household's marks (独居老人 …): what the volunteer
	// must know at the door.
	Note    string
	Goods   []string
	Contact string
}

// weekdays are Chinese weekday names, Sunday first like time.Weekday.
var weekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// RosterHTML writes a printable A4 delivery roster (配送单) for
// volunteer's share of r, or for the whole grid when volunteer is "",
// each share then on a page of its own. The page shows the slot time in
// loc (nil keeps r.Slot's own location), the grid, the goods to collect,
// and the stops numbered by Seq with address, goods, the household's
// phone masked as 138****5678 (the column only appears when a stop has
// one) and an empty 送达 box to tick on paper. It fails with ErrNoShare
// when volunteer is not "" and has no share in r.
func RosterHTML(w io.Writer, r orders.Roster, volunteer string, loc *time.Location) error {
	shares := r.Shares
	if volunteer != "" {
		i := slices.IndexFunc(r.Shares, func(s orders.Share) bool { return s.Volunteer == volunteer })
		if i < 0 {
			return fmt.Errorf("%w: %q in grid %s", ErrNoShare, volunteer, r.Grid)
		}
		shares = r.Shares[i : i+1]
	}
	slot := r.Slot
	if loc != nil {
		slot = slot.In(loc)
	}
	slotText := slot.Format("2006-01-02") + " " + weekdays[slot.Weekday()] + " " + slot.Format("15:04")
	title := "配送单 " + slot.Format("2006-01-02 15:04") + " " + gridLabel(r.Grid)
	if volunteer != "" && len(shares) == 1 {
		title += " " + volunteerTitle(volunteerName(shares[0]))
	}
	page := rosterPage{Title: title, Slot: slotText, Grid: gridLabel(r.Grid), Volunteer: volunteer}
	if len(shares) == 0 {
		shares = []orders.Share{{}} // a roster with no share prints as an empty one
	}
	for _, s := range shares {
		sv := shareView{Volunteer: volunteerName(s), Stops: make([]stopView, 0, len(s.Stops))}
		var all []orders.Line
		for _, st := range s.Stops {
			// The volunteer's own roster (their signed link) shows the
			// whole number: they must ring the elder without WeChat.
			// Every other page masks it.
			contact := orders.MaskPhone(st.Contact)
			if volunteer != "" {
				contact = st.Contact
			}
			v := stopView{Seq: st.Seq, Address: st.Address.String(), Contact: contact, Note: stopNote(st)}
			for _, l := range st.Lines {
				v.Goods = append(v.Goods, goodsText(l))
			}
			sv.HasContact = sv.HasContact || v.Contact != ""
			all = append(all, st.Lines...)
			sv.Stops = append(sv.Stops, v)
		}
		sv.GoodsText = linesText(sumLines(all))
		page.Shares = append(page.Shares, sv)
	}
	return templates.ExecuteTemplate(w, "roster", page)
}

// volunteerName is how a printed roster names a share's volunteer: the
// office's name for them, never their openid.
func volunteerName(s orders.Share) string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Volunteer == "":
		return ""
	}
	return "（未登记姓名）"
}

// volunteerTitle is a volunteer's name with 志愿者 in front, once: the
// office may have noted them as 志愿者小林 already.
func volunteerTitle(name string) string {
	if strings.HasPrefix(name, "志愿者") {
		return name
	}
	return "志愿者" + name
}

// stopNote is the printed note of a stop: 【急】, 上一轮未送 and its
// household's marks, then the household's own remark.
func stopNote(st orders.Stop) string {
	var parts []string
	if st.Urgent {
		parts = append(parts, "急")
	}
	if st.Carried {
		parts = append(parts, orders.TextCarried)
	}
	for _, m := range st.Marks {
		parts = append(parts, string(m))
	}
	note := ""
	if len(parts) > 0 {
		note = "【" + strings.Join(parts, "、") + "】"
	}
	if st.Note != "" {
		note += "备注：" + st.Note
	}
	return note
}
