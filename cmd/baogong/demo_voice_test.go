package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestDemoVoice plays the demo page's voice button: typed text sent as a
// voice message with that text as WeChat's speech recognition result, over
// the embedded Redis (miniredis).
func TestDemoVoice(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := startDemo(ctx, "127.0.0.1:0", true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	base := "http://" + d.Addr()
	send := func(payload map[string]any) string {
		t.Helper()
		body, _ := json.Marshal(payload)
		resp, err := http.Post(base+"/demo/send", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Reply, Error string
			RequestXML   string `json:"request_xml"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		if out.Error != "" {
			t.Fatalf("%v: %s", payload, out.Error)
		}
		if payload["voice"] == true && !strings.Contains(out.RequestXML, "<MsgType><![CDATA[voice]]></MsgType>") {
			t.Errorf("not sent as a voice message: %s", out.RequestXML)
		}
		return out.Reply
	}
	const zhang = "demo-resident-zhang"
	speak := func(text string) string {
		return send(map[string]any{"openid": zhang, "voice": true, "text": text})
	}
	if got := send(map[string]any{"openid": zhang, "text": "绑定 3栋2单元501"}); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	if got := speak("我要那个布洛芬一盒吧。"); !strings.HasPrefix(got, "您说的是：\"我要那个布洛芬一盒吧\"") || !strings.Contains(got, "确认请回复\"是\"") {
		t.Fatalf("read back: %q", got)
	}
	if got := speak("是的。"); !strings.Contains(got, "下单成功") {
		t.Fatalf("是: %q", got)
	}
	if got := speak("是。"); !strings.Contains(got, "没有等您确认的订单") {
		t.Errorf("second 是: %q", got)
	}
	if got := speak(""); !strings.HasPrefix(got, "抱歉，没听清您的语音") {
		t.Errorf("unheard: %q", got)
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "当语音发") {
		t.Error("the page has no voice button")
	}
}
