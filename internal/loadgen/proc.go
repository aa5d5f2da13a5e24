package loadgen

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// clockTick is the unit of /proc/<pid>/stat's times (USER_HZ, 100 on
// Linux).
const clockTick = 10 * time.Millisecond

// ReadCPU returns the CPU time (user and system) process pid has used.
func ReadCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: the fields
	// start after the last ')', with the state (field 3).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// selfCPU returns the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
