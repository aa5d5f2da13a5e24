package console

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

type servedRow struct {
	Household, Address, Grid, OrderID string
}

type distributionsView struct {
	*view
	Items []catalog.Item
	Grids []string
	ID    string
	// Result is what a run just did; Served and LeftOut what a
	// distribution looked up has given and whom it has not reached.
	Result  *orders.DistributionResult
	Looked  bool
	Served  []servedRow
	Missing []servedRow
}

// distributions shows the form to start one, and, with ?id=, who a
// distribution served and who it has not reached.
func (s *Server) distributions(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	v := s.distributionsView(r, sess)
	if v.ID != "" {
		if err := s.lookUp(r.Context(), v); err != nil {
			s.failed(w, r, "distribution", err)
			return
		}
	}
	s.render(w, r, "distributions", v)
}

func (s *Server) distributionsView(r *http.Request, sess staff.Session) *distributionsView {
	v := &distributionsView{view: s.newView(r, sess, textDistributions, "distributions"), Grids: s.Community.GridIDs(),
		ID: strings.TrimSpace(r.FormValue("id"))}
	for _, it := range s.Catalog.Items {
		if it.FreeOnly || it.PriceFen == 0 {
			v.Items = append(v.Items, it)
		}
	}
	if len(v.Items) == 0 {
		v.Items = s.Catalog.Items
	}
	if v.ID == "" {
		v.ID = s.now().In(s.Location).Format(time.DateOnly) + "-免费"
	}
	return v
}

// lookUp fills who distribution v.ID served, and the known households it
// has not.
func (s *Server) lookUp(ctx context.Context, v *distributionsView) error {
	entries, err := s.Store.DistributionEntries(ctx, v.ID)
	if err != nil {
		return err
	}
	v.Looked = true
	all, err := s.Distributor.Households(ctx, nil)
	if err != nil {
		return err
	}
	for _, a := range all {
		g, _ := s.Community.GridOf(a.Building)
		row := servedRow{Household: a.Household(), Address: a.String(), Grid: g, OrderID: entries[a.Household()]}
		if row.OrderID != "" {
			v.Served = append(v.Served, row)
		} else {
			v.Missing = append(v.Missing, row)
		}
	}
	return nil
}

// distribute starts (or tops up) a distribution and shows what it did.
func (s *Server) distribute(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if s.Distributor == nil {
		s.message(w, r, http.StatusNotFound, textNoDistributions)
		return
	}
	v := s.distributionsView(r, sess)
	per, err := strconv.Atoi(r.PostFormValue("per"))
	grids := r.PostForm["grid"]
	sku := r.PostFormValue("sku")
	if err != nil || per < 1 || per > 10 || len([]rune(v.ID)) > 60 || !slices.ContainsFunc(s.Catalog.Items, func(it catalog.Item) bool { return it.SKU == sku }) {
		v.Problem = problemTexts["distribution"]
		s.render(w, r, "distributions", v)
		return
	}
	// Thousands of households outlive a browser that gives up waiting.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Minute)
	defer cancel()
	res, err := s.Actions.Distribute(ctx, s.actor(sess), orders.DistributionRequest{ID: v.ID, SKU: sku, PerHousehold: per, Grids: grids})
	if errors.Is(err, orders.ErrInvalid) || errors.Is(err, orders.ErrNotFound) {
		v.Problem = problemTexts["distribution"]
		s.render(w, r, "distributions", v)
		return
	}
	if err != nil {
		s.failed(w, r, "distribute", err)
		return
	}
	v.Result = &res
	if err := s.lookUp(r.Context(), v); err != nil {
		s.failed(w, r, "distribution", err)
		return
	}
	s.render(w, r, "distributions", v)
}
