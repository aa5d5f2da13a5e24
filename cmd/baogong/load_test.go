package main

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/baogong/baogong/internal/loadgen"
	"github.com/baogong/baogong/internal/redistest"
)

// TestLoad runs "baogong load" against the real binary on a real
// redis-server for about two seconds: every confirmed order must exist
// exactly once, and the report must carry its figures.
func TestLoad(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	// A load test's residents send far more than a person does.
	s.env = append(s.env, "BAOGONG_LIMITS_MESSAGES_PER_MINUTE=1000000")
	s.serve()
	load := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.Command(s.bin, append([]string{"load", "--config", s.cfgPath}, args...)...)
		cmd.Env = s.env
		out, err := cmd.Output()
		if ee, ok := err.(*exec.ExitError); ok {
			t.Logf("load stderr:\n%s", ee.Stderr)
		}
		return string(out), err
	}

	out, err := load("-c", "4", "--residents", "30", "--duration", "1s", "--rounds", "1", "--baseline", "--verify")
	if err != nil {
		t.Fatalf("load: %v\n%s", err, out)
	}
	for _, re := range []string{
		`(?m)^service +\d+ msgs in [\d.]+s: \d+ msgs/s  p50 [\d.]+ms  p99 [\d.]+ms  max [\d.]+ms$`,
		`(?m)^echo +\d+ msgs in .* msgs/s  p50 .* p99 .* max `,
		`(?m)^ +answers: confirmed \d+$`,
		`(?m)^ratio +service/echo [\d.]+%`,
		`(?m)^redis/msg +[\d.]+µs CPU \(INFO cpu over \d+ service messages\)$`,
		`(?m)^ +evalsha +[\d.]+ calls +[\d.]+µs$`,
		`(?m)^verify +(\d+) confirmed, (\d+) listed by the admin API: 0 missing, 0 doubled, 0 wrong owner, 0 without a confirming answer$`,
		`(?m)^problems  none$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("report lacks %s:\n%s", re, out)
		}
	}
	if m := regexp.MustCompile(`verify +(\d+) confirmed, (\d+) listed`).FindStringSubmatch(out); m == nil || m[1] != m[2] || m[1] == "0" {
		t.Errorf("confirmed and listed differ: %v", m)
	}

	// A fixed count, as JSON, with the admin check and the service's
	// memory.
	out, err = load("-c", "3", "--residents", "10", "-n", "60", "--verify-admin", e2eAdmin, "--json",
		"--pid", strconv.Itoa(s.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("load -n: %v\n%s", err, out)
	}
	var rep loadgen.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Service.Messages != 60 || rep.Service.Kinds[loadgen.KindConfirmed] != 60 ||
		rep.Verify == nil || rep.Verify.Listed != 60 || len(rep.Problems) != 0 || rep.Setup.Kinds[loadgen.KindBound] != 10 ||
		rep.MemoryAfter == nil || rep.MemoryAfter.RSSkB <= 0 {
		t.Errorf("report: %s", out)
	}
	// This service has an EncodingAESKey: it refuses plaintext messages,
	// and the tool says so instead of counting them.
	out, err = load("-c", "1", "--residents", "2", "-n", "2", "--mode", "plain", "--json")
	if err == nil || !strings.Contains(out, "http_403") {
		t.Errorf("plaintext to a safe-mode service: %v\n%s", err, out)
	}

	// One message over two rounds: one round sends it, the other none
	// (a round with nothing to send once ran without bound).
	out, err = load("-c", "1", "--residents", "1", "-n", "1", "--baseline", "--json")
	rep = loadgen.Report{}
	if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.Service.Messages != 1 || rep.Echo.Messages != 1 {
		t.Errorf("-n 1 --baseline: %v\n%s", err, out)
	}

	// A lead's 接龙, timed.
	out, err = load("--jielong", "25")
	if err != nil || !strings.Contains(out, "接龙已登记：共25户 / 新下单25户") {
		t.Errorf("jielong: %v\n%s", err, out)
	}

	// Only loopback.
	if out, err := load("--url", "http://192.0.2.1:8080/wechat", "-n", "1"); err == nil {
		t.Errorf("a remote target was loaded:\n%s", out)
	}
}
