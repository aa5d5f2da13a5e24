package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/zh"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/reports"
	"github.com/baogong/baogong/staff"
)

// maxListed bounds one search's rows on a page.
const maxListed = 300

type ordersView struct {
	*view
	Q, Phone, Status, Date string
	Statuses               []statusOption
	// Pay filters by payment status; Pays are the choices.
	Pay      string
	Pays     []statusOption
	Searched bool
	Orders   []orders.Order
	More     bool
	// Household is the household searched for, when the search was one.
	Household  string
	LedgerDate string
	// Days are the order days to choose from, the open day first.
	Days []dayOption
}

// dayOption is an order day in a choice of days: 2026-11-24 shown as
// 11月24日 周二, the same in every browser (a date input shows the
// browser's locale).
type dayOption struct {
	Value, Label string
}

// daysShown is how many order days back the choices of days go.
const daysShown = 31

// dayOptions are the order days from open back daysShown days, with
// also (when older) chosen.
func dayOptions(days orders.Days, chosen string) []dayOption {
	var out []dayOption
	for i := range daysShown {
		day := orders.AddDays(days.Open, -i)
		label := dayLabel(day) + " " + weekdayOf(day)
		switch day {
		case days.Today:
			label += textTodaySuffix
		case days.Open:
			label += textOpenSuffix
		}
		out = append(out, dayOption{day, label})
	}
	if chosen != "" && !slices.ContainsFunc(out, func(o dayOption) bool { return o.Value == chosen }) {
		out = append(out, dayOption{chosen, dayLabel(chosen) + " " + weekdayOf(chosen)})
	}
	return out
}

type statusOption struct {
	Value, Label string
}

// orders searches orders by order number or address (q), phone tail,
// status and order day.
func (s *Server) orders(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	q := r.URL.Query()
	v := &ordersView{view: s.newView(r, sess, textOrders, "orders"),
		Q: strings.TrimSpace(q.Get("q")), Phone: digits(q.Get("phone")), Status: q.Get("status"), Date: q.Get("date"), Pay: q.Get("pay")}
	for _, st := range statusOrder {
		v.Statuses = append(v.Statuses, statusOption{string(st), statusText(st)})
	}
	for _, p := range payOrder {
		v.Pays = append(v.Pays, statusOption{string(p), reports.PayNames[p]})
	}
	days, err := s.days(ctx)
	if err != nil {
		s.failed(w, r, "orders", err)
		return
	}
	v.LedgerDate = days.LastClosed()
	if v.Date != "" {
		if _, err := time.Parse(time.DateOnly, v.Date); err != nil {
			v.Problem, v.Date = textBadDate, ""
		} else {
			v.LedgerDate = v.Date
		}
	}
	v.Days = dayOptions(days, v.LedgerDate)
	f := orders.Filter{Status: orders.Status(v.Status), Day: v.Date, Limit: maxListed + 1}
	var list []orders.Order
	switch {
	case v.Q != "" && isDigits(v.Q):
		v.Searched = true
		o, err := s.Store.Order(ctx, v.Q)
		if err != nil && !errors.Is(err, orders.ErrNotFound) {
			s.failed(w, r, "orders", err)
			return
		}
		if err == nil {
			list = []orders.Order{o}
		}
	case v.Q != "":
		v.Searched = true
		folded := strings.TrimSpace(zh.Fold(v.Q))
		m, ok := orders.FindAddress(folded, nil)
		if !ok {
			v.Problem = textBadQuery
			break
		}
		v.Household = m.Address.String()
		if list, err = s.Store.HouseholdOrders(ctx, m.Address.Household(), 1000); err != nil {
			s.failed(w, r, "orders", err)
			return
		}
	default:
		v.Searched = v.Phone != "" || v.Status != "" || v.Date != "" || v.Pay != ""
		if v.Phone != "" || v.Pay != "" {
			f.Limit = 1 << 20 // the tail is matched below
		}
		if list, err = s.Store.Orders(ctx, f); err != nil {
			s.failed(w, r, "orders", err)
			return
		}
	}
	for _, o := range list {
		if f.Match(&o) && (v.Phone == "" || strings.HasSuffix(digits(o.Contact), v.Phone)) && (v.Pay == "" || string(o.Pay.Status) == v.Pay) {
			v.Orders = append(v.Orders, o)
		}
	}
	if len(v.Orders) > maxListed {
		v.Orders, v.More = v.Orders[:maxListed], true
	}
	s.render(w, r, "orders", v)
}

type orderView struct {
	*view
	Order orders.Order
	// CanCancel and CanDeliver say which actions the order allows; CanPay
	// and CanRefund which payment steps.
	CanCancel, CanDeliver bool
	CanPay, CanRefund     bool
	Marks                 []orders.Mark
	Users                 []string
	// PhotoLink is the signed link of the prescription photo, if kept.
	PhotoLink string
}

func (s *Server) order(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	o, err := s.Store.Order(ctx, r.PathValue("id"))
	if errors.Is(err, orders.ErrNotFound) {
		s.message(w, r, http.StatusNotFound, textNoSuchOrder)
		return
	}
	if err != nil {
		s.failed(w, r, "order", err)
		return
	}
	v := &orderView{view: s.newView(r, sess, fmt.Sprintf(textOrderTitle, o.ID), "orders"), Order: o,
		CanCancel: orders.CanMove(o.Status, orders.StatusCancelled), CanDeliver: orders.CanMove(o.Status, orders.StatusDelivered),
		CanPay: o.Owed() > 0, CanRefund: o.Pay.Status == orders.PayRefundDue}
	marks, err := s.Store.MarksOf(ctx, []string{o.Household()})
	if err != nil {
		s.failed(w, r, "order", err)
		return
	}
	users, err := s.Store.HouseholdsUsers(ctx, []string{o.Household()})
	if err != nil {
		s.failed(w, r, "order", err)
		return
	}
	v.Marks, v.Users = marks[o.Household()], users[o.Household()]
	// The prescription photo baogong keeps: shown only to this session,
	// each view audited (issue 21), never by a link that could travel.
	if o.Rx != nil && o.Rx.Photo != "" {
		v.PhotoLink = RxPhotoPath(o.ID)
	}
	s.render(w, r, "order", v)
}

// RxPhotoPath is the console's route of order id's prescription photo:
// it opens for a signed-in staff member only.
func RxPhotoPath(id string) string { return "/admin/orders/" + url.PathEscape(id) + "/rx-photo" }

// rxPhoto shows the prescription photo of an order to the signed-in staff
// member (actions.ViewRxPhoto audits it).
func (s *Server) rxPhoto(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	if r.Method != http.MethodGet {
		// A HEAD would be a view audited without being seen.
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p, err := s.Actions.ViewRxPhoto(r.Context(), s.actor(sess), r.PathValue("id"), "")
	switch {
	case errors.Is(err, orders.ErrNotFound):
		s.message(w, r, http.StatusNotFound, textNoRxPhoto)
		return
	case err != nil:
		s.failed(w, r, "rx photo", err)
		return
	}
	ct := p.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(p.Data)))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Write(p.Data)
}

// cancelOrder cancels an order with a reason (stock and limits go back)
// and tells the household.
func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	s.changeOrder(w, r, sess, orders.StatusCancelled)
}

// deliverOrder marks an order delivered with a note and tells the
// household.
func (s *Server) deliverOrder(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	s.changeOrder(w, r, sess, orders.StatusDelivered)
}

func (s *Server) changeOrder(w http.ResponseWriter, r *http.Request, sess staff.Session, to orders.Status) {
	ctx := r.Context()
	id := r.PathValue("id")
	back := "/admin/orders/" + url.PathEscape(id)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" || len([]rune(reason)) > 200 {
		done(w, r, back, "", "reason")
		return
	}
	var (
		told bool
		err  error
	)
	if to == orders.StatusCancelled {
		_, told, err = s.Actions.Cancel(ctx, s.actor(sess), id, reason, nil, nil)
	} else {
		var res actions.DeliverResult
		res, err = s.Actions.Deliver(ctx, s.actor(sess), actions.Scope{OrderID: id}, reason)
		told = res.Notified > 0
	}
	switch {
	case errors.Is(err, orders.ErrNotFound):
		s.message(w, r, http.StatusNotFound, textNoSuchOrder)
		return
	case errors.Is(err, orders.ErrConflict):
		done(w, r, back, "", "moved")
		return
	case err != nil:
		s.failed(w, r, "change order", err)
		return
	}
	code := string(to)
	if !told {
		code += "-untold"
	}
	done(w, r, back, code, "")
}

// payOrder lists the payment statuses in the order people meet them.
var payOrder = []orders.PayStatus{orders.PayUnpaid, orders.PayClaimed, orders.PayPaid, orders.PayFree, orders.PayRefundDue, orders.PayRefunded}

// markPaid records that staff collected an order's money.
func (s *Server) markPaid(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	id := r.PathValue("id")
	_, err := s.Actions.Collect(r.Context(), s.actor(sess), id, 0, "")
	s.moneyDone(w, r, id, err, "paid", "paid-already")
}

// markRefunded records that staff gave back what an order owed back.
func (s *Server) markRefunded(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	id := r.PathValue("id")
	_, err := s.Actions.Refunded(r.Context(), s.actor(sess), id)
	s.moneyDone(w, r, id, err, "refunded", "refund-none")
}

func (s *Server) moneyDone(w http.ResponseWriter, r *http.Request, id string, err error, ok, conflict string) {
	back := "/admin/orders/" + url.PathEscape(id)
	var pe *orders.PaymentError
	switch {
	case errors.Is(err, orders.ErrNotFound):
		s.message(w, r, http.StatusNotFound, textNoSuchOrder)
	case errors.As(err, &pe):
		done(w, r, back, "", conflict)
	case err != nil:
		s.failed(w, r, "payment", err)
	default:
		done(w, r, back, ok, "")
	}
}

// ledger serves the 台账 of an order day as CSV or XLSX, to the admin
// token or a console session.
func (s *Server) ledger(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.apiSession(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	day := r.URL.Query().Get("date")
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		http.Error(w, "date must be YYYY-MM-DD", http.StatusBadRequest)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "xlsx" {
		http.Error(w, "format must be csv or xlsx", http.StatusBadRequest)
		return
	}
	list, err := s.Store.Orders(ctx, orders.Filter{Day: day, Limit: 1 << 20})
	if err != nil {
		s.Log.ErrorContext(ctx, "ledger", "err", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	rows := reports.LedgerRows(list, s.ledgerWho(ctx))
	file := url.PathEscape("台账-" + day + "." + format)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+file)
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = reports.LedgerCSV(w, rows, s.Location)
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = reports.LedgerXLSX(w, day, rows, s.Location)
	}
	if err != nil {
		s.Log.ErrorContext(ctx, "ledger render", "err", err)
	}
	s.record(r, sess, textAuditLedger, day, format)
}

// ledgerWho names people in the 台账 as the office knows them: the name
// it noted and their role here; never their openid.
func (s *Server) ledgerWho(ctx context.Context) reports.Who {
	names := s.names(ctx)
	roles, err := s.roles(ctx)
	if err != nil {
		s.Log.ErrorContext(ctx, "ledger roles", "err", err)
	}
	return func(id string) (name, role string) {
		if id == staff.TokenWho {
			return textTokenWho, ""
		}
		if len(roles[id]) > 0 {
			role = roles[id][0]
		}
		return names[id], role
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// digits keeps the ASCII digits of s (a phone as leads write it: 139
// 0000 1111, 139-0000-1111).
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, zh.Fold(s))
}
