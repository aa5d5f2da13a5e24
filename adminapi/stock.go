package adminapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/orders"
)

// Stock and shortages (issue 10): stock added while the service runs, and
// what the office asks the supplier for tomorrow.

func (s *Server) registerStock(mux *http.ServeMux) {
	if s.Jobs == nil {
		return
	}
	mux.Handle("POST /api/stock/{sku}", s.auth(http.HandlerFunc(s.addStock)))
	mux.Handle("GET /api/shortages", s.auth(http.HandlerFunc(s.shortages)))
}

// StockAddJSON answers POST /api/stock/{sku}.
type StockAddJSON struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Added     int    `json:"added"`
	StockLeft int    `json:"stock_left"`
	// Told are those waiting for it (到货通知) who were told it is back,
	// first come first; Waiting are those still waiting.
	Told    []string `json:"told"`
	Waiting int      `json:"waiting"`
}

// addStock adds {"add": N} units to what is left of a limited item (N < 0
// takes some off), at once and for good: a restart with the same catalog
// keeps it (the catalog's stock and what was added are kept apart), and
// raising the catalog's stock later adds the difference on top. Those
// waiting for the item are told, one per unit left.
func (s *Server) addStock(w http.ResponseWriter, r *http.Request) {
	sku := r.PathValue("sku")
	if _, ok := s.Jobs.Catalog.Item(sku); !ok {
		writeJSON(w, http.StatusNotFound, errorBody{fmt.Sprintf("no item %q in the catalog", sku)})
		return
	}
	var in struct {
		Add *int `json:"add"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.Add == nil {
		writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf(`body must be {"add": N}, N a whole number from -%d to %d, not 0`, actions.MaxStockChange, actions.MaxStockChange)})
		return
	}
	res, err := s.Actions.AddStock(r.Context(), apiActor, sku, *in.Add)
	switch {
	case errors.Is(err, actions.ErrAmount):
		writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf(`body must be {"add": N}, N a whole number from -%d to %d, not 0`, actions.MaxStockChange, actions.MaxStockChange)})
	case errors.Is(err, actions.ErrUnlimited):
		writeJSON(w, http.StatusConflict, errorBody{fmt.Sprintf("%s has no stock in the catalog (unlimited); give it a stock there first, and restart", sku)})
	case errors.Is(err, orders.ErrInvalid):
		writeJSON(w, http.StatusConflict, errorBody{fmt.Sprintf("only %d left of %s: cannot take off %d", res.Left, sku, -*in.Add)})
	case err != nil:
		s.unavailable(w, "add stock", err)
	default:
		out := StockAddJSON{SKU: sku, Name: res.Item.Name, Added: *in.Add, StockLeft: res.Left, Told: res.Told, Waiting: res.Waiting}
		if out.Told == nil {
			out.Told = []string{}
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// ShortageJSON is one item of GET /api/shortages.
type ShortageJSON struct {
	SKU  string `json:"sku"`
	Name string `json:"name"`
	Unit string `json:"unit"`
	// Ordered are the units ordered for the day (orders not cancelled).
	Ordered int `json:"ordered"`
	// Refused are the units refused for the day, sold out or over the
	// household limit: each household once, for the most it asked.
	Refused int `json:"refused"`
	// Waiting are the people waiting for it now (到货通知).
	Waiting int `json:"waiting"`
	// StockLeft is what is left now; null for an item without a stock.
	StockLeft *int `json:"stock_left"`
}

// shortages answers, per catalog item, what was ordered and refused on
// order day ?date= (default: the open day, still taking orders), who
// waits for it and what is left: what to ask the supplier for tomorrow.
func (s *Server) shortages(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	day := r.URL.Query().Get("date")
	if day == "" {
		var cal orders.Calendar
		if s.Community != nil {
			cal = s.Community.Calendar
		}
		days, err := cal.Read(ctx, s.Store, s.now(), s.Jobs.Runner.Location)
		if err != nil {
			s.unavailable(w, "shortages", err)
			return
		}
		day = days.Open
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"date must be YYYY-MM-DD"})
		return
	}
	all, err := s.Store.Orders(ctx, orders.Filter{Day: day, Limit: 1 << 20})
	if err != nil {
		s.unavailable(w, "shortages", err)
		return
	}
	ordered := orders.Ordered(all)
	refused, err := s.Store.Refused(ctx, day)
	if err != nil {
		s.unavailable(w, "shortages", err)
		return
	}
	skus := make([]string, len(s.Jobs.Catalog.Items))
	for i, it := range s.Jobs.Catalog.Items {
		skus[i] = it.SKU
	}
	waiting, err := s.Store.Waiting(ctx, skus)
	if err != nil {
		s.unavailable(w, "shortages", err)
		return
	}
	left, err := s.Store.StockLeft(ctx)
	if err != nil {
		s.unavailable(w, "shortages", err)
		return
	}
	out := struct {
		Date  string         `json:"date"`
		Items []ShortageJSON `json:"items"`
	}{Date: day, Items: make([]ShortageJSON, 0, len(skus))}
	for _, it := range s.Jobs.Catalog.Items {
		j := ShortageJSON{SKU: it.SKU, Name: it.Name, Unit: it.Unit, Ordered: ordered[it.SKU], Refused: refused[it.SKU], Waiting: waiting[it.SKU]}
		if it.Limited() {
			n := left[it.SKU]
			j.StockLeft = &n
		}
		out.Items = append(out.Items, j)
	}
	writeJSON(w, http.StatusOK, out)
}
