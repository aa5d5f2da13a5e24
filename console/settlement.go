package console

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/adminapi"
	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

type collector struct {
	Who string
	Fen int64
}

type supplierSettlement struct {
	ID, Name   string
	St         orders.Settlement
	Collectors []collector
}

type settlementView struct {
	*view
	Date string
	// Days are the order days to choose from.
	Days      []dayOption
	Suppliers []supplierSettlement
	// Items are what a shortfall can be reported for.
	Items []catalog.Item
}

// settlementPage shows each supplier's account of an order day (?date=,
// default the day last closed): delivered, collected and by whom, unpaid,
// owed back; with the downloads and the form to report a shortfall.
func (s *Server) settlementPage(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	v := &settlementView{view: s.newView(r, sess, textSettlement, "settlement"), Date: r.URL.Query().Get("date")}
	days, err := s.days(ctx)
	if err != nil {
		s.failed(w, r, "settlement", err)
		return
	}
	if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
		v.Date = days.LastClosed()
	}
	v.Days = dayOptions(days, v.Date)
	list, err := s.Store.Orders(ctx, orders.Filter{Day: v.Date, Limit: 1 << 20})
	if err != nil {
		s.failed(w, r, "settlement", err)
		return
	}
	people, err := s.Store.People(ctx)
	if err != nil {
		s.failed(w, r, "settlement", err)
		return
	}
	name := adminapi.PersonName(s.Community, people)
	for _, sup := range s.Catalog.Suppliers {
		ss := supplierSettlement{ID: sup.ID, Name: sup.Name, St: orders.BuildSettlement(s.Catalog, list, sup.ID, v.Date)}
		for who, fen := range ss.St.Collectors {
			ss.Collectors = append(ss.Collectors, collector{Who: name(who), Fen: fen})
		}
		sort.Slice(ss.Collectors, func(i, j int) bool { return ss.Collectors[i].Who < ss.Collectors[j].Who })
		v.Suppliers = append(v.Suppliers, ss)
	}
	for _, it := range s.Catalog.Items {
		if it.Supplier != "" && !it.FreeOnly {
			v.Items = append(v.Items, it)
		}
	}
	s.render(w, r, "settlement", v)
}

// shortfall reports, for staff, what a supplier cannot pack of an item
// for a day (see actions.Service.Shortfall).
func (s *Server) shortfall(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	day := r.PostFormValue("date")
	back := "/admin/settlement?date=" + url.QueryEscape(day)
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		done(w, r, "/admin/settlement", "", "short")
		return
	}
	qty, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("qty")))
	if err != nil || qty < 1 {
		done(w, r, back, "", "short")
		return
	}
	_, err = s.Actions.Shortfall(r.Context(), s.actor(sess), r.PostFormValue("sku"), qty, day)
	switch {
	case errors.Is(err, orders.ErrNotFound), errors.Is(err, actions.ErrAmount):
		done(w, r, back, "", "short")
	case errors.Is(err, actions.ErrShortfallDown):
		done(w, r, back, "", "short-down")
	case errors.Is(err, actions.ErrShortfallTooLarge):
		done(w, r, back, "", "short-large")
	case err != nil:
		s.failed(w, r, "shortfall", err)
	default:
		done(w, r, back, "shortfall", "")
	}
}
