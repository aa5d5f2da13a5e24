package console

import (
	"context"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
	"github.com/baogong/baogong/staff"
)

// statusOrder is the order statuses as columns, in the order an order
// lives them.
var statusOrder = []orders.Status{orders.StatusAwaitingRx, orders.StatusPending, orders.StatusAssigned,
	orders.StatusDelivered, orders.StatusReceived, orders.StatusCancelled}

type gridCount struct {
	Grid   string
	Counts []int
	Total  int
}

type stockRow struct {
	SKU, Name, Unit string
	Limited         bool
	Total, Left     int
	// Ordered is what the open day's orders ask for.
	Ordered  int
	FreeOnly bool
}

type urgentRow struct {
	Order  orders.Order
	Waited time.Duration
}

type jobRow struct {
	Name, Label string
	Specs       []string
	Next        time.Time
	Last        *orders.JobRun
}

type overviewView struct {
	*view
	Days                   orders.Days
	Statuses               []string
	Grids                  []gridCount
	Totals                 []int
	Total, NextDay         int
	HourChart, DemandChart template.HTML
	Stock                  []stockRow
	Urgent                 []urgentRow
	Pending, Dead          int
	NoticesKnown           bool
	Jobs                   []jobRow
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, sess staff.Session) {
	ctx := r.Context()
	v := &overviewView{view: s.newView(r, sess, textOverview, "overview")}
	days, today, err := s.dayOrders(ctx, func(d orders.Days) string { return d.Today })
	if err != nil {
		s.failed(w, r, "overview", err)
		return
	}
	v.Days = days
	var next []orders.Order
	if days.Open != days.Today {
		if next, err = s.Store.Orders(ctx, orders.Filter{Day: days.Open, Limit: 1 << 20}); err != nil {
			s.failed(w, r, "overview", err)
			return
		}
	}
	v.NextDay = len(next)
	for _, st := range statusOrder {
		v.Statuses = append(v.Statuses, statusText(st))
	}
	v.Grids, v.Totals, v.Total = countByGrid(s.Community.GridIDs(), today)

	var perHour [24]int
	for _, o := range append(append([]orders.Order(nil), today...), next...) {
		if at := o.CreatedAt.In(s.Location); orders.Day(at, s.Location) == days.Today {
			perHour[at.Hour()]++
		}
	}
	v.HourChart = hourChart(perHour, textHourChart)

	open := today
	if days.Open != days.Today {
		open = next
	}
	if v.Stock, err = s.stockRows(ctx, open); err != nil {
		s.failed(w, r, "overview", err)
		return
	}
	var labels []string
	var demand, have []int
	for _, st := range v.Stock {
		if st.Limited && !st.FreeOnly {
			labels, demand, have = append(labels, st.Name), append(demand, st.Ordered), append(have, st.Left)
		}
	}
	v.DemandChart = pairChart(labels, demand, have, textDemandChart, textDemand, textLeft)

	if v.Urgent, err = s.urgentWaiting(ctx); err != nil {
		s.failed(w, r, "overview", err)
		return
	}
	if s.Notices != nil {
		pending, err1 := s.Notices.Pending(ctx)
		dead, err2 := s.Notices.Dead(ctx)
		if err1 == nil && err2 == nil {
			v.Pending, v.Dead, v.NoticesKnown = pending, len(dead), true
		}
	}
	if v.Jobs, err = s.jobRows(ctx); err != nil {
		s.failed(w, r, "overview", err)
		return
	}
	s.render(w, r, "overview", v)
}

// countByGrid counts orders per grid and status (statusOrder's columns),
// with the column totals and the grand total.
func countByGrid(grids []string, list []orders.Order) ([]gridCount, []int, int) {
	at := map[string]int{}
	out := make([]gridCount, len(grids))
	for i, g := range grids {
		at[g] = i
		out[i] = gridCount{Grid: g, Counts: make([]int, len(statusOrder))}
	}
	col := map[orders.Status]int{}
	for i, st := range statusOrder {
		col[st] = i
	}
	totals := make([]int, len(statusOrder))
	for _, o := range list {
		i, ok := at[o.Grid]
		if !ok {
			at[o.Grid] = len(out)
			i = len(out)
			out = append(out, gridCount{Grid: o.Grid, Counts: make([]int, len(statusOrder))})
		}
		out[i].Counts[col[o.Status]]++
		out[i].Total++
		totals[col[o.Status]]++
	}
	return out, totals, len(list)
}

// stockRows is every catalog item with its stock, and what open (the
// orders of the day taking orders) asks of it.
func (s *Server) stockRows(ctx context.Context, open []orders.Order) ([]stockRow, error) {
	left, err := s.Store.StockLeft(ctx)
	if err != nil {
		return nil, err
	}
	totals, err := s.Store.StockTotals(ctx)
	if err != nil {
		return nil, err
	}
	ordered := orders.Ordered(open)
	var out []stockRow
	for _, it := range s.Catalog.Items {
		_, limited := left[it.SKU]
		out = append(out, stockRow{SKU: it.SKU, Name: it.Name, Unit: it.Unit, Limited: limited,
			Total: totals[it.SKU], Left: left[it.SKU], Ordered: ordered[it.SKU], FreeOnly: it.FreeOnly})
	}
	return out, nil
}

// urgentWaiting lists the urgent orders nobody has claimed yet, longest
// waiting first.
func (s *Server) urgentWaiting(ctx context.Context) ([]urgentRow, error) {
	var out []urgentRow
	now := s.now()
	for _, g := range s.Community.GridIDs() {
		open, err := s.Store.OpenOrders(ctx, g)
		if err != nil {
			return nil, err
		}
		for _, o := range open {
			if o.Urgent && o.Status == orders.StatusPending {
				out = append(out, urgentRow{Order: o, Waited: now.Sub(orders.PendingSince(o))})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Waited > out[j].Waited })
	return out, nil
}

// jobRows says when each job runs next and how it last ran.
func (s *Server) jobRows(ctx context.Context) ([]jobRow, error) {
	last, err := s.Store.LastJobRuns(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now().In(s.Location)
	var out []jobRow
	for _, name := range jobs.Names {
		row := jobRow{Name: name, Label: jobLabels[name], Specs: s.Schedules[name]}
		if specs, ok := jobs.Frequent[name]; ok {
			row.Specs = specs
		}
		for _, spec := range row.Specs {
			if sched, err := jobs.Parser.Parse(spec); err == nil {
				if n := sched.Next(now); row.Next.IsZero() || n.Before(row.Next) {
					row.Next = n
				}
			}
		}
		if run, ok := last[name]; ok {
			row.Last = &run
		}
		out = append(out, row)
	}
	return out, nil
}
