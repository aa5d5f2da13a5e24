package actions

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/baogong/baogong/jobs"
	"github.com/baogong/baogong/orders"
)

// RunJob runs job name as staff ask for it: now (slot nil; see
// jobs.Runner.RunNow: the cutoff closes today's orders once and never a
// day ahead, jobs.ErrClosedToday after) or for the slot given (a cutoff
// of a day ahead is jobs.ErrAhead). Staff only; an unknown job is
// jobs.ErrUnknownJob.
func (s *Service) RunJob(ctx context.Context, a Actor, name string, slot *time.Time) (res jobs.Result, err error) {
	defer func() { s.done(ctx, a, "run_job", err) }()
	if !a.Staff {
		return res, ErrForbidden
	}
	if !slices.Contains(jobs.Names, name) {
		return res, fmt.Errorf("%q: %w", name, jobs.ErrUnknownJob)
	}
	ctx = jobs.By(ctx, string(a.Door))
	if slot != nil {
		res, err = s.Jobs.Run(ctx, name, *slot)
	} else {
		res, err = s.Jobs.RunNow(ctx, name)
	}
	note := textJobNothing
	switch {
	case err != nil:
		note = textJobFailed
	case res.Published:
		note = textJobPublished
	}
	s.record(ctx, a, auditRunJob, jobWords[name], dayWords(res.Day)+note)
	return res, err
}

// dayWords is an order day as the audit log shows it: 12月6日, or nothing.
func dayWords(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日 "
}

// Distribute gives a free pack to every household of the grids asked that
// has none from distribution req.ID yet (the same id again tops it up,
// giving nobody twice). Staff only.
func (s *Service) Distribute(ctx context.Context, a Actor, req orders.DistributionRequest) (res orders.DistributionResult, err error) {
	defer func() { s.done(ctx, a, "distribute", err) }()
	if !a.Staff {
		return res, ErrForbidden
	}
	req.By, req.At = a.who(), s.now()
	res, err = s.Distributor.Run(ctx, req)
	if err != nil {
		return res, err
	}
	s.record(ctx, a, auditDistribute, req.ID, fmt.Sprintf(textDistributed, len(res.Placed), len(res.LeftOut)))
	return res, nil
}

// RetryNotices puts dead notices back in the queue (ids; every dead one
// when all) and returns how many. Staff only.
func (s *Service) RetryNotices(ctx context.Context, a Actor, ids []string, all bool) (int, error) {
	return s.changeNotices(ctx, a, "retry_notices", auditRetry, ids, all, s.Dead.Requeue)
}

// DropNotices forgets dead notices (ids; every dead one when all) and
// returns how many. Staff only.
func (s *Service) DropNotices(ctx context.Context, a Actor, ids []string, all bool) (int, error) {
	return s.changeNotices(ctx, a, "drop_notices", auditDrop, ids, all, s.Dead.Drop)
}

func (s *Service) changeNotices(ctx context.Context, a Actor, name, action string, ids []string, all bool, change func(context.Context, ...string) (int, error)) (n int, err error) {
	defer func() { s.done(ctx, a, name, err) }()
	if !a.Staff {
		return 0, ErrForbidden
	}
	if all {
		dead, err := s.Dead.Dead(ctx)
		if err != nil {
			return 0, err
		}
		ids = ids[:0]
		for _, n := range dead {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if n, err = change(ctx, ids...); err != nil {
		return n, err
	}
	s.record(ctx, a, action, strconv.Itoa(n)+"条", "")
	return n, nil
}
