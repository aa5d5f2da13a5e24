package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/reports"
)

// Jobs is what the API needs to run jobs and show what they made.
type Jobs struct {
	Runner  *jobs.Runner
	Catalog *catalog.Catalog
	// Links checks the signed links sent to volunteers and suppliers.
	Links *signedurl.Signer
	// RxLink, when set, makes the link of a kept prescription photo for
	// a supplier's contact (actions.MediaLinks.RxPhoto).
	RxLink func(key, supplier, viewer string) string
	// StaffRxLink, when set, makes the link of order's prescription photo
	// in the console, for a pick list opened by staff (ParamStaff).
	StaffRxLink func(order string) string
}

// ParamStaff marks a pick list link made for staff (the console's, signed
// with it): its prescription photos open in the console by the staff
// member's session, never by the pharmacy contact's links, which would
// make the office's browser the pharmacy's phone.
const ParamStaff = "staff"

func (s *Server) registerJobs(mux *http.ServeMux) {
	if s.Jobs == nil {
		return
	}
	mux.Handle("POST /api/jobs/{name}/run", s.auth(http.HandlerFunc(s.runJob)))
	mux.Handle("GET /api/jobs/runs/{id}", s.auth(http.HandlerFunc(s.jobRun)))
	mux.Handle("GET /api/suppliers/{id}/picklist", s.auth(http.HandlerFunc(s.picklist)))
	mux.Handle("GET /api/rosters/{grid}/{slot}", s.auth(http.HandlerFunc(s.roster)))
	mux.Handle("GET /api/settlement", s.auth(http.HandlerFunc(s.settlement)))
	// The same pages behind signed, expiring links, for people without
	// the admin token: a supermarket, a volunteer.
	mux.Handle("GET /p/{id}/{date}", s.signed(http.HandlerFunc(s.picklist)))
	mux.Handle("GET /r/{grid}/{slot}/{volunteer}", s.signed(http.HandlerFunc(s.roster)))
	// A volunteer's 送达 on their round page (round.go).
	mux.Handle("POST /r/{grid}/{slot}/{volunteer}/done/{order}", s.signed(http.HandlerFunc(s.deliverStop)))
	mux.Handle("GET /s/{lead}/{unit}", s.signed(http.HandlerFunc(s.leadSummary)))
}

// signed serves next to requests whose link the service signed (see
// signedurl); the pages are personal: nothing keeps them.
func (s *Server) signed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		switch err := s.Jobs.Links.Check(r); {
		case errors.Is(err, signedurl.ErrExpired):
			page(w, http.StatusGone, "这个链接已经过期了，请向网格员要新的链接。")
		case err != nil:
			page(w, http.StatusForbidden, "这个链接不对，请从微信消息里重新打开。")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// page answers a person (not a program) with one plain sentence.
func page(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><p style=\"font-size:20px;padding:1em\">%s</p>", text)
}

func (s *Server) picklist(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sup, ok := s.Jobs.Catalog.Supplier(id)
	if !ok {
		writeJSON(w, http.StatusNotFound, errorBody{"no such supplier"})
		return
	}
	day := r.PathValue("date")
	if day == "" {
		day = r.URL.Query().Get("date")
	}
	if day == "" {
		// Without a date: the day last closed, whose goods are being
		// packed or delivered (today's after the cutoff, yesterday's
		// before it), not the open day still taking orders.
		var cal orders.Calendar
		if s.Community != nil {
			cal = s.Community.Calendar
		}
		days, err := cal.Read(r.Context(), s.Store, s.now(), s.Jobs.Runner.Location)
		if err != nil {
			s.unavailable(w, "pick list", err)
			return
		}
		day = days.LastClosed()
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"date must be YYYY-MM-DD"})
		return
	}
	all, err := s.Store.Orders(r.Context(), orders.Filter{Day: day, Limit: 1 << 20})
	if err != nil {
		s.unavailable(w, "pick list", err)
		return
	}
	// Goods still to pack: as the list was sent, or, before it is, now.
	sent, ok, err := s.Store.MarkedAt(r.Context(), jobs.PicklistMark(day))
	if err != nil {
		s.unavailable(w, "pick list", err)
		return
	}
	if !ok {
		sent = s.now()
	}
	if !sent.IsZero() {
		all = orders.ToPack(all, sent)
	}
	var pl orders.PickList
	for _, p := range orders.BuildPickLists(s.Jobs.Catalog, all, day) {
		if p.Supplier == id {
			pl = p
		}
	}
	// A prescription photo shows by its own signed, expiring link, never
	// by WeChat's URL (issue 19).
	// Each link is for the pharmacy's contact, opened only on their phone
	// (issue 21): the list forwarded shows no photo.
	staff := r.URL.Query().Get(ParamStaff) != ""
	for i := range pl.Rx {
		switch {
		case pl.Rx[i].Photo == "":
		case staff:
			if s.Jobs.StaffRxLink != nil {
				pl.Rx[i].PicURL = s.Jobs.StaffRxLink(pl.Rx[i].OrderID)
			}
		case s.Jobs.RxLink != nil && sup.ContactOpenID != "":
			pl.Rx[i].PicURL = s.Jobs.RxLink(pl.Rx[i].Photo, sup.ID, sup.ContactOpenID)
		}
	}
	name := sup.Name
	file := url.PathEscape(fmt.Sprintf("备货单-%s-%s", day, name))
	switch f := r.URL.Query().Get("format"); f {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+file+".csv")
		err = reports.PicklistCSV(w, pl, name)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+file+".xlsx")
		err = reports.PicklistXLSX(w, pl, name)
	case "", "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err = reports.PicklistHTML(w, pl, name, s.downloadLinks(r))
	default:
		writeJSON(w, http.StatusBadRequest, errorBody{"format must be csv, xlsx or html"})
		return
	}
	if err != nil {
		s.Log.Error("render pick list", "supplier", id, "err", err)
	}
}

// downloadLinks gives the HTML page links to the CSV and XLSX of the same
// list, signed again when the page was opened by a signed link.
func (s *Server) downloadLinks(r *http.Request) map[string]string {
	links := map[string]string{}
	for _, f := range []string{"csv", "xlsx"} {
		if r.URL.Query().Get(signedurl.ParamSig) != "" {
			// The same link in another format (and the same community).
			q := r.URL.Query()
			q.Set("format", f)
			links[f] = s.sameLife(r, r.URL.Path, q)
		} else {
			q := r.URL.Query()
			q.Set("format", f)
			links[f] = r.URL.Path + "?" + q.Encode()
		}
	}
	return links
}

func (s *Server) roster(w http.ResponseWriter, r *http.Request) {
	sec, err := strconv.ParseInt(r.PathValue("slot"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody{"slot must be unix seconds"})
		return
	}
	ro, err := s.Store.Roster(r.Context(), r.PathValue("grid"), time.Unix(sec, 0))
	if errors.Is(err, orders.ErrNotFound) {
		page(w, http.StatusNotFound, "这一轮还没有排班。")
		return
	}
	if err != nil {
		s.unavailable(w, "roster", err)
		return
	}
	if err := s.phonesOfUnbound(r.Context(), &ro); err != nil {
		s.unavailable(w, "roster", err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	// A volunteer's own link opens their round for the phone; ?print=1
	// (and the whole grid, over the API) the A4 table.
	if v := r.PathValue("volunteer"); v != "" && r.URL.Query().Get("print") == "" {
		s.round(w, r, ro)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err = reports.RosterHTML(w, ro, r.PathValue("volunteer"), s.Jobs.Runner.Location)
	if errors.Is(err, reports.ErrNoShare) {
		page(w, http.StatusNotFound, "这一轮没有您的任务。")
		return
	}
	if err != nil {
		s.Log.Error("render roster", "err", err)
	}
}

// phonesOfUnbound keeps on ro the phones of the households nobody of
// which has bound WeChat, and drops the others: a household on WeChat
// hears from us there, and a volunteer needs to ring only the elder
// without it. Without Bindings (a test server) ro stays as it is.
func (s *Server) phonesOfUnbound(ctx context.Context, ro *orders.Roster) error {
	if s.Bindings == nil {
		return nil
	}
	bound := map[string]bool{}
	for i := range ro.Shares {
		for j := range ro.Shares[i].Stops {
			st := &ro.Shares[i].Stops[j]
			if st.Contact == "" {
				continue
			}
			hh := st.Address.Household()
			b, ok := bound[hh]
			if !ok {
				users, err := s.Bindings.HouseholdUsers(ctx, hh)
				if err != nil {
					return err
				}
				b = len(users) > 0
				bound[hh] = b
			}
			if b {
				st.Contact = ""
			}
		}
	}
	return nil
}
