package loadgen

import (
	"bufio"
	"strconv"
	"strings"
)

// RedisInfo returns the text of Redis's INFO for the sections asked
// ("cpu", "commandstats"), summed over every master the service uses.
// The load tool reads it before and after each measured service round:
// Redis's own accounting of what the order messages cost it.
type RedisInfo func(sections ...string) (string, error)

// RedisUse is what Redis spent per service message in the measured
// rounds, from INFO before and after each: CPU (user + system, main
// thread and I/O threads) and, per command, calls and the time Redis
// counted inside it. A script's commands are counted in the script's
// EVALSHA and again on their own, as Redis counts them.
type RedisUse struct {
	CPUus    float64            `json:"cpu_us_per_msg"`
	Calls    map[string]float64 `json:"calls_per_msg"`
	Usec     map[string]float64 `json:"usec_per_msg"`
	Messages int                `json:"messages"`
}

// redisSnapshot is one reading of INFO cpu and commandstats.
type redisSnapshot struct {
	cpu   float64 // seconds
	calls map[string]float64
	usec  map[string]float64
}

func readRedis(info RedisInfo) (redisSnapshot, error) {
	txt, err := info("cpu", "commandstats")
	if err != nil {
		return redisSnapshot{}, err
	}
	return parseRedisInfo(txt), nil
}

// parseRedisInfo reads used_cpu_sys and used_cpu_user, and the
// cmdstat_<name>:calls=…,usec=… lines (several INFO texts concatenated
// add up: one per master).
func parseRedisInfo(txt string) redisSnapshot {
	s := redisSnapshot{calls: map[string]float64{}, usec: map[string]float64{}}
	sc := bufio.NewScanner(strings.NewReader(txt))
	for sc.Scan() {
		name, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if !ok {
			continue
		}
		switch {
		case name == "used_cpu_sys" || name == "used_cpu_user":
			f, _ := strconv.ParseFloat(val, 64)
			s.cpu += f
		case strings.HasPrefix(name, "cmdstat_"):
			cmd := strings.TrimPrefix(name, "cmdstat_")
			for _, kv := range strings.Split(val, ",") {
				k, v, _ := strings.Cut(kv, "=")
				f, _ := strconv.ParseFloat(v, 64)
				switch k {
				case "calls":
					s.calls[cmd] += f
				case "usec":
					s.usec[cmd] += f
				}
			}
		}
	}
	return s
}

// add adds what Redis spent between before and after to u.
func (u *RedisUse) add(before, after redisSnapshot) {
	if u.Calls == nil {
		u.Calls, u.Usec = map[string]float64{}, map[string]float64{}
	}
	u.CPUus += (after.cpu - before.cpu) * 1e6
	for k, v := range after.calls {
		if d := v - before.calls[k]; d > 0 {
			u.Calls[k] += d
		}
	}
	for k, v := range after.usec {
		if d := v - before.usec[k]; d > 0 {
			u.Usec[k] += d
		}
	}
}

// perMessage divides the totals by the messages sent.
func (u *RedisUse) perMessage(n int) {
	u.Messages = n
	if n == 0 {
		return
	}
	f := float64(n)
	u.CPUus /= f
	for k := range u.Calls {
		u.Calls[k] /= f
	}
	for k := range u.Usec {
		u.Usec[k] /= f
	}
}
