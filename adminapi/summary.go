package adminapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/reports"
)

// SummaryPath is the route of a lead's printable 汇总 (unit "all" for all
// of their units), behind a signed link. The lead is named by LeadToken,
// not by openid: the link may be forwarded.
func SummaryPath(key []byte, lead, unit string) string {
	if unit == "" {
		unit = "all"
	}
	return "/s/" + LeadToken(key, lead) + "/" + unit
}

// LeadToken is an opaque name of a lead in links: an HMAC of their openid
// under the links' key.
func LeadToken(key []byte, lead string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("lead:" + lead))
	return hex.EncodeToString(m.Sum(nil))[:20]
}

// leadSummary renders the printable page of a lead's 汇总: what the bot's
// 汇总 lists, every household of it.
func (s *Server) leadSummary(w http.ResponseWriter, r *http.Request) {
	token, unit := r.PathValue("lead"), r.PathValue("unit")
	if unit == "all" {
		unit = ""
	}
	added, err := s.Store.Leads(r.Context())
	if err != nil {
		s.unavailable(w, "leads", err)
		return
	}
	all := s.Community.AllLeads(added)
	var buildings []string
	for _, l := range all {
		if hmac.Equal([]byte(LeadToken(s.Jobs.Links.Key, l.OpenID)), []byte(token)) {
			buildings = orders.LedBy(all, l.OpenID)
			break
		}
	}
	if len(buildings) == 0 {
		page(w, http.StatusNotFound, "您现在不是楼栋长，看不到这一页。")
		return
	}
	now := s.now().In(s.Jobs.Runner.Location)
	days, err := s.Community.Calendar.Read(r.Context(), s.Store, now, s.Jobs.Runner.Location)
	if err != nil {
		s.unavailable(w, "order days", err)
		return
	}
	list, err := orders.LeadOrders(r.Context(), s.Store, s.Community, buildings, unit, days)
	if err != nil {
		s.unavailable(w, "lead's orders", err)
		return
	}
	title := "订单汇总"
	if len(buildings) == 1 {
		title = buildings[0] + "栋订单汇总"
		if unit != "" {
			title = buildings[0] + "栋" + unit + "单元订单汇总"
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := reports.SummaryHTML(w, title, list, orders.Totals(s.Jobs.Catalog, list), now); err != nil {
		s.Log.Error("render summary", "err", err)
	}
}
