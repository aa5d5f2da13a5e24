package main

import (
	"strings"
	"testing"

	"github.com/baogong/baogong/jobs"
)

// TestRunJobHelpNamesEveryJob: run-job's help and the usage say what
// every job is, so a new job cannot be listed with an empty line.
func TestRunJobHelpNamesEveryJob(t *testing.T) {
	for _, n := range jobs.Names {
		if strings.TrimSpace(jobHelp[n]) == "" {
			t.Errorf("run-job help says nothing of job %s", n)
		}
		if !strings.Contains(usage, n) {
			t.Errorf("the usage does not list job %s", n)
		}
	}
}
