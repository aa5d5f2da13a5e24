package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/baogong/baogong/actions"
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

// addStock adds (or, negative, takes off) units of a limited item.
func (s *Server) addStock(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("n")))
	if err != nil {
		done(w, r, "/admin/stock", "", "amount")
		return
	}
	_, err = s.Actions.AddStock(r.Context(), s.actor(sess), r.PathValue("sku"), n)
	switch {
	case errors.Is(err, actions.ErrUnlimited), errors.Is(err, orders.ErrNotFound):
		done(w, r, "/admin/stock", "", "unlimited")
	case errors.Is(err, actions.ErrAmount):
		done(w, r, "/admin/stock", "", "amount")
	case errors.Is(err, orders.ErrInvalid):
		done(w, r, "/admin/stock", "", "below-zero")
	case err != nil:
		s.failed(w, r, "add stock", err)
	default:
		done(w, r, "/admin/stock", "stock-added", "")
	}
}

// soldOut takes what is left of an item off sale.
func (s *Server) soldOut(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	_, err := s.Actions.SoldOut(r.Context(), s.actor(sess), r.PathValue("sku"))
	switch {
	case errors.Is(err, actions.ErrUnlimited), errors.Is(err, orders.ErrNotFound):
		done(w, r, "/admin/stock", "", "unlimited")
	case err != nil:
		s.failed(w, r, "sold out", err)
	default:
		done(w, r, "/admin/stock", "sold-out", "")
	}
}
