package loadgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Print writes the report for people: one line per phase with msgs/s and
// latencies, then answers and errors by kind, the check and the problems.
func (r *Report) Print(w io.Writer) {
	if r.Jielong != nil {
		fmt.Fprintf(w, "target    %s, %s mode\n", r.Target, r.Mode)
	} else {
		fmt.Fprintf(w, "target    %s, %s mode, %d connections\n", r.Target, r.Mode, r.Conns)
		fmt.Fprintf(w, "message   %q from %d residents\n", r.Message, r.Residents)
	}
	if r.Setup != nil {
		printSummary(w, "setup", r.Setup)
		if r.Moved > 0 {
			fmt.Fprintf(w, "          %d residents found their door taken by an earlier run and bound another\n", r.Moved)
		}
	}
	if r.Service != nil {
		printSummary(w, "service", r.Service)
	}
	if r.Echo != nil {
		printSummary(w, "echo", r.Echo)
		fmt.Fprintf(w, "ratio     service/echo %.1f%% (msgs/s, same run, %d alternating rounds)\n", 100*r.Ratio, r.Rounds)
	}
	if c := r.CPU; c != nil {
		fmt.Fprintf(w, "cpu/msg   ")
		if c.Service > 0 {
			fmt.Fprintf(w, "service process %.0fµs; ", c.Service)
		}
		fmt.Fprintf(w, "this process %.0fµs with the service", c.ToolWithService)
		if c.ToolWithEcho > 0 {
			fmt.Fprintf(w, ", %.0fµs with the in-process echo", c.ToolWithEcho)
		}
		fmt.Fprintln(w)
	}
	if u := r.Redis; u != nil {
		fmt.Fprintf(w, "redis/msg %.1fµs CPU (INFO cpu over %d service messages)\n", u.CPUus, u.Messages)
		for _, k := range slices.SortedFunc(maps.Keys(u.Calls), func(a, b string) int { return strings.Compare(a, b) }) {
			if u.Calls[k] >= 0.01 {
				fmt.Fprintf(w, "          %-16s %5.2f calls %6.1fµs\n", k, u.Calls[k], u.Usec[k])
			}
		}
	}
	if v := r.Verify; v != nil {
		fmt.Fprintf(w, "verify    %d confirmed, %d listed by the admin API: %d missing, %d doubled, %d wrong owner, %d without a confirming answer\n",
			v.Confirmed, v.Listed, len(v.Missing), len(v.Doubled), len(v.WrongOwner), len(v.Unconfirmed))
		if len(v.Capped) > 0 {
			fmt.Fprintf(w, "          not checked: %d older confirmed orders beyond the API's %d-order listing of grid %s\n",
				v.Unchecked, adminListLimit, strings.Join(v.Capped, ", "))
		}
	}
	if j := r.Jielong; j != nil {
		fmt.Fprintf(w, "接龙      %d households, %d bytes, %q\n", j.Households, j.Bytes, r.Message)
		for _, p := range []struct {
			name string
			*JielongPaste
		}{{"first", &j.First}, {"again", &j.Again}} {
			if p.Error != "" {
				fmt.Fprintf(w, "  %-7s %.2fs  no answer: %s\n", p.name, p.Seconds, p.Error)
				continue
			}
			fmt.Fprintf(w, "  %-7s %.2fs  %s; %d entries named as refused", p.name, p.Seconds, p.Head, p.Refused)
			if p.Cut {
				fmt.Fprint(w, " (answer cut at WeChat's 2048 bytes)")
			}
			fmt.Fprintln(w)
		}
	}
	if r.MemoryAfter != nil {
		fmt.Fprintf(w, "memory    pid %d: VmRSS %.1f MB (before the run %.1f MB), VmHWM %.1f MB", r.PID,
			mb(r.MemoryAfter.RSSkB), mb(r.MemoryBefore.RSSkB), mb(r.MemoryAfter.PeakkB))
		if r.WatchSeconds > 0 {
			fmt.Fprintf(w, "; largest VmRSS in %.0fs after the run %.1f MB", r.WatchSeconds, mb(r.WatchMaxRSSkB))
		}
		fmt.Fprintln(w)
	}
	if len(r.Problems) == 0 {
		fmt.Fprintln(w, "problems  none")
		return
	}
	fmt.Fprintf(w, "problems  %d\n", len(r.Problems))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

func printSummary(w io.Writer, name string, s *Summary) {
	fmt.Fprintf(w, "%-9s %d msgs in %.2fs: %.0f msgs/s  p50 %.2fms  p99 %.2fms  max %.2fms\n",
		name, s.Messages, s.Seconds, s.PerSecond, s.P50Ms, s.P99Ms, s.MaxMs)
	fmt.Fprintf(w, "          answers: %s\n", counts(s.Kinds))
	errs := counts(s.Errors)
	if s.Late > 0 {
		errs += fmt.Sprintf("; %d later than WeChat's 5 s", s.Late)
	}
	fmt.Fprintf(w, "          errors: %s\n", errs)
	for _, k := range slices.Sorted(maps.Keys(s.Samples)) {
		fmt.Fprintf(w, "          %s e.g. %q\n", k, firstLine(s.Samples[k]))
	}
}

// counts renders kind counts, largest first: "confirmed 812, busy 3".
func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func mb(kB int) float64 { return float64(kB) / 1024 }
