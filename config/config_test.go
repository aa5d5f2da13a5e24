package config

import (
	"os"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

func TestExampleConfigParses(t *testing.T) {
	data, err := os.ReadFile("../baogong.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BAOGONG_WECHAT_TOKEN": "tok", "BAOGONG_WECHAT_APP_SECRET": "secret", "BAOGONG_ADMIN_TOKEN": "0123456789abcdef0123"}
	c, err := Parse(data, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.WeChat.Token != "tok" || c.Community.Grids[1].Buildings[1].ID != "8" || c.HTTP.MaxBodyBytes != 1<<20 {
		t.Errorf("parsed %+v", c)
	}
	// Its public_url is a placeholder the service warns about at start.
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "http.public_url (http.public_url in the config file (line ") || !strings.Contains(w[0], "is the example's https://bg.example.com") {
		t.Errorf("warnings %q", w)
	}
	c.HTTP.PublicURL = ""
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "http.public_url is not set: every link the service sends (登录, rosters, pick lists, 汇总) points at http://127.0.0.1:8080") {
		t.Errorf("warnings %q", w)
	}
	c.HTTP.PublicURL = "https://bg.jiedao.cn"
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("warnings %q", w)
	}
}

func TestValidationNamesKeyAndLine(t *testing.T) {
	const base = "wechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: 0123456789abcdef}\n"
	tests := []struct{ name, yaml, want string }{
		{"building twice", base + "community:\n  id: c1\n  grids:\n    - {id: G1, buildings: [\"3\"]}\n    - {id: G2, buildings: [\"3\", \"5\"]}\n",
			`community.grids[1].buildings[0] (line 7): building "3" is already in grid G1`},
		{"no grids", base + "community: {id: c1}\n", "community.grids: has no grids"},
		{"bad community id", base + "community:\n  id: \"c{1}\"\n  grids: [{id: G1, buildings: [\"3\"]}]\n", `community.id (line 4): "c{1}" must be`},
		{"lead of unknown building", base + "community:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n  leads: [{openid: o1, buildings: [\"9\"]}]\n",
			`community.leads[0].buildings[0] (line 6): building "9" is in no grid`},
		{"short admin token", "wechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: x}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "admin.token (line 2): must be at least 16"},
		{"bad aes key", base + "community:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", ""},
		{"missing secret", "wechat: {app_id: wx1, token: t}\nadmin: {token: 0123456789abcdef}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "wechat.app_secret: is empty"},
		{"missing token", "wechat: {app_id: wx1, app_secret: s}\nadmin: {token: 0123456789abcdef}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "wechat.token: is empty"},
		{"unknown key", base + "comunity: {id: c1}\n", "comunity (line 3): unknown key (did you mean community?)"},
		{"bad timezone", base + "timezone: Mars/Olympus\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", `timezone (line 3): "Mars/Olympus" is not a time zone`},
		{"log format", base + "log: {format: xml}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", `log.format (line 3): "xml" must be text or json`},
		{"log level", base + "log: {format: json, level: loud}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", `log.level (line 3): "loud" must be`},
		{"building not a number", base + "community:\n  id: c1\n  grids: [{id: G1, buildings: [\"三\"]}]\n", "must be a number"},
		{"negative replicas", base + "redis: {min_replicas_ack: -1}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "redis.min_replicas_ack (line 3): must be 0"},
		{"replica wait too long", base + "redis: {min_replicas_ack: 1, replica_ack_timeout: 5s}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "redis.replica_ack_timeout (line 3): 5s: must be"},
		{"bad trusted proxy", "wechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: 0123456789abcdef, trusted_proxies: [127.0.0.1, 10.0.0.0/8, proxy.local]}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n",
			`admin.trusted_proxies[2] (line 2): "proxy.local" is not an address or a CIDR range`},
		{"trusted proxies", "wechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: 0123456789abcdef, trusted_proxies: [127.0.0.1, \"::1\", 10.0.0.0/8]}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", ""},
		{"replicas acked", base + "redis: {addrs: [\"127.0.0.1:7000\"], min_replicas_ack: 1, replica_ack_timeout: 200ms}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), noEnv)
			if tt.want == "" {
				if err != nil {
					t.Errorf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	_, err := Parse([]byte(base+"community:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n"), func(k string) string {
		if k == "BAOGONG_WECHAT_ENCODING_AES_KEY" {
			return "tooshort"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "wechat.encoding_aes_key (from BAOGONG_WECHAT_ENCODING_AES_KEY): must be the 43 characters") {
		t.Errorf("aes key from env: %v", err)
	}
}

func TestCommunities(t *testing.T) {
	const base = "wechat: {app_id: wx1, app_secret: s, token: t}\nadmin: {token: 0123456789abcdef}\ncatalog: shared.yaml\nschedules: {cutoff: \"0 20 * * *\", roster: [\"0 7 * * *\"]}\n"
	c, err := Parse([]byte(base+`communities:
  - id: c1
    name: 阳光小区
    aliases: [阳光]
    grids: [{id: G1, buildings: ["3"]}]
    leads: [{openid: l1, buildings: ["3"]}]
  - id: c2
    name: 幸福里
    catalog: c2.yaml
    suppliers: [{id: sm, contact_openid: sm-c2}]
    schedules: {cutoff: "0 21 * * *", picklist: ""}
    grids: [{id: G1, buildings: ["3", "5"]}]
`), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	c.Dir = "/etc/bg"
	all := c.AllCommunities()
	if len(all) != 2 || all[0].ID != "c1" || all[1].Name != "幸福里" || all[0].UrgentClaim <= 0 {
		t.Fatalf("communities %+v", all)
	}
	if got := c.CatalogOf(all[0]); got != "/etc/bg/shared.yaml" {
		t.Errorf("c1 catalog %s, want the shared one", got)
	}
	if got := c.CatalogOf(all[1]); got != "/etc/bg/c2.yaml" {
		t.Errorf("c2 catalog %s", got)
	}
	if s := c.SchedulesOf(all[0]); s.Cutoff != "0 20 * * *" || s.Picklist != "5 20 * * *" || len(s.Roster) != 1 {
		t.Errorf("c1 inherits %+v", s)
	}
	if s := c.SchedulesOf(all[1]); s.Cutoff != "0 21 * * *" || s.Picklist != "" || len(s.Roster) != 1 {
		t.Errorf("c2 schedules %+v", s)
	}
	// The single community: is the list of one.
	one, err := Parse([]byte(base+"community:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n"), noEnv)
	if err != nil || len(one.AllCommunities()) != 1 || one.AllCommunities()[0].ID != "c1" {
		t.Errorf("single community: %+v %v", one.AllCommunities(), err)
	}

	for _, tt := range []struct{ name, yaml, want string }{
		{"both", "community: {id: c0, grids: [{id: G1, buildings: [\"1\"]}]}\ncommunities:\n  - {id: c1, name: A, grids: [{id: G1, buildings: [\"3\"]}]}\n", "community (line 5): is set together with communities"},
		{"id twice", "communities:\n  - {id: c1, name: A, grids: [{id: G1, buildings: [\"3\"]}]}\n  - {id: c1, name: B, grids: [{id: G1, buildings: [\"3\"]}]}\n", `communities[1].id (line 7): community "c1" is listed twice`},
		{"no name", "communities:\n  - {id: c1, grids: [{id: G1, buildings: [\"3\"]}]}\n", "communities[0].name: is empty"},
		{"alias of another", "communities:\n  - {id: c1, name: 阳光小区, aliases: [阳光], grids: [{id: G1, buildings: [\"3\"]}]}\n  - {id: c2, name: 阳光, grids: [{id: G1, buildings: [\"3\"]}]}\n", `communities[1].name (line 7): "阳光" also names community c1`},
		{"bad grid", "communities:\n  - {id: c1, name: A, grids: [{id: G1, buildings: [\"三\"]}]}\n", "communities[0].grids[0].buildings[0] (line 6): building"},
		{"bad schedule", "communities:\n  - {id: c1, name: A, schedules: {cutoff: nope}, grids: [{id: G1, buildings: [\"3\"]}]}\n", "communities[0].schedules.cutoff"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(base+tt.yaml), noEnv)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
