package adminapi

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baogong/baogong/actions"
	"github.com/baogong/baogong/internal/signedurl"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/reports"
)

// A volunteer's round is a page for their phone behind the signed link
// their roster message carries (/r/{grid}/{slot}/{volunteer}): a card per
// household with a 送达 button. The button posts to
// /r/{grid}/{slot}/{volunteer}/done/{order}, a link the page signs for
// that stop: the signature covers the volunteer, the action and the
// order, so it opens nothing else. It is the bot's 完成 (actions.Finish)
// done by the volunteer of the link; a GET of it changes nothing (405),
// and a second press finds the stop delivered.

// Outcomes of a 送达 press, named in the page it leads back to (?r=).
const (
	pressDone     = "done"
	pressUntold   = "done-untold"
	pressAlready  = "already"
	pressCanceled = "cancelled"
	pressNotYours = "not-yours"
)

// pressTexts say what a press did, with the household's door.
var pressTexts = map[string]struct {
	text string
	kind reports.FlashKind
}{
	pressDone:     {"%s 已送达，已通知住户。", reports.FlashDone},
	pressUntold:   {"%s 已送达。这户没有绑定微信，请当面或打电话告诉他们。", reports.FlashDone},
	pressAlready:  {"%s 之前已经送达过了，没有再改动。", reports.FlashAlready},
	pressCanceled: {"%s 的订单已经取消了，不用送。", reports.FlashAlready},
	pressNotYours: {"%s 不在您现在的配送任务里，没有改动。请看公众号里最新的配送单。", reports.FlashRefused},
}

// textBusyPage says a page could not be shown or a press did nothing.
const textBusyPage = "系统繁忙，这次没有办成。请过一会儿再试一次（重复点不会送两次）。"

// roundPath is the path of a volunteer's round page.
func roundPath(grid, slot, volunteer string) string {
	return "/r/" + grid + "/" + slot + "/" + volunteer
}

// linkQuery is the query of a signed link made from r's: its own
// parameters (the community) but the signature's, with more set.
func linkQuery(r *http.Request, set url.Values) url.Values {
	q := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != signedurl.ParamExp && k != signedurl.ParamSig && k != "print" && k != "done" && k != "r" {
			q[k] = vs
		}
	}
	for k, vs := range set {
		q[k] = vs
	}
	return q
}

// sameLife signs a link made from the signed link r was opened by that
// ends when it does: the 送达 buttons and print view of a round last as
// long as the round's own link, no longer.
func (s *Server) sameLife(r *http.Request, path string, q url.Values) string {
	exp, err := strconv.ParseInt(r.URL.Query().Get(signedurl.ParamExp), 10, 64)
	if err != nil {
		return s.Jobs.Links.URL(path, q)
	}
	return s.Jobs.Links.URLUntil(path, q, time.Unix(exp, 0))
}

// relative drops the signer's base from a link: the page posts and links
// back to where it was opened, whatever host that was.
func (s *Server) relative(link string) string {
	return strings.TrimPrefix(link, strings.TrimSuffix(s.Jobs.Links.Base, "/"))
}

// round serves a volunteer's round page.
func (s *Server) round(w http.ResponseWriter, r *http.Request, ro orders.Roster) {
	grid, slot, volunteer := r.PathValue("grid"), r.PathValue("slot"), r.PathValue("volunteer")
	ids := make([]string, 0)
	for _, sh := range ro.Shares {
		if sh.Volunteer == volunteer {
			for _, st := range sh.Stops {
				ids = append(ids, st.OrderID)
			}
		}
	}
	now, err := s.Store.OrdersByID(r.Context(), ids)
	if err != nil {
		s.Log.Error("round", "err", err)
		page(w, http.StatusServiceUnavailable, textBusyPage)
		return
	}
	status := make(map[string]orders.Status, len(now))
	collect := make(map[string]int64)
	for id, o := range now {
		status[id] = o.Status
		if fen := o.ToCollect(); fen > 0 {
			collect[id] = fen
		}
	}
	path := roundPath(grid, slot, volunteer)
	round := reports.Round{Roster: ro, Volunteer: volunteer, Status: status, Collect: collect,
		Deliver: func(id string) string {
			return s.relative(s.sameLife(r, path+"/done/"+id, linkQuery(r, nil)))
		},
		PrintURL: s.relative(s.sameLife(r, path, linkQuery(r, url.Values{"print": {"1"}}))),
	}
	if pt, ok := pressTexts[r.URL.Query().Get("r")]; ok {
		if o, ok := now[r.URL.Query().Get("done")]; ok {
			round.Flash, round.FlashKind, round.Pressed = strings.Replace(pt.text, "%s", o.Address.String(), 1), pt.kind, o.ID
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err = reports.RoundHTML(w, round, s.Jobs.Runner.Location)
	if errors.Is(err, reports.ErrNoShare) {
		page(w, http.StatusNotFound, "这一轮没有您的任务。")
		return
	}
	if err != nil {
		s.Log.Error("render round", "err", err)
	}
}

// deliverStop is a 送达 press on a round page: the volunteer of the link
// finishes the stop as their 完成 would, and goes back to the page, which
// says what happened.
func (s *Server) deliverStop(w http.ResponseWriter, r *http.Request) {
	if !SameOrigin(r) {
		page(w, http.StatusForbidden, "这个操作没有办成：请从配送单页面上点\"送达\"。")
		return
	}
	grid, slot, volunteer, id := r.PathValue("grid"), r.PathValue("slot"), r.PathValue("volunteer"), r.PathValue("order")
	if _, err := strconv.ParseInt(slot, 10, 64); err != nil {
		page(w, http.StatusBadRequest, "这个链接不对，请从微信消息里重新打开。")
		return
	}
	a := actions.Actor{OpenID: volunteer, Who: volunteer, Door: actions.Page}
	res, err := s.Actions.Finish(r.Context(), a, id, 0)
	outcome := pressDone
	switch {
	case err == nil && !res.Notified:
		outcome = pressUntold
	case err == nil:
	case errors.Is(err, orders.ErrConflict) && res.Order.Status == orders.StatusCancelled:
		outcome = pressCanceled
	case errors.Is(err, orders.ErrConflict):
		outcome = pressAlready
	case errors.Is(err, actions.ErrNoRound), errors.Is(err, actions.ErrNotAStop):
		// No stop of their round now: delivered meanwhile and dropped
		// from a newer round, or never theirs.
		outcome = pressNotYours
		if o, err := s.Store.OrdersByID(r.Context(), []string{id}); err == nil && o[id].Assignee == volunteer {
			switch o[id].Status {
			case orders.StatusDelivered, orders.StatusReceived:
				outcome = pressAlready
			case orders.StatusCancelled:
				outcome = pressCanceled
			}
		}
	default:
		// Finish changes nothing it cannot finish: pressing again is safe.
		s.Log.Error("deliver from a round page", "err", err)
		page(w, http.StatusServiceUnavailable, textBusyPage)
		return
	}
	// Back to the page, at the card pressed (which says what happened),
	// or at the top when it is not on the page.
	q := linkQuery(r, url.Values{"done": {id}, "r": {outcome}})
	back := s.relative(s.sameLife(r, roundPath(grid, slot, volunteer), q))
	sec, _ := strconv.ParseInt(slot, 10, 64)
	if ro, err := s.Store.Roster(r.Context(), grid, time.Unix(sec, 0)); err == nil {
		for _, sh := range ro.Shares {
			for _, st := range sh.Stops {
				if sh.Volunteer == volunteer && st.OrderID == id {
					back += "#stop-" + strconv.Itoa(st.Seq)
				}
			}
		}
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// SameOrigin reports whether a browser's request comes from this site's
// own pages: false when it says (Sec-Fetch-Site, Origin) another site
// sent it. Forms that change something check it, besides their token.
func SameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	return true
}

// noStore marks an answer as personal: not kept by any cache, its signed
// address never sent to another site as a referrer (same-origin, not
// no-referrer: with that, a browser's form posts say Origin: null, and
// SameOrigin could not tell the page's own 送达 from another site's).
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("X-Content-Type-Options", "nosniff")
}
