package loadgen

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is a process's resident set, from /proc/<pid>/status (Linux).
type Memory struct {
	// RSSkB is VmRSS now; PeakkB is VmHWM, the most it ever held.
	RSSkB  int `json:"rss_kb"`
	PeakkB int `json:"peak_kb"`
}

// ReadMemory reads the resident set of process pid.
func ReadMemory(pid int) (Memory, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Memory{}, err
	}
	defer f.Close()
	var m Memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int
		switch name {
		case "VmRSS":
			dst = &m.RSSkB
		case "VmHWM":
			dst = &m.PeakkB
		default:
			continue
		}
		*dst, err = strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(val), " kB"))
		if err != nil {
			return Memory{}, fmt.Errorf("/proc/%d/status: %s: %w", pid, name, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Memory{}, err
	}
	if m.RSSkB == 0 {
		return Memory{}, fmt.Errorf("/proc/%d/status has no VmRSS", pid)
	}
	return m, nil
}
