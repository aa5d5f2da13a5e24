package loadgen

import "testing"

// TestRedisUse reads INFO as Redis writes it (two masters' texts one after
// the other add up) and divides what a run spent by its messages.
func TestRedisUse(t *testing.T) {
	before := parseRedisInfo("# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.000000\r\nused_cpu_sys_children:9.0\r\n" +
		"# Commandstats\r\ncmdstat_evalsha:calls=10,usec=300,usec_per_call=30.00,rejected_calls=0,failed_calls=0\r\n")
	after := parseRedisInfo("# CPU\r\nused_cpu_sys:1.600000\r\nused_cpu_user:2.100000\r\n" +
		"# Commandstats\r\ncmdstat_evalsha:calls=110,usec=3300,usec_per_call=30.00\r\ncmdstat_zadd:calls=500,usec=1000\r\n" +
		"\n# CPU\r\nused_cpu_sys:0\r\nused_cpu_user:0\r\n# Commandstats\r\ncmdstat_zadd:calls=0,usec=0\r\n")
	var u RedisUse
	u.add(before, after)
	u.perMessage(100)
	for name, c := range []struct{ got, want float64 }{
		{u.CPUus, 2000}, {u.Calls["evalsha"], 1}, {u.Usec["evalsha"], 30}, {u.Calls["zadd"], 5}, {u.Usec["zadd"], 10},
	} {
		if d := c.got - c.want; d > 1e-6 || d < -1e-6 {
			t.Errorf("#%d: %v, want %v", name, c.got, c.want)
		}
	}
	if u.Messages != 100 {
		t.Errorf("messages %d", u.Messages)
	}
}
