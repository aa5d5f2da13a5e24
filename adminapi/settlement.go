package adminapi

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/reports"
	"github.com/baogong/baogong/staff"
)

// SettlementJSON is GET /api/settlement's answer: a supplier's account of
// an order day (see orders.Settlement), amounts in fen.
type SettlementJSON struct {
	orders.Settlement
	SupplierName string `json:"supplier_name"`
	// Collectors are named as people read them, not by openid.
	Collectors map[string]int64 `json:"collectors"`
}

// settlement answers GET /api/settlement?supplier=&date=&format=json|csv|xlsx:
// what the supplier is owed for the day's goods delivered, what was
// collected by whom, what is unpaid and owed back.
func (s *Server) settlement(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sup, ok := s.Jobs.Catalog.Supplier(q.Get("supplier"))
	if !ok {
		ids := make([]string, len(s.Jobs.Catalog.Suppliers))
		for i, x := range s.Jobs.Catalog.Suppliers {
			ids[i] = x.ID
		}
		writeJSON(w, http.StatusBadRequest, errorBody{fmt.Sprintf("supplier must be one of %v", ids)})
		return
	}
	day := q.Get("date")
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"date must be YYYY-MM-DD"})
		return
	}
	format := q.Get("format")
	if !slices.Contains([]string{"", "json", "csv", "xlsx"}, format) {
		writeJSON(w, http.StatusBadRequest, errorBody{"format must be json, csv or xlsx"})
		return
	}
	list, err := s.Store.Orders(r.Context(), orders.Filter{Day: day, Limit: 1 << 20})
	if err != nil {
		s.unavailable(w, "settlement", err)
		return
	}
	people, err := s.Store.People(r.Context())
	if err != nil {
		s.unavailable(w, "settlement", err)
		return
	}
	name := PersonName(s.Community, people)
	st := orders.BuildSettlement(s.Jobs.Catalog, list, sup.ID, day)
	file := url.PathEscape(fmt.Sprintf("对账单-%s-%s", day, sup.Name))
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+file+".csv")
		err = reports.SettlementCSV(w, st, sup.Name, name)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+file+".xlsx")
		err = reports.SettlementXLSX(w, st, sup.Name, name)
	default:
		out := SettlementJSON{Settlement: st, SupplierName: sup.Name, Collectors: map[string]int64{}}
		for who, fen := range st.Collectors {
			out.Collectors[name(who)] += fen
		}
		out.Settlement.Collectors = nil
		writeJSON(w, http.StatusOK, out)
		return
	}
	if err != nil {
		s.Log.Error("render settlement", "supplier", sup.ID, "err", err)
	}
}

// PersonName names people as staff read them: the name the office noted,
// else their role (楼栋长, 社区工作人员, the admin token's 管理员), never an
// openid.
func PersonName(c *orders.Community, people map[string]orders.Person) func(openid string) string {
	return func(openid string) string {
		if name, ok := orders.KeptName(openid); ok {
			return name // the id went for good (personal data's end)
		}
		if p := people[openid]; p.Name != "" {
			return p.Name
		}
		switch {
		case openid == staff.TokenWho:
			return "管理员"
		case openid == "":
			return "未知"
		case c != nil && slices.Contains(c.Admins, openid):
			return "社区工作人员"
		case c != nil && len(orders.LedBy(c.Leads, openid)) > 0:
			return "楼栋长"
		}
		return "志愿者或居民"
	}
}
