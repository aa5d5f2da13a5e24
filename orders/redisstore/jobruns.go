package redisstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/orders"
)

// The history of job runs, for the console:
//
//	bg:{c}:jobruns:<job> LIST JobRun JSON, newest first, the last keepRuns
//	bg:{c}:joblast       HASH job → the latest JobRun JSON
func (k keys) jobRuns(job string) string { return k.p + "jobruns:" + job }
func (k keys) jobLast() string           { return k.p + "joblast" }

// keepRuns is how many runs of each job the console can show.
const keepRuns = 50

// SaveJobRun records a run as the latest of its job and, when keep is
// set, in the job's history (the urgent job runs every minute: only its
// runs that did something are worth keeping).
func (s *Store) SaveJobRun(ctx context.Context, r orders.JobRun, keep bool) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save job run: %w", err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.k.jobLast(), r.Job, data)
		if keep {
			p.LPush(ctx, s.k.jobRuns(r.Job), data)
			p.LTrim(ctx, s.k.jobRuns(r.Job), 0, keepRuns-1)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save job run: %w", err)
	}
	return nil
}

// JobRuns returns up to n kept runs of job, newest first.
func (s *Store) JobRuns(ctx context.Context, job string, n int) ([]orders.JobRun, error) {
	vals, err := s.rdb.LRange(ctx, s.k.jobRuns(job), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("job runs: %w", err)
	}
	out := make([]orders.JobRun, 0, len(vals))
	for _, v := range vals {
		var r orders.JobRun
		if json.Unmarshal([]byte(v), &r) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// LastJobRuns returns the latest run of every job that ran, by job.
func (s *Store) LastJobRuns(ctx context.Context) (map[string]orders.JobRun, error) {
	m, err := s.rdb.HGetAll(ctx, s.k.jobLast()).Result()
	if err != nil {
		return nil, fmt.Errorf("last job runs: %w", err)
	}
	out := make(map[string]orders.JobRun, len(m))
	for job, v := range m {
		var r orders.JobRun
		if json.Unmarshal([]byte(v), &r) == nil {
			out[job] = r
		}
	}
	return out, nil
}
