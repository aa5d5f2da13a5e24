package adminapi

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
)

// MarksJSON is a household's marks (独居老人, 孕妇, 透析, 残疾, 低保) as the
// API shows them. Household is the key, 3-2-501 (3--501 without a unit).
type MarksJSON struct {
	Household string        `json:"household"`
	Address   string        `json:"address"`
	Marks     []orders.Mark `json:"marks"`
}

func (s *Server) registerMarks(mux *http.ServeMux) {
	mux.Handle("GET /api/marks", s.auth(http.HandlerFunc(s.listMarks)))
	mux.Handle("GET /api/households/{household}/marks", s.auth(http.HandlerFunc(s.getMarks)))
	mux.Handle("PUT /api/households/{household}/marks", s.auth(http.HandlerFunc(s.putMarks)))
	mux.Handle("DELETE /api/households/{household}/marks", s.auth(http.HandlerFunc(s.deleteMarks)))
}

// household reads the {household} of the path: 3-2-501, or an address as
// residents write it (3栋2单元501). It answers 400 itself and returns
// false when it cannot.
func (s *Server) household(w http.ResponseWriter, r *http.Request) (orders.Address, bool) {
	raw := strings.TrimSpace(zh.Fold(r.PathValue("household")))
	m, ok := orders.FindAddress(raw, nil)
	if !ok || m.Start != 0 || m.End != len(raw) {
		writeJSON(w, http.StatusBadRequest, errorBody{"household must be building-unit-room, e.g. 3-2-501 (3--501 without a unit)"})
		return orders.Address{}, false
	}
	if s.Community != nil {
		if _, err := s.Community.Locate(m.Address); err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody{"building " + m.Building + " is in no grid of this community"})
			return orders.Address{}, false
		}
	}
	return m.Address, true
}

func marksJSON(a orders.Address, ms []orders.Mark) MarksJSON {
	if ms == nil {
		ms = []orders.Mark{}
	}
	return MarksJSON{Household: a.Household(), Address: a.String(), Marks: ms}
}

func (s *Server) listMarks(w http.ResponseWriter, r *http.Request) {
	all, err := s.Store.AllMarks(r.Context())
	if err != nil {
		s.unavailable(w, "list marks", err)
		return
	}
	out := make([]MarksJSON, 0, len(all))
	for hh, ms := range all {
		a, err := orders.ParseHousehold(hh)
		if err != nil {
			continue
		}
		out = append(out, marksJSON(a, ms))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Household < out[j].Household })
	writeJSON(w, http.StatusOK, map[string]any{"households": out})
}

func (s *Server) getMarks(w http.ResponseWriter, r *http.Request) {
	a, ok := s.household(w, r)
	if !ok {
		return
	}
	ms, err := s.Store.HouseholdMarks(r.Context(), a.Household())
	if err != nil {
		s.unavailable(w, "household marks", err)
		return
	}
	writeJSON(w, http.StatusOK, marksJSON(a, ms))
}

func (s *Server) putMarks(w http.ResponseWriter, r *http.Request) {
	a, ok := s.household(w, r)
	if !ok {
		return
	}
	var in struct {
		Marks []string `json:"marks"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || in.Marks == nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"body must be {\"marks\": [\"独居老人\"]}"})
		return
	}
	var marks []orders.Mark
	for _, word := range in.Marks {
		m, ok := orders.ParseMark(zh.Fold(word))
		if !ok {
			writeJSON(w, http.StatusBadRequest, errorBody{"unknown mark " + strconv.Quote(word) + "; marks are " + kindsList()})
			return
		}
		marks = append(marks, m)
	}
	res, err := s.Actions.Mark(r.Context(), apiActor, a, actions.SetMarks, marks)
	if err != nil {
		s.unavailable(w, "set marks", err)
		return
	}
	writeJSON(w, http.StatusOK, marksJSON(a, res.After))
}

func (s *Server) deleteMarks(w http.ResponseWriter, r *http.Request) {
	a, ok := s.household(w, r)
	if !ok {
		return
	}
	if _, err := s.Actions.Mark(r.Context(), apiActor, a, actions.RemoveMarks, nil); err != nil {
		s.unavailable(w, "remove marks", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func kindsList() string {
	parts := make([]string, len(orders.MarkKinds))
	for i, m := range orders.MarkKinds {
		parts[i] = string(m)
	}
	return strings.Join(parts, ", ")
}
