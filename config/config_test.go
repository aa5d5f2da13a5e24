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
	if c.WeChat.Token != "tok" || c.Community.Grids[1].Buildings[1] != "8" || c.HTTP.MaxBodyBytes != 1<<20 {
		t.Errorf("parsed %+v", c)
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
		{"unknown key", base + "comunity: {id: c1}\n", "field comunity not found"},
		{"bad timezone", base + "timezone: Mars/Olympus\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", `timezone (line 3): "Mars/Olympus" is not a time zone`},
		{"building not a number", base + "community:\n  id: c1\n  grids: [{id: G1, buildings: [\"三\"]}]\n", "must be a number"},
		{"negative replicas", base + "redis: {min_replicas_ack: -1}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "redis.min_replicas_ack (line 3): must be 0"},
		{"replica wait too long", base + "redis: {min_replicas_ack: 1, replica_ack_timeout: 5s}\ncommunity:\n  id: c1\n  grids: [{id: G1, buildings: [\"3\"]}]\n", "redis.replica_ack_timeout (line 3): 5s: must be"},
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
	if err == nil || !strings.Contains(err.Error(), "wechat.encoding_aes_key: must be the 43 characters") {
		t.Errorf("aes key from env: %v", err)
	}
}
