package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

type stockView struct {
	*view
	Days  orders.Days
	Items []stockRow
}

func (s *Server) stock(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	v := &stockView{view: s.newView(r, sess, textStock, "stock")}
	days, open, err := s.dayOrders(ctx, func(d orders.Days) string { return d.Open })
	if err != nil {
		s.failed(w, r, "stock", err)
		return
	}
	v.Days = days
	if v.Items, err = s.stockRows(ctx, open); err != nil {
		s.failed(w, r, "stock", err)
		return
	}
	s.render(w, r, "stock", v)
}

// maxAdd bounds one stock change: a typo of three zeros too many should
// not fill the shelves.
const maxAdd = 100000

// addStock adds (or, negative, takes off) units of a limited item.
func (s *Server) addStock(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	sku := r.PathValue("sku")
	it, ok := s.Catalog.Item(sku)
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("n")))
	if !ok || err != nil || n == 0 || n > maxAdd || n < -maxAdd {
		done(w, r, "/admin/stock", "", "amount")
		return
	}
	left, err := s.Store.AddStock(r.Context(), sku, n)
	switch {
	case errors.Is(err, orders.ErrNotFound):
		done(w, r, "/admin/stock", "", "unlimited")
		return
	case errors.Is(err, orders.ErrInvalid):
		done(w, r, "/admin/stock", "", "below-zero")
		return
	case err != nil:
		s.failed(w, r, "add stock", err)
		return
	}
	s.record(r, sess, textAuditAddStock, it.Name, strconv.Itoa(n)+it.Unit+"，还剩"+strconv.Itoa(left)+it.Unit)
	done(w, r, "/admin/stock", "stock-added", "")
}

// soldOut takes what is left of an item off sale.
func (s *Server) soldOut(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	sku := r.PathValue("sku")
	it, ok := s.Catalog.Item(sku)
	if !ok {
		done(w, r, "/admin/stock", "", "unlimited")
		return
	}
	was, err := s.Store.StopSelling(r.Context(), sku)
	if errors.Is(err, orders.ErrNotFound) {
		done(w, r, "/admin/stock", "", "unlimited")
		return
	}
	if err != nil {
		s.failed(w, r, "sold out", err)
		return
	}
	s.record(r, sess, textAuditSoldOut, it.Name, "原来还剩"+strconv.Itoa(was)+it.Unit)
	done(w, r, "/admin/stock", "sold-out", "")
}
